package org.exchangeai.app.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.pretrain.Checkpoint;
import org.exchangeai.core.pretrain.Corpus;
import org.exchangeai.core.pretrain.PretrainConfig;
import org.exchangeai.core.pretrain.PretrainEvent;
import org.exchangeai.core.pretrain.PretrainResult;
import org.exchangeai.core.pretrain.Pretrainer;
import org.exchangeai.core.zoo.Zoo;

/**
 * Pretrains a model on the recordings of one or more datasets (their labels used when the objective
 * wants them). Recordings are decoded from the workspace batch by batch; a checkpoint is kept in the
 * workspace's {@code pretrain/} folder after every epoch, so a run stopped by the user or by a restart
 * continues from its last finished epoch. Every finished epoch is written into the job's result for
 * the live curve; the encoder joins the workspace's models.
 */
public final class PretrainJob implements Job {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to pretrain.
     *
     * @param architecture a zoo name, or {@code null} when {@code baseFile} is given
     * @param baseFile a model file to continue from
     * @param datasets the datasets to learn from, with the label of each labelled recording
     * @param checkpointKey names the checkpoint; a resumed run uses the key of the run it continues
     */
    public record Spec(String name, String architecture, Path baseFile, List<Source> datasets, PretrainConfig config,
            String checkpointKey, boolean resume) {
    }

    /** A dataset and its recordings' labels ({@code A|B} for several), by recording id. */
    public record Source(long datasetId, Map<Long, String> labels) {
    }

    private final Workspace ws;
    private final Spec spec;
    private final FineTuneJob.ModelSink sink;

    public PretrainJob(Workspace ws, Spec spec, FineTuneJob.ModelSink sink) {
        this.ws = ws;
        this.spec = spec;
        this.sink = sink;
    }

    /** Where runs with this key keep their checkpoint. */
    public static Path checkpoint(Workspace ws, String key) {
        return ws.dir().resolve("pretrain").resolve(key.replaceAll("[^A-Za-z0-9._-]", "_") + ".checkpoint");
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        Datasets datasets = new Datasets(ws);
        List<Corpus.Item> items = new ArrayList<>();
        for (Source source : spec.datasets()) {
            long id = source.datasetId();
            Datasets.Dataset d = datasets.get(id).orElseThrow(() -> new IllegalArgumentException("dataset " + id
                    + " no longer exists"));
            Map<Long, String> labels = source.labels();
            for (Recording r : datasets.recordings(id)) {
                if (!r.ok()) {
                    continue;
                }
                String l = labels.get(r.id());
                List<String> ls = l == null ? List.of() : List.of(l.split("\\s*\\|\\s*"));
                items.add(new Corpus.Item(r.signalSha(), d.name() + "/" + r.name(), ls, null, null));
            }
        }
        Corpus corpus = Corpus.of(items);
        ctx.log(corpus.size() + " recordings (" + corpus.labelled() + " labelled) from " + spec.datasets().size()
                + " dataset(s)");
        OnnxGraph graph;
        Preparation prep;
        String arch;
        if (spec.architecture() != null) {
            List<String> classes = corpus.classes().isEmpty() || !spec.config().objective().supervised()
                    ? (corpus.classes().isEmpty() ? List.of("untrained_0", "untrained_1") : corpus.classes())
                    : corpus.classes();
            graph = Zoo.build(spec.architecture(), classes, spec.config().seed());
            prep = Zoo.preparation(spec.architecture());
            arch = spec.architecture();
        } else {
            graph = OnnxGraph.read(spec.baseFile());
            prep = Preparation.fromMetadata(graph.metadata());
            arch = spec.name();
        }
        Path checkpoint = checkpoint(ws, spec.checkpointKey());
        Files.createDirectories(checkpoint.getParent());
        if (spec.resume() && !Files.exists(checkpoint)) {
            throw new IllegalStateException("there is no checkpoint to continue from; start a new pretraining run");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("name", spec.name());
        out.put("architecture", arch);
        out.put("objective", spec.config().objective().key());
        out.put("epochs", spec.config().epochs());
        out.put("recordings", corpus.size());
        out.put("labelled", corpus.labelled());
        out.put("checkpointKey", spec.checkpointKey());
        ArrayNode history = out.putArray("history");
        if (spec.resume()) {
            for (PretrainResult.Epoch e : Checkpoint.read(checkpoint).history()) {
                history.add(epochJson(e));
            }
        }
        ctx.result(out.toString());

        Pretrainer pretrainer = new Pretrainer(spec.config());
        pretrainer.onEvent(e -> onEvent(ctx, pretrainer, e, out, history, checkpoint));
        PretrainResult r = pretrainer.run(new Pretrainer.Task(graph, arch, prep, corpus, Corpus.of(List.of()),
                item -> List.of(RecordingCodec.decode(ws.files().read(item.path()))), checkpoint, spec.resume()));
        out.put("status", r.status().name().toLowerCase(Locale.ROOT));
        out.put("unusable", r.unusable());
        if (r.encoder() == null) {
            out.put("resumable", Files.exists(checkpoint));
            ctx.result(out.toString());
            return;
        }
        long modelId = sink.store(spec.name(), r.encoder().toBytes());
        out.put("modelId", modelId);
        out.put("chosenEpoch", r.chosenEpoch());
        ctx.result(out.toString());
        ctx.progress(1, String.format(Locale.ROOT, "pretrained %d epoch(s) on %d recordings; encoder saved as %s",
                r.history().size(), corpus.size(), spec.name()));
        Files.deleteIfExists(checkpoint);
    }

    private void onEvent(JobContext ctx, Pretrainer p, PretrainEvent e, ObjectNode out, ArrayNode history,
            Path checkpoint) {
        if (ctx.cancelled()) {
            p.cancel();
        }
        switch (e.kind()) {
            case BATCH -> ctx.progress(Math.min(0.99, ((e.epoch() - 1) + (double) e.recordings()
                    / Math.max(1, e.epochRecordings())) / e.epochs()), String.format(Locale.ROOT,
                    "epoch %d of %d, %d of %d recordings, loss %.4f, %.1f recordings/s", e.epoch(), e.epochs(),
                    e.recordings(), e.epochRecordings(), e.loss(), e.recordingsPerSecond()));
            case CHECKPOINT -> {
                try {
                    List<PretrainResult.Epoch> h = Checkpoint.read(checkpoint).history();
                    history.removeAll();
                    h.forEach(x -> history.add(epochJson(x)));
                    ctx.result(out.toString());
                } catch (Exception ignored) {
                    // the curve is refreshed at the next checkpoint
                }
            }
            case EPOCH, STARTED, WARNING, CANCELLED, FINISHED -> {
                if (e.message() != null) {
                    ctx.log(e.message());
                }
            }
            default -> {
            }
        }
    }

    private static ObjectNode epochJson(PretrainResult.Epoch e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("epoch", e.epoch());
        num(o, "loss", e.loss());
        num(o, "contrastiveLoss", e.contrastiveLoss());
        num(o, "supervisedLoss", e.supervisedLoss());
        num(o, "validationAuc", e.validationAuc());
        num(o, "recordingsPerSecond", e.recordingsPerSecond());
        num(o, "seconds", e.seconds());
        return o;
    }

    private static void num(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }
}
