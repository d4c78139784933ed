package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.app.jobs.FineTuneJob;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets.Dataset;
import org.exchangeai.app.store.Models;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.TrainingConfig;

/**
 * Fine-tuning in the browser: choose a base model, a labelled dataset and a method; the run waits in
 * the training queue, its epochs and curves appear live, and the trained model joins the models page.
 */
public final class FineTunePage implements Page {

    static final String KIND = "finetune";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The start form and earlier runs. */
    public record Start(List<ModelLibrary.Entry> models, List<Dataset> datasets, List<JobInfo> runs, String error,
            String preselect) {
    }

    /** One run; {@code result} is the job's result JSON as far as it goes. */
    public record RunView(JobInfo job, int queuePosition, JsonNode result, PredictPage.Run evaluation) {
        public boolean finished() {
            return job.state().finished();
        }

        public String text(String key) {
            return result == null || result.get(key) == null || result.get(key).isNull() ? null : result.get(key).asText();
        }
    }

    private final Services s;
    private final ModelLibrary library;

    public FineTunePage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/finetune", ctx -> start(ctx, null));
        routes.post("/finetune", this::submit);
        routes.get("/finetune/{job}", this::show);
        routes.get("/finetune/{job}/report.json", this::report);
    }

    private void start(Context ctx, String error) throws Exception {
        library.syncBuiltIn();
        List<ModelLibrary.Entry> models = library.list().stream()
                .filter(e -> e.model().offerFinetune() && e.available()).toList();
        List<Dataset> labelled = s.datasets().list().stream().filter(d -> d.labelled() > 0).toList();
        List<JobInfo> runs = s.jobs().recent(200).stream().filter(j -> KIND.equals(j.kind())).limit(20).toList();
        Templates.html(ctx, "finetune.jte", Map.of("start", new Start(models, labelled, runs, error,
                ctx.queryParam("model") != null ? ctx.queryParam("model") : ctx.formParam("model"))));
    }

    private void submit(Context ctx) throws Exception {
        if (!"on".equals(ctx.formParam("consent"))) {
            ctx.status(400);
            start(ctx, "Please confirm that you may use these recordings and labels to train a model.");
            return;
        }
        FineTuneJob.Base base;
        long baseModelId = 0;
        Dataset d;
        TrainingConfig config;
        String name;
        try {
            String model = ctx.formParam("model");
            long datasetId = Long.parseLong(ctx.formParam("dataset"));
            d = s.datasets().get(datasetId).orElseThrow(() -> new IllegalArgumentException("no dataset " + datasetId));
            Method method = Method.parse(ctx.formParamAsClass("method", String.class).getOrDefault("head"));
            if (model != null && model.startsWith("zoo:")) {
                base = FineTuneJob.Base.architecture(model.substring(4));
                method = Method.SCRATCH;
            } else {
                baseModelId = Long.parseLong(model);
                ModelLibrary.Entry e = library.get(baseModelId).filter(ModelLibrary.Entry::available)
                        .orElseThrow(() -> new IllegalArgumentException("no usable base model " + model));
                base = FineTuneJob.Base.model(e.model().name(), e.file());
            }
            config = TrainingOptions.read(ctx, method);
            name = ctx.formParam("name") == null || ctx.formParam("name").isBlank()
                    ? base.name() + "-" + d.name() : ctx.formParam("name").strip();
            name = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        } catch (IllegalArgumentException | NullPointerException e) {
            ctx.status(400);
            start(ctx, "Cannot start: " + e.getMessage());
            return;
        }
        long id = submit(s, library, d, base, baseModelId, config, name, null);
        ctx.redirect("/finetune/" + id);
    }

    /**
     * Queues one training run of {@code base} on {@code d}'s labelled recordings; the trained model is
     * kept as a workspace model named {@code name}. Returns the job id.
     */
    static long submit(Services s, ModelLibrary library, Dataset d, FineTuneJob.Base base, long baseModelId,
            TrainingConfig config, String name, Long comparison) throws Exception {
        return submit(s, library, d, base, baseModelId, config, name, comparison, Map.of());
    }

    /** As above; {@code metadata} is written into the trained model. */
    static long submit(Services s, ModelLibrary library, Dataset d, FineTuneJob.Base base, long baseModelId,
            TrainingConfig config, String name, Long comparison, Map<String, String> metadata) throws Exception {
        Map<Long, String> labels = LabelMatch.byRecording(s.datasets().labels(d.id()), s.datasets().recordings(d.id()));
        if (labels.values().stream().anyMatch(l -> l.contains("|"))) {
            config = config.withMultiLabel(true);
        }
        FineTuneJob job = new FineTuneJob(s.workspace(), d.id(), d.name(), base, labels, config, name,
                (n, bytes) -> library.addUpload(n + ".onnx", bytes, Models.TRAINED, null, s.workspace().dir().resolve("tmp")))
                .withModelMetadata(metadata);
        com.fasterxml.jackson.databind.node.ObjectNode params = JSON.createObjectNode();
        params.put("dataset", d.id());
        params.put("model", baseModelId);
        if (base.zoo() != null) {
            params.put("architecture", base.zoo());
        }
        params.put("method", config.method().name().toLowerCase(Locale.ROOT));
        params.set("options", TrainingOptions.json(config));
        if (comparison != null) {
            params.put("comparison", comparison);
        }
        String what = config.method() == Method.SCRATCH && base.zoo() != null ? "Train " + base.name() + " from scratch"
                : "Fine-tune " + base.name();
        return s.jobs().submit(KIND, what + " on " + d.name() + " (" + config.method().label() + ")",
                JSON.writeValueAsString(params), JobRunner.Queue.TRAINING, job);
    }

    private JobInfo job(Context ctx) throws Exception {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("job"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such training run");
        }
        return s.jobs().get(id).filter(j -> KIND.equals(j.kind()))
                .orElseThrow(() -> new NotFoundResponse("no training run " + id));
    }

    private void show(Context ctx) throws Exception {
        JobInfo j = job(ctx);
        JsonNode result = j.result() == null ? null : JSON.readTree(j.result());
        PredictPage.Run evaluation = null;
        if (result != null && result.has("validation")) {
            String asRun = JSON.writeValueAsString(JSON.createObjectNode().put("model", result.path("name").asText())
                    .put("dataset", result.path("dataset").asText() + " (validation split)")
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("classes", result.get("classes"))
                    .set("evaluation", result.get("validation")));
            evaluation = PredictPage.run(new JobInfo(j.id(), j.kind(), j.title(), j.state(), j.progress(), j.message(),
                    j.params(), asRun, j.created(), j.started(), j.finished()), 0);
        }
        Templates.html(ctx, "finetune-run.jte", Map.of("run", new RunView(j, s.jobs().positionInQueue(j.id()), result,
                evaluation)));
    }

    private void report(Context ctx) throws Exception {
        JobInfo j = job(ctx);
        if (j.result() == null) {
            throw new NotFoundResponse("this run has no report yet");
        }
        ctx.header("Content-Disposition", "attachment; filename=\"training-report-" + j.id() + ".json\"");
        ctx.contentType("application/json").result(JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(JSON.readTree(j.result())));
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
