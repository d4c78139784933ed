package org.exchangeai.app.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.eval.ClassMetrics;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.eval.RocCurve;
import org.exchangeai.core.eval.Thresholds;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.exchangeai.core.onnx.ModelCard;

/**
 * Predicts every recording of a dataset with one model and, when recordings carry labels, evaluates
 * the model on them. Recordings are decoded a chunk at a time so that a large dataset never sits in
 * memory whole. The result (probabilities per recording, metrics, ROC points, thresholds) is the
 * job's result JSON, so it outlives the page and the server.
 */
public final class PredictJob implements Job {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64;

    private final Workspace ws;
    private final Datasets datasets;
    private final long datasetId;
    private final String datasetName;
    private final long modelId;
    private final String modelName;
    private final Path modelFile;
    private final Map<Long, String> labels;

    /**
     * @param labels the label of each labelled recording (by recording id); several labels joined with {@code |}
     */
    public PredictJob(Workspace ws, long datasetId, String datasetName, long modelId, String modelName, Path modelFile,
            Map<Long, String> labels) {
        this.ws = ws;
        this.datasets = new Datasets(ws);
        this.datasetId = datasetId;
        this.datasetName = datasetName;
        this.modelId = modelId;
        this.modelName = modelName;
        this.modelFile = modelFile;
        this.labels = Map.copyOf(labels);
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        List<Recording> recs = datasets.recordings(datasetId);
        try (OnnxModel model = OnnxModel.load(modelFile, 0)) {
            model.warnings().forEach(w -> ctx.log("model: " + w));
            Predictor predictor = Predictor.forModel(model, 16);
            List<String> classes = model.card().classes();
            ObjectNode out = JSON.createObjectNode();
            out.put("model", modelName);
            out.put("modelId", modelId);
            out.put("dataset", datasetName);
            out.put("datasetId", datasetId);
            ArrayNode cls = out.putArray("classes");
            classes.forEach(cls::add);
            out.put("labelType", model.card().labelType().name().toLowerCase(Locale.ROOT));
            ArrayNode rows = out.putArray("predictions");
            List<Set<String>> truth = new ArrayList<>();
            List<double[]> probs = new ArrayList<>();
            int failed = 0;
            int unlabelled = 0;
            for (int start = 0; start < recs.size(); start += CHUNK) {
                if (ctx.cancelled()) {
                    ctx.log("stopped after " + start + " of " + recs.size() + " recordings");
                    return;
                }
                List<Recording> chunk = recs.subList(start, Math.min(recs.size(), start + CHUNK));
                List<ReadResult> inputs = new ArrayList<>();
                for (Recording r : chunk) {
                    inputs.add(r.ok() ? new ReadResult(r.name(), null, RecordingCodec.decode(ws.files().read(r.signalSha())), null)
                            : new ReadResult(r.name(), null, null, new org.exchangeai.core.io.EcgReadException(r.name(),
                                    r.error() == null ? "could not be read" : r.error())));
                }
                List<Prediction> preds = predictor.predict(inputs, null);
                for (int i = 0; i < chunk.size(); i++) {
                    Recording r = chunk.get(i);
                    Prediction p = preds.get(i);
                    String label = labels.get(r.id());
                    ObjectNode row = rows.addObject();
                    row.put("id", r.id());
                    row.put("name", r.name());
                    row.put("label", label);
                    if (p.ok()) {
                        ArrayNode pa = row.putArray("p");
                        for (double v : p.probabilities()) {
                            pa.add(Math.round(v * 1e6) / 1e6);
                        }
                        row.put("predicted", p.predicted());
                        if (label != null) {
                            truth.add(new LinkedHashSet<>(List.of(label.split("\\s*\\|\\s*"))));
                            probs.add(p.probabilities());
                        } else {
                            unlabelled++;
                        }
                    } else {
                        row.put("error", p.error());
                        failed++;
                    }
                }
                int done = start + chunk.size();
                ctx.progress((double) done / recs.size(), String.format(Locale.ROOT, "%d of %d recordings predicted",
                        done, recs.size()));
            }
            out.put("failed", failed);
            out.put("unlabelled", unlabelled);
            if (!truth.isEmpty()) {
                double[][] pm = probs.toArray(new double[0][]);
                Evaluation ev = model.card().labelType() == ModelCard.LabelType.MULTI
                        ? Metrics.multiLabel(classes, truth, pm, 0.5)
                        : Metrics.singleLabel(classes, truth.stream().map(t -> t.iterator().next()).toList(), pm);
                out.set("evaluation", evaluation(ev));
                ctx.log(String.format(Locale.ROOT, "evaluated on %d labelled recordings: macro F1 %.3f, accuracy %.3f",
                        ev.samples(), ev.macroF1(), ev.accuracy()));
            }
            ctx.result(JSON.writeValueAsString(out));
            ctx.progress(1, String.format(Locale.ROOT, "%d recordings predicted, %d failed%s", recs.size() - failed, failed,
                    truth.isEmpty() ? "" : ", " + truth.size() + " evaluated"));
        }
    }

    /** An evaluation as JSON; numbers that are not finite become {@code null}. */
    static ObjectNode evaluation(Evaluation ev) {
        ObjectNode o = JSON.createObjectNode();
        o.put("samples", ev.samples());
        o.put("multiLabel", ev.multiLabel());
        num(o, "macroF1", ev.macroF1());
        num(o, "weightedF1", ev.weightedF1());
        num(o, "accuracy", ev.accuracy());
        num(o, "macroAuc", ev.macroAuc());
        ObjectNode unknown = o.putObject("unknownClasses");
        ev.unknownClasses().forEach(unknown::put);
        ArrayNode per = o.putArray("perClass");
        for (ClassMetrics c : ev.perClass()) {
            ObjectNode x = per.addObject();
            x.put("class", c.name());
            x.put("known", c.known());
            num(x, "precision", c.precision());
            num(x, "recall", c.recall());
            num(x, "f1", c.f1());
            x.put("support", c.support());
            RocCurve roc = ev.roc().get(c.name());
            if (roc != null) {
                num(x, "auc", roc.auc());
                ArrayNode fpr = x.putArray("fpr");
                ArrayNode tpr = x.putArray("tpr");
                for (int i = 0; i < roc.fpr().length; i++) {
                    fpr.add(roc.fpr()[i]);
                    tpr.add(roc.tpr()[i]);
                }
                ArrayNode th = x.putArray("thresholds");
                for (Thresholds.Point p : ev.thresholds().getOrDefault(c.name(), new Thresholds.Point[0])) {
                    ObjectNode t = th.addObject();
                    t.put("rule", p.rule());
                    num(t, "threshold", p.threshold());
                    num(t, "sensitivity", p.sensitivity());
                    num(t, "specificity", p.specificity());
                    num(t, "f1", p.f1());
                }
            }
        }
        if (ev.confusion() != null) {
            ObjectNode cm = o.putObject("confusion");
            ArrayNode tr = cm.putArray("true");
            ev.confusion().trueClasses().forEach(tr::add);
            ArrayNode pr = cm.putArray("predicted");
            ev.confusion().predictedClasses().forEach(pr::add);
            ArrayNode counts = cm.putArray("counts");
            for (long[] row : ev.confusion().counts()) {
                ArrayNode r = counts.addArray();
                for (long v : row) {
                    r.add(v);
                }
            }
        }
        return o;
    }

    private static void num(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }
}
