package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.exchangeai.app.jobs.FineTuneJob;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobState;
import org.exchangeai.app.store.Comparisons;
import org.exchangeai.app.store.Comparisons.Candidate;
import org.exchangeai.app.store.Comparisons.Comparison;
import org.exchangeai.app.store.Datasets.Dataset;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.zoo.Zoo;

/**
 * Choosing a model empirically. Candidates (pretrained models fine-tuned head-only or on all layers,
 * zoo architectures from scratch) are trained on one dataset with the same options and seed, hence
 * the same stratified split, as one queued set; the leaderboard ranks them by the exported models'
 * validation metrics. Below, finished prediction runs on one dataset are shown side by side.
 */
public final class ComparePage implements Page {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A candidate that can be ticked: {@code key} as stored, shown as {@code label}. */
    public record Option(String key, String label, String group, boolean ticked) {
    }

    /** The start form, earlier comparisons, and prediction runs side by side. */
    public record View(List<Dataset> labelled, List<Option> options, List<Summary> comparisons, String error,
            List<Dataset> datasets, Dataset selected, List<PredictPage.Run> runs, List<String> classes) {
        public PredictPage.ClassRow classRow(PredictPage.Run run, String className) {
            return run.perClass().stream().filter(c -> c.name().equals(className)).findFirst().orElse(null);
        }
    }

    /** An earlier comparison in the list. */
    public record Summary(Comparison comparison, int candidates, int finished, String leader) {
    }

    /** One leaderboard row; metrics are {@code null} until the candidate's run has finished. */
    public record Row(Candidate candidate, JobInfo job, int queuePosition, JsonNode result, int rank) {
        public String state() {
            return job == null ? "not started" : job.state().label();
        }

        public boolean finished() {
            return job == null || job.state().finished();
        }

        public Double metric(String key) {
            JsonNode v = result == null ? null : result.path("validation").get(key);
            return v == null || v.isNull() || !v.isNumber() ? null : v.asDouble();
        }

        public Long count(String key) {
            JsonNode v = result == null ? null : result.get(key);
            return v == null || !v.isNumber() ? null : v.asLong();
        }

        public Double seconds() {
            JsonNode v = result == null ? null : result.get("trainingSeconds");
            return v == null || !v.isNumber() ? null : v.asDouble();
        }

        public int epochsDone() {
            return result == null || !result.has("history") ? 0 : result.get("history").size();
        }

        public String modelId() {
            return result == null || !result.has("modelId") ? null : result.get("modelId").asText();
        }

        public String message() {
            return job == null || job.message() == null ? "" : job.message();
        }
    }

    /** A comparison with its rows, best first. */
    public record Board(Comparison comparison, Dataset dataset, JsonNode config, List<Row> rows) {
        public boolean finished() {
            return rows.stream().allMatch(Row::finished);
        }

        /** Whether some candidate ended without a result (restart, cancel, failure) and could be queued again. */
        public boolean resumable() {
            return finished() && rows.stream().anyMatch(r -> r.job() == null || r.job().state() != JobState.DONE);
        }

        /** Recordings in the split and how many of them validated (from the first finished candidate). */
        public String split() {
            for (Row r : rows) {
                if (r.result() != null && r.result().has("validation")) {
                    long n = r.result().path("recordings").asLong();
                    long v = r.result().path("validation").path("samples").asLong();
                    return (n - v) + " training / " + v + " validation recordings";
                }
            }
            return null;
        }
    }

    private final Services s;
    private final ModelLibrary library;
    private final Comparisons comparisons;

    public ComparePage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
        this.comparisons = new Comparisons(s.workspace());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/compare", ctx -> show(ctx, null));
        routes.post("/compare", this::submit);
        routes.get("/compare/{id}", ctx -> Templates.html(ctx, "compare-board.jte", Map.of("board", board(ctx),
                "problem", ctx.queryParam("problem") == null ? "" : ctx.queryParam("problem"))));
        routes.get("/compare/{id}/board", ctx -> Templates.html(ctx, "partials/leaderboard.jte", Map.of("board", board(ctx))));
        routes.get("/compare/{id}/leaderboard.csv", this::csv);
        routes.post("/compare/{id}/cancel", this::cancel);
        routes.post("/compare/{id}/resume", this::resume);
    }

    private List<Option> options() throws Exception {
        library.syncBuiltIn();
        List<Option> out = new ArrayList<>();
        boolean first = true;
        for (ModelLibrary.Entry e : library.list()) {
            if (!e.model().offerFinetune() || !e.available() || e.card().classes().isEmpty()) {
                continue;
            }
            // a pretrained built-in model is ticked by default: head-only and all layers, as in the paper
            boolean tick = first && e.model().builtIn() && !e.model().name().toLowerCase(Locale.ROOT).contains("untrained");
            if (tick) {
                first = false;
            }
            String n = e.model().name();
            out.add(new Option("model:" + e.model().id() + ":head", n + " — head only", "Fine-tune a model", tick));
            out.add(new Option("model:" + e.model().id() + ":all", n + " — all layers", "Fine-tune a model", tick));
            out.add(new Option("model:" + e.model().id() + ":scratch", n + " — from scratch", "Fine-tune a model", false));
        }
        for (String z : Zoo.NAMES) {
            out.add(new Option("zoo:" + z, Zoo.displayName(z) + " — from scratch", "Train an architecture", true));
        }
        return out;
    }

    private void show(Context ctx, String error) throws Exception {
        List<Dataset> all = s.datasets().list();
        List<Dataset> labelled = all.stream().filter(d -> d.labelled() > 0).toList();
        List<Summary> earlier = new ArrayList<>();
        for (Comparison c : comparisons.recent(20)) {
            List<Row> rows = rows(c);
            String leader = rows.isEmpty() || rows.get(0).metric("macroF1") == null ? null
                    : rows.get(0).candidate().label() + " (" + Formatting.f3(rows.get(0).metric("macroF1")) + ")";
            earlier.add(new Summary(c, rows.size(), (int) rows.stream().filter(Row::finished).count(), leader));
        }

        // prediction runs on one dataset, side by side
        Dataset selected = null;
        String want = ctx.queryParam("dataset");
        for (Dataset d : all) {
            if (want != null && want.equals(String.valueOf(d.id()))) {
                selected = d;
            }
        }
        List<PredictPage.Run> runs = new ArrayList<>();
        Set<String> classes = new LinkedHashSet<>();
        List<JobInfo> done = s.jobs().recent(500).stream()
                .filter(j -> PredictPage.KIND.equals(j.kind()) && j.state() == JobState.DONE && j.result() != null).toList();
        if (selected == null) {
            for (JobInfo j : done) {
                PredictPage.Run r = PredictPage.run(j, 0);
                if (r.evaluated()) {
                    selected = all.stream().filter(d -> d.name().equals(r.dataset())).findFirst().orElse(null);
                    break;
                }
            }
        }
        if (selected != null) {
            String marker = "\"dataset\":" + selected.id() + ",";
            for (JobInfo j : done) {
                if (j.params() != null && j.params().contains(marker)) {
                    PredictPage.Run r = PredictPage.run(j, 0);
                    if (r.evaluated()) {
                        runs.add(r);
                        r.perClass().forEach(c -> classes.add(c.name()));
                    }
                }
            }
        }
        Templates.html(ctx, "compare.jte", Map.of("view", new View(labelled, options(), earlier, error, all, selected, runs,
                List.copyOf(classes))));
    }

    /** What one candidate trains: its base, the library id of a base model (0 for an architecture) and its options. */
    private record Plan(FineTuneJob.Base base, long baseId, TrainingConfig config) {
    }

    /** The plan for a candidate key with the comparison's shared options; a clear error for a key that no longer works. */
    private Plan plan(String key, TrainingConfig shared) throws Exception {
        String[] p = key.split(":");
        if (p.length == 2 && p[0].equals("zoo") && Zoo.contains(p[1])) {
            return new Plan(FineTuneJob.Base.architecture(p[1]), 0, withMethod(shared, Method.SCRATCH));
        }
        if (p.length == 3 && p[0].equals("model")) {
            long id = Long.parseLong(p[1]);
            ModelLibrary.Entry e = library.get(id).filter(ModelLibrary.Entry::available)
                    .orElseThrow(() -> new IllegalArgumentException("the model of candidate " + key + " is no longer available"));
            return new Plan(FineTuneJob.Base.model(e.model().name(), e.file()), id, withMethod(shared, Method.parse(p[2])));
        }
        throw new IllegalArgumentException("unknown candidate " + key);
    }

    private void submit(Context ctx) throws Exception {
        if (!"on".equals(ctx.formParam("consent"))) {
            ctx.status(400);
            show(ctx, "Please confirm that you may use these recordings and labels to train models.");
            return;
        }
        Dataset d;
        List<String> keys = ctx.formParams("candidate");
        List<Plan> plans = new ArrayList<>();
        List<String[]> keysAndLabels = new ArrayList<>();
        TrainingConfig shared;
        try {
            long datasetId = Long.parseLong(ctx.formParam("dataset"));
            d = s.datasets().get(datasetId).filter(x -> x.labelled() > 0)
                    .orElseThrow(() -> new IllegalArgumentException("no labelled dataset " + datasetId));
            if (new LinkedHashSet<>(keys).size() < 2) {
                throw new IllegalArgumentException("tick at least two candidates to compare");
            }
            shared = TrainingOptions.read(ctx, Method.HEAD);
            Map<String, String> labels = new java.util.HashMap<>();
            options().forEach(o -> labels.put(o.key(), o.label()));
            for (String key : new LinkedHashSet<>(keys)) {
                plans.add(plan(key, shared));
                keysAndLabels.add(new String[] {key, labels.getOrDefault(key, key)});
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            ctx.status(400);
            show(ctx, "Cannot start: " + e.getMessage());
            return;
        }
        long id = comparisons.create(d.id(), keysAndLabels.size() + " candidates on " + d.name(),
                JSON.writeValueAsString(TrainingOptions.json(shared)), keysAndLabels);
        for (int i = 0; i < plans.size(); i++) {
            comparisons.setJob(id, i, queue(id, d, keysAndLabels.get(i)[0], plans.get(i)));
        }
        ctx.redirect("/compare/" + id);
    }

    private long queue(long comparison, Dataset d, String key, Plan plan) throws Exception {
        String name = (key.replace("model:" + plan.baseId() + ":", plan.base().name() + "-").replace("zoo:", "") + "-"
                + d.name() + "-compare" + comparison).replaceAll("[^A-Za-z0-9._-]+", "_");
        return FineTunePage.submit(s, library, d, plan.base(), plan.baseId(), plan.config(), name, comparison);
    }

    /** Queues again the candidates that did not finish (interrupted by a restart, cancelled or failed). */
    private void resume(Context ctx) throws Exception {
        Comparison c = comparison(ctx);
        Dataset d = s.datasets().get(c.datasetId()).orElseThrow(() -> new NotFoundResponse("the dataset is gone"));
        TrainingConfig shared = TrainingOptions.fromJson(JSON.readTree(c.config()));
        library.syncBuiltIn();
        List<String> problems = new ArrayList<>();
        for (Candidate cand : comparisons.candidates(c.id())) {
            JobInfo j = cand.jobId() == null ? null : s.jobs().get(cand.jobId()).orElse(null);
            if (j == null || (j.state().finished() && j.state() != JobState.DONE)) {
                try {
                    comparisons.setJob(c.id(), cand.position(), queue(c.id(), d, cand.key(), plan(cand.key(), shared)));
                } catch (IllegalArgumentException e) {
                    problems.add(cand.label() + ": " + e.getMessage());
                }
            }
        }
        ctx.redirect("/compare/" + c.id() + (problems.isEmpty() ? ""
                : "?problem=" + java.net.URLEncoder.encode(String.join("; ", problems), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static TrainingConfig withMethod(TrainingConfig c, Method m) {
        return new TrainingConfig(m, c.optimizer(), c.epochs(), c.batchSize(), c.learningRate(), c.lrGamma(),
                c.weightDecay(), c.validationFraction(), c.seed(), c.multiLabel(), c.patience(), c.minEpochs(),
                c.overfitFactor(), c.findLearningRate());
    }

    private Comparison comparison(Context ctx) throws Exception {
        Optional<Comparison> c;
        try {
            c = comparisons.get(Long.parseLong(ctx.pathParam("id")));
        } catch (NumberFormatException e) {
            c = Optional.empty();
        }
        return c.orElseThrow(() -> new NotFoundResponse("no comparison " + ctx.pathParam("id")));
    }

    private Board board(Context ctx) throws Exception {
        Comparison c = comparison(ctx);
        Dataset d = s.datasets().get(c.datasetId()).orElse(null);
        return new Board(c, d, JSON.readTree(c.config()), rows(c));
    }

    /** Finished candidates with metrics by macro F1 (then weighted F1), the rest after them in their order. */
    private List<Row> rows(Comparison c) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Candidate cand : comparisons.candidates(c.id())) {
            JobInfo j = cand.jobId() == null ? null : s.jobs().get(cand.jobId()).orElse(null);
            JsonNode result = j == null || j.result() == null ? null : JSON.readTree(j.result());
            int queue = j == null || j.state().finished() ? 0 : s.jobs().positionInQueue(j.id());
            rows.add(new Row(cand, j, queue, result, 0));
        }
        Comparator<Row> byScore = Comparator.comparing((Row r) -> r.metric("macroF1") == null)
                .thenComparing(r -> r.metric("macroF1") == null ? 0 : -r.metric("macroF1"))
                .thenComparing(r -> r.metric("weightedF1") == null ? 0 : -r.metric("weightedF1"))
                .thenComparing(r -> r.candidate().position());
        rows.sort(byScore);
        List<Row> ranked = new ArrayList<>();
        int rank = 0;
        for (Row r : rows) {
            ranked.add(new Row(r.candidate(), r.job(), r.queuePosition(), r.result(),
                    r.metric("macroF1") == null ? 0 : ++rank));
        }
        return ranked;
    }

    private void csv(Context ctx) throws Exception {
        Board b = board(ctx);
        StringBuilder out = new StringBuilder(
                "rank,candidate,state,macro_f1,weighted_f1,macro_auc,accuracy,parameters,flops,training_seconds,epochs,best_epoch,validation_recordings\n");
        for (Row r : b.rows()) {
            out.append(r.rank() == 0 ? "" : String.valueOf(r.rank())).append(',').append(Formatting.csvField(r.candidate().label()))
                    .append(',').append(r.state()).append(',').append(num(r.metric("macroF1"))).append(',')
                    .append(num(r.metric("weightedF1"))).append(',').append(num(r.metric("macroAuc"))).append(',')
                    .append(num(r.metric("accuracy"))).append(',').append(num(r.count("parameters"))).append(',')
                    .append(num(r.count("flops"))).append(',').append(num(r.seconds())).append(',').append(r.epochsDone())
                    .append(',').append(num(r.count("bestEpoch"))).append(',')
                    .append(r.result() == null ? "" : r.result().path("validation").path("samples").asText("")).append('\n');
        }
        ctx.header("Content-Disposition", "attachment; filename=\"comparison-" + b.comparison().id() + ".csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(out.toString());
    }

    private static String num(Number v) {
        return v == null ? "" : v.toString();
    }

    private void cancel(Context ctx) throws Exception {
        Comparison c = comparison(ctx);
        int n = 0;
        for (Candidate cand : comparisons.candidates(c.id())) {
            if (cand.jobId() != null && s.jobs().cancel(cand.jobId())) {
                n++;
            }
        }
        ctx.status(202).result(n + " candidate(s) cancelled");
    }
}
