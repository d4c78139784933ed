package org.exchangeai.core.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Predictor;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.CardX;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small pretraining runs of CardX on real PTB-XL recordings ({@code ../shared/pretrain/ptbxl100}). */
class PretrainerTest {

    private static final ReadOptions READ = ReadOptions.DEFAULT.withLeads(LeadNames.STANDARD_12);
    private static Corpus train;
    private static Corpus validation;

    @TempDir
    Path dir;

    /** 12 training recordings of folds 1–2 and 6 validation recordings of fold 9, with their superclasses. */
    @BeforeAll
    static void corpus() throws Exception {
        Path folder = TestData.shared().resolve("pretrain/ptbxl100");
        Corpus all = Corpus.scan(List.of(folder), List.of())
                .withLabels(Labels.read(folder.resolve("labels.csv")))
                .withMetadata(folder.resolve("metadata.csv"));
        train = Corpus.of(all.inFolds(Corpus.folds("1-2")).items().subList(0, 12));
        validation = Corpus.of(all.inFolds(Corpus.folds("9")).items().subList(0, 6));
        assertTrue(train.sharedPatients(validation).isEmpty());
        assertEquals(12, train.labelled());
    }

    private static PretrainConfig config(Objective o, int epochs) {
        return PretrainConfig.defaults(o).withEpochs(epochs).withBatchSize(6).withSeed(7);
    }

    private Pretrainer.Task task(Objective o, Path checkpoint, boolean resume) {
        List<String> classes = o.supervised() ? train.classes() : List.of("untrained_0", "untrained_1");
        return new Pretrainer.Task(CardX.build(12, classes, 7), "cardx", CardX.preparation(), train, validation,
                RecordingSource.files(READ),
                checkpoint, resume);
    }

    @Test
    void bothObjectivesGiveAnEncoderWithATrainedMultiLabelHead() throws Exception {
        List<PretrainEvent> events = new ArrayList<>();
        PretrainResult r = new Pretrainer(config(Objective.BOTH, 2)).onEvent(events::add)
                .run(task(Objective.BOTH, dir.resolve("e.onnx.checkpoint"), false));
        assertEquals(PretrainResult.Status.COMPLETED, r.status());
        assertEquals(2, r.history().size());
        for (PretrainResult.Epoch e : r.history()) {
            assertTrue(Double.isFinite(e.contrastiveLoss()) && Double.isFinite(e.supervisedLoss()), e.toString());
            assertTrue(e.validationAuc() > 0 && e.validationAuc() <= 1, e.toString());
            assertTrue(e.recordingsPerSecond() > 0);
        }
        assertTrue(events.stream().anyMatch(e -> e.kind() == PretrainEvent.Kind.CHECKPOINT));
        assertTrue(Files.isRegularFile(dir.resolve("e.onnx.checkpoint")));
        Path out = dir.resolve("e.onnx");
        r.encoder().write(out);
        try (OnnxModel m = OnnxModel.load(out, 1)) {
            ModelCard card = m.card();
            assertEquals(train.classes(), card.classes());
            assertEquals(ModelCard.LabelType.MULTI, card.labelType());
            assertTrue(card.headTrained());
            String provenance = card.metadata().get(ModelCard.PRETRAINING);
            assertTrue(provenance.contains("\"objective\":\"both\"") && provenance.contains(train.fingerprint()),
                    provenance);
            assertEquals(CardX.preparation().toJson(), card.metadata().get("exchangeai.preparation"));
            var read = Formats.readAll(List.of(TestData.shared().resolve("pretrain/ptbxl100/10000.npy")), READ);
            var p = Predictor.forModel(m, 2).predict(read, n -> { });
            assertEquals(train.classes().size(), p.get(0).probabilities().length);
        }
    }

    /** A self-supervised encoder says its head is untrained; predict refuses it; fine-tuning its head works. */
    @Test
    void sslEncoderIsRefusedByPredictAndFineTunes() throws Exception {
        PretrainResult r = new Pretrainer(config(Objective.SSL, 1)).run(task(Objective.SSL, null, false));
        assertTrue(Double.isNaN(r.history().get(0).supervisedLoss()));
        assertTrue(Double.isFinite(r.history().get(0).validationLoss()));
        Path out = dir.resolve("ssl.onnx");
        r.encoder().write(out);
        try (OnnxModel m = OnnxModel.load(out, 1)) {
            assertFalse(m.card().headTrained());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictor.forModel(m, 2));
            assertTrue(e.getMessage().contains("never trained"), e.getMessage());
        }
        // the head is fine-tuned on single labels of other recordings (npy500, 500 Hz), 3 of each class
        List<Example> examples = new ArrayList<>();
        Labels labels = Labels.read(TestData.data("ptbxl/labels.csv"));
        Map<String, Integer> perClass = new java.util.HashMap<>();
        for (Labels.Row row : labels.rows()) {
            if (row.fileName().startsWith("npy500/") && perClass.merge(row.label(), 1, Integer::sum) <= 3) {
                var ecg = Formats.read(TestData.data("ptbxl/" + row.fileName()), READ);
                examples.add(new Example(row.fileName(), CardX.preparation().apply(ecg), row.labels()));
            }
        }
        TrainingResult t = new Trainer(TrainingConfig.defaults(Method.HEAD).withEpochs(2).withBatchSize(4))
                .train(OnnxGraph.read(out), "sha", examples, CardX.preparation());
        assertNotNull(t.model());
        assertTrue(ModelCard.of(t.model().metadata(), -1).headTrained(), "fine-tuned model still says untrained");
        // only the head changed
        Map<String, Tensor> before = OnnxGraph.read(out).floatInitializers();
        Map<String, Tensor> after = t.model().floatInitializers();
        float[] stem = before.get("stem.conv.weight").floats();
        assertTrue(java.util.Arrays.equals(stem, after.get("stem.conv.weight").floats()));
    }

    /** Stopped after its first epoch and resumed from the checkpoint, a run ends with the same weights. */
    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        PretrainResult whole = new Pretrainer(config(Objective.BOTH, 3)).run(task(Objective.BOTH,
                dir.resolve("a.checkpoint"), false));
        Pretrainer stopping = new Pretrainer(config(Objective.BOTH, 3));
        stopping.onEvent(e -> {
            if (e.kind() == PretrainEvent.Kind.CHECKPOINT && e.epoch() == 1) {
                stopping.cancel();
            }
        });
        PretrainResult stopped = stopping.run(task(Objective.BOTH, dir.resolve("b.checkpoint"), false));
        assertEquals(PretrainResult.Status.CANCELLED, stopped.status());
        assertNull(stopped.encoder());
        assertEquals(1, Checkpoint.read(dir.resolve("b.checkpoint")).epoch());
        PretrainResult resumed = new Pretrainer(config(Objective.BOTH, 3)).run(task(Objective.BOTH,
                dir.resolve("b.checkpoint"), true));
        assertEquals(whole.history().size(), resumed.history().size());
        assertEquals(whole.chosenEpoch(), resumed.chosenEpoch());
        Map<String, Tensor> a = whole.encoder().floatInitializers();
        Map<String, Tensor> b = resumed.encoder().floatInitializers();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertTrue(java.util.Arrays.equals(a.get(k).floats(), b.get(k).floats()), k + " differs after resume");
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(whole.history().get(i).loss(), resumed.history().get(i).loss(), 0, "epoch " + (i + 1));
        }
        // a different seed is refused, naming what differs
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pretrainer(
                config(Objective.BOTH, 3).withSeed(8)).run(task(Objective.BOTH, dir.resolve("b.checkpoint"), true)));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }

    @Test
    void corpusListsFoldsPatientsAndManifests() throws Exception {
        Path manifest = dir.resolve("list.txt");
        Path folder = TestData.shared().resolve("pretrain/ptbxl100");
        Files.writeString(manifest, "# two recordings\n" + folder.resolve("10000.npy") + "\n\n"
                + folder.resolve("10036.npy") + "\n");
        Corpus c = Corpus.scan(List.of(), List.of(manifest)).withMetadata(folder.resolve("metadata.csv"));
        assertEquals(2, c.size());
        assertNotNull(c.items().get(0).patient());
        assertNotNull(c.items().get(0).fold());
        assertEquals(java.util.Set.of("1", "2", "3", "5", "6", "7"), Corpus.folds("1-3,5-7"));
        assertEquals(c.fingerprint(), Corpus.scan(List.of(), List.of(manifest)).withMetadata(
                folder.resolve("metadata.csv")).fingerprint());
    }
}
