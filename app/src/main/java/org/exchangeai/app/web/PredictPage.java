package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.jobs.PredictJob;
import org.exchangeai.app.store.Datasets.Dataset;

/**
 * Predictions of one model on one dataset, run as a job: the probabilities of every recording beside
 * its ECG, a table with CSV download and, for labelled recordings, the evaluation (confusion
 * matrix, ROC curves with AUC, suggested thresholds, F1).
 */
public final class PredictPage implements Page {

    static final String KIND = "predict";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The start form and earlier runs. */
    public record Start(List<ModelLibrary.Entry> models, List<Dataset> datasets, List<JobInfo> runs, String error,
            Long selectedModel, Long selectedDataset) {
    }

    /** One recording's row. */
    public record Row(long id, String name, double[] p, String predicted, String label, String error) {
    }

    /** One class's metrics. */
    public record ClassRow(String name, boolean known, Double precision, Double recall, Double f1, long support, Double auc) {
    }

    /** One suggested threshold. */
    public record ThresholdRow(String className, String rule, Double threshold, Double sensitivity, Double specificity,
            Double f1) {
    }

    /** A finished (or running) prediction run. */
    public record Run(JobInfo job, int queuePosition, String model, String dataset, List<String> classes, List<Row> rows,
            int failed, int unlabelled, boolean evaluated, int evaluatedSamples, List<ClassRow> perClass, Double macroF1,
            Double weightedF1, Double accuracy, Double macroAuc, Map<String, Long> unknownClasses, List<String> cmTrue,
            List<String> cmPredicted, long[][] cm, List<ThresholdRow> thresholds) {
        public long cmMax() {
            long m = 1;
            if (cm != null) {
                for (long[] r : cm) {
                    for (long v : r) {
                        m = Math.max(m, v);
                    }
                }
            }
            return m;
        }

        public static String f(Double v) {
            return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
        }

        public static String pct(double v) {
            return String.format(Locale.ROOT, "%.1f %%", v * 100);
        }
    }

    private final Services s;
    private final ModelLibrary library;

    public PredictPage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/predict", ctx -> start(ctx, null));
        routes.post("/predict", this::submit);
        routes.get("/predict/{job}", this::show);
        routes.get("/predict/{job}/predictions.csv", this::csv);
        routes.get("/api/predictions/{job}", ctx -> {
            JobInfo j = job(ctx);
            ctx.contentType("application/json").result(j.result() == null ? "{}" : j.result());
        });
    }

    private void start(Context ctx, String error) throws Exception {
        library.syncBuiltIn();
        List<ModelLibrary.Entry> models = library.list().stream()
                .filter(ModelLibrary.Entry::predictable).toList();
        List<JobInfo> runs = s.jobs().recent(200).stream().filter(j -> KIND.equals(j.kind())).limit(20).toList();
        Templates.html(ctx, "predict.jte", Map.of("start", new Start(models, s.datasets().list(), runs, error,
                longParam(ctx, "model"), longParam(ctx, "dataset"))));
    }

    private static Long longParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        try {
            return v == null ? null : Long.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void submit(Context ctx) throws Exception {
        long modelId;
        long datasetId;
        try {
            modelId = Long.parseLong(ctx.formParam("model"));
            datasetId = Long.parseLong(ctx.formParam("dataset"));
        } catch (NumberFormatException | NullPointerException e) {
            ctx.status(400);
            start(ctx, "Choose a model and a dataset.");
            return;
        }
        ModelLibrary.Entry model = library.get(modelId).filter(ModelLibrary.Entry::available)
                .orElseThrow(() -> new BadRequestResponse("no usable model " + modelId));
        Dataset d = s.datasets().get(datasetId).orElseThrow(() -> new BadRequestResponse("no dataset " + datasetId));
        if (d.recordings() == 0) {
            ctx.status(400);
            start(ctx, "The dataset " + d.name() + " has no readable recordings yet.");
            return;
        }
        Map<Long, String> labels = labelsByRecording(d.id());
        PredictJob job = new PredictJob(s.workspace(), d.id(), d.name(), modelId, model.model().name(), model.file(), labels);
        long id = s.jobs().submit(KIND, "Predict " + d.name() + " with " + model.model().name(),
                "{\"dataset\":" + d.id() + ",\"model\":" + modelId + "}", JobRunner.Queue.IO, job);
        ctx.redirect("/predict/" + id);
    }

    /** The label of every labelled recording, matched as the data page matches them. */
    private Map<Long, String> labelsByRecording(long datasetId) throws Exception {
        return LabelMatch.byRecording(s.datasets().labels(datasetId), s.datasets().recordings(datasetId));
    }

    private JobInfo job(Context ctx) throws Exception {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("job"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such prediction run");
        }
        return s.jobs().get(id).filter(j -> KIND.equals(j.kind()))
                .orElseThrow(() -> new NotFoundResponse("no prediction run " + id));
    }

    private void show(Context ctx) throws Exception {
        JobInfo j = job(ctx);
        Templates.html(ctx, "predict-run.jte", Map.of("run", run(j, s.jobs().positionInQueue(j.id()))));
    }

    static Run run(JobInfo j, int queuePosition) throws Exception {
        List<Row> rows = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        if (j.result() == null) {
            return new Run(j, queuePosition, null, null, classes, rows, 0, 0, false, 0, List.of(), null, null, null, null,
                    Map.of(), null, null, null, List.of());
        }
        JsonNode o = JSON.readTree(j.result());
        o.path("classes").forEach(c -> classes.add(c.asText()));
        for (JsonNode r : o.path("predictions")) {
            double[] p = null;
            if (r.has("p")) {
                p = new double[r.get("p").size()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = r.get("p").get(i).asDouble();
                }
            }
            rows.add(new Row(r.path("id").asLong(), r.path("name").asText(), p, text(r, "predicted"), text(r, "label"),
                    text(r, "error")));
        }
        JsonNode ev = o.get("evaluation");
        List<ClassRow> per = new ArrayList<>();
        List<ThresholdRow> th = new ArrayList<>();
        Map<String, Long> unknown = new LinkedHashMap<>();
        List<String> cmTrue = null;
        List<String> cmPred = null;
        long[][] cm = null;
        if (ev != null) {
            for (JsonNode c : ev.path("perClass")) {
                per.add(new ClassRow(c.path("class").asText(), c.path("known").asBoolean(), dbl(c, "precision"),
                        dbl(c, "recall"), dbl(c, "f1"), c.path("support").asLong(), dbl(c, "auc")));
                for (JsonNode t : c.path("thresholds")) {
                    th.add(new ThresholdRow(c.path("class").asText(), t.path("rule").asText(), dbl(t, "threshold"),
                            dbl(t, "sensitivity"), dbl(t, "specificity"), dbl(t, "f1")));
                }
            }
            ev.path("unknownClasses").fields().forEachRemaining(e -> unknown.put(e.getKey(), e.getValue().asLong()));
            JsonNode c = ev.get("confusion");
            if (c != null) {
                cmTrue = new ArrayList<>();
                cmPred = new ArrayList<>();
                for (JsonNode x : c.path("true")) {
                    cmTrue.add(x.asText());
                }
                for (JsonNode x : c.path("predicted")) {
                    cmPred.add(x.asText());
                }
                cm = new long[cmTrue.size()][cmPred.size()];
                for (int r = 0; r < cmTrue.size(); r++) {
                    for (int k = 0; k < cmPred.size(); k++) {
                        cm[r][k] = c.path("counts").path(r).path(k).asLong();
                    }
                }
            }
        }
        return new Run(j, queuePosition, text(o, "model"), text(o, "dataset"), classes, rows, o.path("failed").asInt(),
                o.path("unlabelled").asInt(), ev != null, ev == null ? 0 : ev.path("samples").asInt(), per,
                ev == null ? null : dbl(ev, "macroF1"), ev == null ? null : dbl(ev, "weightedF1"),
                ev == null ? null : dbl(ev, "accuracy"), ev == null ? null : dbl(ev, "macroAuc"), unknown, cmTrue, cmPred, cm,
                th);
    }

    private static String text(JsonNode o, String key) {
        JsonNode n = o.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Double dbl(JsonNode o, String key) {
        JsonNode n = o.get(key);
        return n == null || n.isNull() ? null : n.asDouble();
    }

    /** {@code file_name,<classes>,predicted} as the command line's predict writes it. */
    private void csv(Context ctx) throws Exception {
        JobInfo j = job(ctx);
        if (j.result() == null) {
            throw new NotFoundResponse("this prediction run has no results");
        }
        Run r = run(j, 0);
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>();
        header.add("file_name");
        header.addAll(r.classes());
        header.add("predicted");
        sb.append(String.join(",", header.stream().map(Formatting::csvField).toList())).append('\n');
        for (Row row : r.rows()) {
            sb.append(Formatting.csvField(row.name()));
            for (int c = 0; c < r.classes().size(); c++) {
                sb.append(',');
                if (row.p() != null) {
                    sb.append(String.format(Locale.ROOT, "%.6f", row.p()[c]));
                }
            }
            sb.append(',').append(row.error() == null ? Formatting.csvField(row.predicted()) : Formatting.csvField("ERROR: " + row.error()))
                    .append('\n');
        }
        String name = (r.model() + "-" + r.dataset()).replaceAll("[^A-Za-z0-9._-]", "_");
        ctx.header("Content-Disposition", "attachment; filename=\"predictions-" + name + ".csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
