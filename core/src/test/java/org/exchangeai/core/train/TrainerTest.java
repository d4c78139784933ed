package org.exchangeai.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.proto.Onnx;
import org.exchangeai.core.prep.Preparation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training runs on real PTB-XL recordings (see {@link PtbxlSample}), small enough for a unit test.
 * The exported model is checked against ONNX Runtime, the independent reference.
 */
class TrainerTest {

    static List<PtbxlSample.Recording> recordings;

    @BeforeAll
    static void load() throws Exception {
        recordings = PtbxlSample.load(List.of("NORM", "MI", "STTC", "CD"), 4);
    }

    static List<Example> examples(List<PtbxlSample.Recording> recs, int length) {
        List<Example> out = new ArrayList<>();
        for (PtbxlSample.Recording r : recs) {
            float[][] x = new float[12][];
            for (int lead = 0; lead < 12; lead++) {
                x[lead] = java.util.Arrays.copyOf(r.signal()[lead], length);
            }
            out.add(Example.of(r.file(), x, r.label()));
        }
        return out;
    }

    /** InceptionTime pools globally, so any length runs; short inputs keep these tests fast. */
    static OnnxGraph inceptionTimeAnyLength() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx"));
        return g.edit(b -> {
            Onnx.ValueInfoProto.Builder in = b.getGraphBuilder().getInputBuilder(0);
            in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                    .setDim(2, Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("samples"));
            return b;
        });
    }

    /**
     * Fine-tunes the XceptionTime head on 16 recordings of 4 classes (12 train, 4 validation) for 2
     * epochs, inputs read by {@code NpyReader} and prepared with the model's own recipe
     * ({@code Preparation.fromMetadata}), then compares ONNX Runtime on the exported file with the
     * interpreter in inference mode.
     */
    @Test
    void headFineTuningExportsAModelOnnxRuntimeAgreesWith() throws Exception {
        Path basePath = TestData.model("xc_super_pretrained.onnx");
        OnnxGraph base = OnnxGraph.read(basePath);
        Preparation prep = Preparation.fromMetadata(base.metadata());
        List<Example> data = new ArrayList<>();
        for (PtbxlSample.Recording r : recordings) {
            Ecg ecg = new NpyReader().read(TestData.data("ptbxl/" + r.file()), ReadOptions.DEFAULT.withFs(500.0));
            data.add(Example.of(r.file(), prep.apply(ecg), r.label()));
        }
        assertEquals(1000, data.get(0).input()[0].length);
        List<TrainingEvent> events = new ArrayList<>();
        TrainingConfig cfg = TrainingConfig.defaults(Method.HEAD).withEpochs(2).withBatchSize(4);
        TrainingResult result = new Trainer(cfg).onEvent(events::add)
                .train(base, OnnxGraph.sha256(Files.readAllBytes(basePath)), data, prep);

        assertEquals(List.of("CD", "MI", "NORM", "STTC"), result.classes());
        assertEquals(2, result.history().size());
        assertNotNull(result.model());
        assertTrue(events.stream().anyMatch(e -> e.kind() == TrainingEvent.Kind.BATCH && e.trainLoss() > 0));
        TrainingEvent epoch = events.stream().filter(e -> e.kind() == TrainingEvent.Kind.EPOCH).findFirst().orElseThrow();
        assertTrue(epoch.validationLoss() > 0 && epoch.f1Macro() >= 0 && epoch.f1Weighted() <= 1);
        assertEquals(1e-3, epoch.learningRate(), 1e-12);
        TrainingEvent second = events.stream().filter(e -> e.kind() == TrainingEvent.Kind.EPOCH).skip(1).findFirst().orElseThrow();
        assertEquals(0.8e-3, second.learningRate(), 1e-12, "exponential decay, gamma 0.8");

        OnnxGraph model = result.model();
        Map<String, String> meta = model.metadata();
        assertEquals("['CD', 'MI', 'NORM', 'STTC']", meta.get("target_keys"));
        assertEquals("mikroVolt", meta.get("scale"), "the base model's scale is kept");
        assertEquals("None", meta.get("standardizer"));
        assertEquals("100", meta.get("sampling_rate"));
        assertEquals(prep, Preparation.fromJson(meta.get(Preparation.METADATA_KEY)), "the full recipe travels along");
        assertEquals(OnnxGraph.sha256(Files.readAllBytes(basePath)), meta.get(Export.BASE_SHA256));
        assertEquals("head", meta.get(Export.METHOD));
        assertTrue(meta.get(Export.CLASS_COUNTS).contains("\"MI\":4"), meta.get(Export.CLASS_COUNTS));
        assertTrue(meta.get(Export.VALIDATION).contains("f1_weighted"));
        assertTrue(model.opsetVersion() >= 17);
        assertEquals("batch", model.inputs().get(0).shape().get(0).param());
        assertTrue(model.nodes().stream().filter(n -> n.getOpType().equals("BatchNormalization"))
                .allMatch(n -> n.getOutputCount() == 1 && n.getAttributeList().stream()
                        .anyMatch(a -> a.getName().equals("training_mode") && a.getI() == 0)));
        // the frozen body is unchanged, the head moved
        assertArrayEquals(base.initializer("block/shortcut/0/shortcut/0/0/Conv.weight").floats(),
                model.initializer("block/shortcut/0/shortcut/0/0/Conv.weight").floats());

        float[] input = new float[5 * 12 * 1000];
        for (int i = 0; i < 5; i++) {
            for (int lead = 0; lead < 12; lead++) {
                System.arraycopy(data.get(i).input()[lead], 0, input, (i * 12 + lead) * 1000, 1000);
            }
        }
        long[] shape = {5, 12, 1000};
        float[] ort = OrtRunner.run(model, input, shape);
        float[] ours;
        try (NDManager m = Engines.newManager(); GraphModule module = GraphModule.build(model, m)) {
            ours = module.forward(m.create(input, new Shape(shape))).toFloatArray();
        }
        double diff = OrtRunner.maxAbsDiff(ours, ort);
        assertTrue(diff < 1e-5, "ONNX Runtime vs interpreter on the export: max |diff| = " + diff);
        Path out = Path.of("target", "trained-xc-head.onnx");
        model.write(out);
        assertEquals(model.sha256(), OnnxGraph.read(out).sha256());
    }

    /**
     * Same seed, same data → bit-identical weights; memory (arrays alive under the run's manager) is
     * the same after every epoch.
     */
    @Test
    void scratchTrainingIsRepeatableAndMemoryStaysFlat() throws Exception {
        OnnxGraph base = inceptionTimeAnyLength();
        List<Example> data = examples(recordings.stream().filter(r -> r.label().equals("NORM") || r.label().equals("MI"))
                .toList(), 250);
        TrainingConfig cfg = TrainingConfig.defaults(Method.SCRATCH).withEpochs(3).withBatchSize(4).withSeed(5);
        List<Integer> arraysAfterEpoch = new ArrayList<>();
        TrainingResult first;
        try (NDManager parent = Engines.newManager()) {
            first = new Trainer(cfg).onEvent(e -> {
                if (e.kind() == TrainingEvent.Kind.EPOCH) {
                    arraysAfterEpoch.add(parent.getManagedArrays().size());
                }
            }).train(base, "0".repeat(64), data, 100, parent);
        }
        assertEquals(3, arraysAfterEpoch.size());
        assertEquals(arraysAfterEpoch.get(0), arraysAfterEpoch.get(2), "arrays alive after epochs " + arraysAfterEpoch);
        TrainingResult second = new Trainer(cfg).train(base, "0".repeat(64), data, 100);
        assertEquals(first.history(), second.history().stream()
                .map(h -> new TrainingResult.EpochStats(h.epoch(), h.trainLoss(), h.validationLoss(), h.f1Macro(),
                        h.f1Weighted(), h.learningRate(), first.history().get(h.epoch() - 1).seconds(), h.macroAuc(),
                        h.criterion())).toList());
        assertArrayEquals(first.model().initializer("fc.weight").floats(), second.model().initializer("fc.weight").floats());
        assertArrayEquals(first.model().initializer("inceptionblock.inception.0.bottleneck.weight").floats(),
                second.model().initializer("inceptionblock.inception.0.bottleneck.weight").floats());
        assertFalse(java.util.Arrays.equals(base.initializer("inceptionblock.inception.0.bottleneck.weight").floats(),
                first.model().initializer("inceptionblock.inception.0.bottleneck.weight").floats()), "re-initialised");
    }

    @Test
    void cancellingStopsBetweenBatches() throws Exception {
        OnnxGraph base = inceptionTimeAnyLength();
        List<Example> data = examples(recordings, 200);
        Trainer trainer = new Trainer(TrainingConfig.defaults(Method.ALL).withEpochs(5).withBatchSize(4));
        List<TrainingEvent> batches = new ArrayList<>();
        trainer.onEvent(e -> {
            if (e.kind() == TrainingEvent.Kind.BATCH) {
                batches.add(e);
                trainer.cancel();
            }
        });
        TrainingResult r = trainer.train(base, "0".repeat(64), data, 100);
        assertEquals(TrainingResult.Status.CANCELLED, r.status());
        assertEquals(1, batches.size());
        assertNull(r.model(), "no epoch finished, so no model");
    }

    /**
     * Multi-label data (PTB-XL diagnostic superclass sets from metadata.csv) with binary cross-entropy,
     * after the learning-rate finder: the suggestion lies inside the swept range and the run exports a
     * model labelled multi-label.
     */
    @Test
    void multiLabelTrainingAfterTheLearningRateFinder() throws Exception {
        Map<String, List<String>> sets = new java.util.HashMap<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/metadata.csv"))) {
            String last = line.substring(line.lastIndexOf(',') + 1);
            String id = line.substring(0, line.indexOf(','));
            sets.put("npy500/" + id + ".npy", List.of(last.split("\\|")));
        }
        List<Example> data = new ArrayList<>();
        for (Example e : examples(recordings, 200)) {
            data.add(new Example(e.id(), e.input(), sets.get(e.id())));
        }
        assertTrue(data.stream().anyMatch(e -> e.labels().size() > 1), "some recordings carry several classes");
        TrainingConfig cfg = TrainingConfig.defaults(Method.ALL).withEpochs(1).withBatchSize(4).withMultiLabel(true)
                .withLearningRateFinder(true);
        List<TrainingEvent> events = new ArrayList<>();
        TrainingResult r = new Trainer(cfg).onEvent(events::add).train(inceptionTimeAnyLength(), "0".repeat(64), data, 100);
        assertTrue(events.stream().anyMatch(e -> e.kind() == TrainingEvent.Kind.LEARNING_RATE_FOUND));
        assertTrue(r.learningRate() > 0 && r.learningRate() <= 1e-3, "suggested " + r.learningRate());
        assertNotNull(r.model());
        assertEquals("multi-label", r.model().metadata().get(Export.LABEL_TYPE));
        assertEquals(r.classes().size(), r.model().initializer("fc.bias").size());
        assertTrue(Double.isFinite(r.best().validationLoss()));
    }
}
