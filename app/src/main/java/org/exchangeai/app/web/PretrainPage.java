package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.jobs.PretrainJob;
import org.exchangeai.app.store.Datasets.Dataset;
import org.exchangeai.app.store.Models;
import org.exchangeai.core.pretrain.Objective;
import org.exchangeai.core.pretrain.PretrainConfig;
import org.exchangeai.core.zoo.Zoo;

/**
 * Pretraining in the browser: choose datasets (labels optional), an architecture and an objective;
 * the run waits in the training queue, its loss curve grows live, it can be aborted and continued
 * later (also after a restart) from its last finished epoch, and the encoder joins the models page.
 */
public final class PretrainPage implements Page {

    static final String KIND = "pretrain";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The start form and earlier runs. */
    public record Start(List<Dataset> datasets, List<JobInfo> runs, String error) {
    }

    /** One run; {@code result} is the job's result JSON as far as it goes. */
    public record RunView(JobInfo job, int queuePosition, JsonNode result, boolean resumable) {
        public boolean finished() {
            return job.state().finished();
        }

        public String text(String key) {
            return result == null || result.get(key) == null || result.get(key).isNull() ? null : result.get(key).asText();
        }
    }

    private final Services s;
    private final ModelLibrary library;

    public PretrainPage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/pretrain", ctx -> start(ctx, null));
        routes.post("/pretrain", this::submit);
        routes.get("/pretrain/{job}", this::show);
        routes.post("/pretrain/{job}/resume", this::resume);
    }

    private void start(Context ctx, String error) throws Exception {
        List<Dataset> datasets = s.datasets().list().stream().filter(d -> d.recordings() > d.failed()).toList();
        List<JobInfo> runs = s.jobs().recent(200).stream().filter(j -> KIND.equals(j.kind())).limit(20).toList();
        Templates.html(ctx, "pretrain.jte", Map.of("start", new Start(datasets, runs, error)));
    }

    private void submit(Context ctx) throws Exception {
        if (!"on".equals(ctx.formParam("consent"))) {
            ctx.status(400);
            start(ctx, "Please confirm that you may use these recordings to train a model.");
            return;
        }
        List<Long> ids = new ArrayList<>();
        String name;
        String architecture;
        PretrainConfig config;
        try {
            for (String d : ctx.formParams("dataset")) {
                long id = Long.parseLong(d);
                s.datasets().get(id).orElseThrow(() -> new IllegalArgumentException("there is no dataset " + id));
                ids.add(id);
            }
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("choose at least one dataset");
            }
            architecture = text(ctx, "architecture", "cardx");
            if (!Zoo.contains(architecture)) {
                throw new IllegalArgumentException("unknown architecture '" + architecture + "'");
            }
            Objective objective = Objective.parse(text(ctx, "objective", "both"));
            int epochs = integer(ctx, "epochs", 20);
            int batch = integer(ctx, "batch", 64);
            long seed = integer(ctx, "seed", 42);
            if (epochs < 1 || epochs > 1000 || batch < 2 || batch > 1024) {
                throw new IllegalArgumentException("epochs must be between 1 and 1000 and the batch size between 2 and 1024");
            }
            config = PretrainConfig.defaults(objective).withEpochs(epochs).withBatchSize(batch).withSeed(seed);
            name = text(ctx, "name", architecture + "-pretrained").replaceAll("[^A-Za-z0-9._-]+", "_");
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            start(ctx, "Cannot start: " + e.getMessage());
            return;
        }
        ObjectNode params = JSON.createObjectNode();
        params.put("name", name);
        params.put("architecture", architecture);
        ArrayNode ds = params.putArray("datasets");
        ids.forEach(ds::add);
        params.put("objective", config.objective().key());
        params.put("epochs", config.epochs());
        params.put("batch", config.batchSize());
        params.put("seed", config.seed());
        long id = submit(params, null);
        ctx.redirect("/pretrain/" + id);
    }

    /** Queues a run from its parameters; {@code resumeKey} continues the checkpoint of an earlier run. */
    private long submit(ObjectNode params, String resumeKey) throws Exception {
        List<PretrainJob.Source> sources = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode d : params.get("datasets")) {
            Dataset dataset = s.datasets().get(d.asLong())
                    .orElseThrow(() -> new IllegalArgumentException("dataset " + d.asLong() + " no longer exists"));
            sources.add(new PretrainJob.Source(dataset.id(), LabelMatch.byRecording(s.datasets().labels(dataset.id()),
                    s.datasets().recordings(dataset.id()))));
            names.add(dataset.name());
        }
        PretrainConfig config = PretrainConfig.defaults(Objective.parse(params.get("objective").asText()))
                .withEpochs(params.get("epochs").asInt()).withBatchSize(params.get("batch").asInt())
                .withSeed(params.get("seed").asLong());
        String key = resumeKey != null ? resumeKey : "run-" + System.currentTimeMillis();
        params.put("checkpointKey", key);
        String name = params.get("name").asText();
        PretrainJob job = new PretrainJob(s.workspace(), new PretrainJob.Spec(name, params.get("architecture").asText(),
                null, sources, config, key, resumeKey != null),
                (n, bytes) -> library.addUpload(n + ".onnx", bytes, Models.TRAINED, null, s.workspace().dir().resolve("tmp")));
        String title = (resumeKey != null ? "Continue pretraining " : "Pretrain ")
                + Zoo.displayName(params.get("architecture").asText()) + " (" + config.objective().key() + ") on "
                + String.join(", ", names);
        return s.jobs().submit(KIND, title, JSON.writeValueAsString(params), JobRunner.Queue.TRAINING, job);
    }

    private void resume(Context ctx) throws Exception {
        JobInfo j = job(ctx);
        ObjectNode params = (ObjectNode) JSON.readTree(j.params());
        String key = params.path("checkpointKey").asText(null);
        if (!j.state().finished() || key == null || !Files.exists(PretrainJob.checkpoint(s.workspace(), key))) {
            ctx.status(400).result("This run has no checkpoint to continue from.");
            return;
        }
        long id = submit(params, key);
        ctx.redirect("/pretrain/" + id);
    }

    private JobInfo job(Context ctx) throws Exception {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("job"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such pretraining run");
        }
        return s.jobs().get(id).filter(j -> KIND.equals(j.kind()))
                .orElseThrow(() -> new NotFoundResponse("no pretraining run " + id));
    }

    private void show(Context ctx) throws Exception {
        JobInfo j = job(ctx);
        JsonNode result = j.result() == null ? null : JSON.readTree(j.result());
        String key = j.params() == null ? null : JSON.readTree(j.params()).path("checkpointKey").asText(null);
        boolean resumable = j.state().finished() && (result == null || !result.hasNonNull("modelId")) && key != null
                && Files.exists(PretrainJob.checkpoint(s.workspace(), key));
        Templates.html(ctx, "pretrain-run.jte", Map.of("run", new RunView(j, s.jobs().positionInQueue(j.id()), result,
                resumable)));
    }

    private static String text(Context ctx, String name, String fallback) {
        String v = ctx.formParam(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static int integer(Context ctx, String name, int fallback) {
        try {
            return Integer.parseInt(text(ctx, name, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }
}
