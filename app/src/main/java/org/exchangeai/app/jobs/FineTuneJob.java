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
import java.util.TreeSet;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Holdout;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingEvent;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.ModelStats;
import org.exchangeai.core.zoo.Zoo;

/**
 * Fine-tunes (or trains from scratch) a base model on the labelled recordings of a dataset. Every
 * finished epoch is written into the job's result, so the page draws the curves as they grow; the
 * exported model is stored as a workspace model, and the validation recordings (the trainer's own
 * stratified split, same seed) are predicted with it for the final metrics and confusion matrix.
 */
public final class FineTuneJob implements Job {

    /** Keeps a trained model file and returns its model id. */
    @FunctionalInterface
    public interface ModelSink {
        long store(String name, byte[] onnx) throws Exception;
    }

    /** What training starts from: a model file, or a zoo architecture built for the dataset's classes. */
    public record Base(String name, Path file, String zoo) {
        public static Base model(String name, Path file) {
            return new Base(name, file, null);
        }

        public static Base architecture(String zoo) {
            return new Base(Zoo.displayName(zoo), null, zoo);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace ws;
    private final long datasetId;
    private final String datasetName;
    private final Base base;
    private final Map<Long, String> labels;
    private final TrainingConfig config;
    private final String name;
    private final ModelSink sink;
    private volatile double trained;
    private Map<String, String> metadata = Map.of();

    public FineTuneJob(Workspace ws, long datasetId, String datasetName, Base base, Map<Long, String> labels,
            TrainingConfig config, String name, ModelSink sink) {
        this.ws = ws;
        this.datasetId = datasetId;
        this.datasetName = datasetName;
        this.base = base;
        this.labels = Map.copyOf(labels);
        this.config = config;
        this.name = name;
        this.sink = sink;
    }

    /** Entries written into the trained model's metadata (e.g. its cross-validated metrics). */
    public FineTuneJob withModelMetadata(Map<String, String> entries) {
        this.metadata = Map.copyOf(entries);
        return this;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        OnnxGraph graph = null;
        String baseSha = null;
        Preparation prep;
        if (base.zoo() != null) {
            prep = Zoo.preparation(base.zoo());
        } else {
            byte[] baseBytes = Files.readAllBytes(base.file());
            graph = OnnxGraph.parse(baseBytes);
            baseSha = OnnxGraph.sha256(baseBytes);
            prep = Preparation.fromMetadata(graph.metadata());
        }
        List<Example> examples = new ArrayList<>();
        int skipped = 0;
        List<Recording> recs = new Datasets(ws).recordings(datasetId);
        for (int i = 0; i < recs.size(); i++) {
            Recording r = recs.get(i);
            String label = labels.get(r.id());
            if (!r.ok() || label == null) {
                continue;
            }
            try {
                float[][] x = prep.apply(RecordingCodec.decode(ws.files().read(r.signalSha())));
                List<String> ls = config.multiLabel() ? List.of(label.split("\\s*\\|\\s*")) : List.of(label.split("\\s*\\|\\s*")[0]);
                examples.add(new Example(r.name(), x, ls));
            } catch (RuntimeException e) {
                skipped++;
                ctx.log(r.name() + " left out: " + e.getMessage());
            }
            ctx.progress(0.05 * (i + 1) / recs.size(), "preparing recordings: " + (i + 1) + " of " + recs.size());
        }
        ctx.log(examples.size() + " labelled recordings prepared" + (skipped > 0 ? ", " + skipped + " left out" : ""));
        if (graph == null) {
            // the trainer's class order (sorted), as the command line builds it
            graph = Zoo.build(base.zoo(), List.copyOf(new TreeSet<>(examples.stream().flatMap(e -> e.labels().stream())
                    .toList())), config.seed());
            baseSha = graph.sha256();
            ctx.log(base.name() + " built with fresh weights (seed " + config.seed() + ")");
        }

        ObjectNode out = JSON.createObjectNode();
        out.put("name", name);
        out.put("base", base.name());
        out.put("baseSha256", baseSha);
        out.put("dataset", datasetName);
        out.put("datasetId", datasetId);
        out.put("method", config.method().name().toLowerCase(Locale.ROOT));
        ObjectNode cfg = out.putObject("config");
        cfg.put("epochs", config.epochs());
        cfg.put("batchSize", config.batchSize());
        cfg.put("learningRate", config.learningRate());
        cfg.put("optimizer", config.optimizer().name());
        cfg.put("lrGamma", config.lrGamma());
        cfg.put("validationFraction", config.validationFraction());
        cfg.put("seed", config.seed());
        cfg.put("multiLabel", config.multiLabel());
        cfg.put("select", config.selection().key());
        out.put("recordings", examples.size());
        ArrayNode history = out.putArray("history");

        Trainer trainer = new Trainer(config);
        trainer.onEvent(ev -> onEvent(ctx, trainer, ev, out, history));
        TrainingResult res = trainer.train(graph, baseSha, examples, prep);
        out.put("status", res.status().name().toLowerCase(Locale.ROOT));
        out.put("bestEpoch", res.bestEpoch());
        out.put("selection", res.selection());
        // the selection criterion smoothed over neighbouring epochs, as the kept epoch was chosen
        for (int i = 0; i < Math.min(history.size(), res.history().size()); i++) {
            num((ObjectNode) history.get(i), "criterion", res.history().get(i).criterion());
        }
        ArrayNode cls = out.putArray("classes");
        res.classes().forEach(cls::add);
        if (res.model() == null) {
            ctx.result(JSON.writeValueAsString(out));
            ctx.log("no epoch finished, so no model was kept");
            return;
        }
        out.put("trainingSeconds", res.history().stream().mapToDouble(TrainingResult.EpochStats::seconds).sum());
        ModelStats stats = ModelStats.of(res.model(), examples.get(0).input().length, examples.get(0).input()[0].length);
        out.put("parameters", stats.parameters());
        out.put("flops", stats.flops());
        OnnxGraph trainedModel = res.model();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            trainedModel = trainedModel.withMetadata(e.getKey(), e.getValue());
        }
        byte[] model = trainedModel.toBytes();
        long modelId = sink.store(name, model);
        out.put("modelId", modelId);
        out.set("validation", validation(model, examples, res.classes()));
        ctx.result(JSON.writeValueAsString(out));
        // a cancelled run keeps the bar where it stopped
        ctx.progress(res.status() == TrainingResult.Status.CANCELLED ? trained : 1,
                String.format(Locale.ROOT, "%s after %d epoch(s); best epoch %d, validation macro F1 %.3f",
                res.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), res.history().size(), res.bestEpoch(),
                res.best() == null ? Double.NaN : res.best().f1Macro()));
    }

    private void onEvent(JobContext ctx, Trainer trainer, TrainingEvent ev, ObjectNode out, ArrayNode history) {
        if (ctx.cancelled()) {
            trainer.cancel();
        }
        switch (ev.kind()) {
            case BATCH -> {
                double done = ((ev.epoch() - 1) * (double) ev.batches() + ev.batch()) / Math.max(1, ev.epochs() * ev.batches());
                trained = 0.05 + 0.9 * done;
                ctx.progress(trained, String.format(Locale.ROOT, "epoch %d of %d, batch %d of %d, loss %.4f",
                        ev.epoch(), ev.epochs(), ev.batch(), ev.batches(), ev.trainLoss()));
            }
            case EPOCH -> {
                ObjectNode e = history.addObject();
                e.put("epoch", ev.epoch());
                num(e, "trainLoss", ev.trainLoss());
                num(e, "validationLoss", ev.validationLoss());
                num(e, "f1Macro", ev.f1Macro());
                num(e, "f1Weighted", ev.f1Weighted());
                num(e, "macroAuc", ev.macroAuc());
                e.put("keptSoFar", ev.keptEpoch());
                num(e, "learningRate", ev.learningRate());
                e.put("seconds", ev.elapsed() == null ? 0 : ev.elapsed().toMillis() / 1000.0);
                out.put("epochs", ev.epochs());
                ctx.result(out.toString());
                ctx.log(ev.message());
            }
            default -> ctx.log(ev.message());
        }
    }

    /** The exported model on the trainer's validation recordings. */
    private ObjectNode validation(byte[] model, List<Example> examples, List<String> classes) throws Exception {
        try (OnnxModel m = OnnxModel.load(Path.of(name + ".onnx"), model, 0)) {
            Evaluation ev = Holdout.evaluate(m, examples, config, classes);
            return ev == null ? JSON.createObjectNode() : PredictJob.evaluation(ev);
        }
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
