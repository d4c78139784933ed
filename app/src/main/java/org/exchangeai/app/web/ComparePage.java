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
import io.javalin.http.UploadedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.exchangeai.app.jobs.CrossValidationJob;
import org.exchangeai.app.jobs.FineTuneJob;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.core.comparison.CrossValidation;
import org.exchangeai.core.comparison.Reports;
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
 * zoo architectures from scratch) are compared on one dataset with the same options and seed, either
 * by k-fold cross-validation (one training job, same patient-grouped folds for every candidate,
 * intervals, paired tests, learning curves; the default below 2,000 labelled recordings) or on one
 * stratified split (one queued training job per candidate). Below, finished prediction runs on one
 * dataset are shown side by side.
 */
public final class ComparePage implements Page {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The job kind of a cross-validated comparison. */
    static final String CV_KIND = "compare";
    /** Below this many labelled recordings k-fold is the default (a single split is too noisy). */
    static final int KFOLD_BELOW = 2000;

    /** A candidate that can be ticked: {@code key} as stored, shown as {@code label}. */
    public record Option(String key, String label, String group, boolean ticked) {
    }

    /** The start form, earlier comparisons, and prediction runs side by side. */
    public record View(List<Dataset> labelled, List<Option> options, List<Summary> comparisons, String error,
            List<Dataset> datasets, Dataset selected, List<PredictPage.Run> runs, List<String> classes) {
        /** k-fold is preselected when the first dataset offered is small. */
        public boolean kfoldByDefault() {
            return labelled.isEmpty() || labelled.get(0).labelled() < KFOLD_BELOW;
        }

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
        routes.get("/compare/estimate", this::estimate);
        routes.get("/compare/{id}", this::showBoard);
        routes.get("/compare/{id}/progress", ctx -> Templates.html(ctx, "partials/cv-progress.jte", Map.of("cv", cvBoard(ctx))));
        routes.get("/compare/{id}/files/{file}", this::file);
        routes.post("/compare/{id}/train-best", this::trainBest);
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
            if (kfold(c)) {
                CvBoard b = cvBoard(c);
                JsonNode lb = b.leaderboard();
                String leader = lb == null ? null : lb.path("leader").asText() + " ("
                        + Formatting.f3(lb.path("rows").path(0).path("metrics").path("macro_f1").path("value").asDouble()) + ", "
                        + b.config().path("folds").asInt() + "-fold)";
                earlier.add(new Summary(c, b.candidates().size(), lb == null ? 0 : b.candidates().size(), leader));
                continue;
            }
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
        if ("kfold".equals(ctx.formParam("evaluation"))) {
            submitCrossValidation(ctx, d, shared, keysAndLabels);
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
        if (kfold(c)) {
            CvBoard b = cvBoard(c);
            if (!b.resumable()) {
                ctx.status(400).result("This comparison is running or has finished.");
                return;
            }
            try {
                long job = queueCrossValidation(c, true);
                for (Candidate cand : b.candidates()) {
                    comparisons.setJob(c.id(), cand.position(), job);
                }
                ctx.redirect("/compare/" + c.id());
            } catch (IllegalArgumentException e) {
                ctx.redirect("/compare/" + c.id() + "?problem="
                        + java.net.URLEncoder.encode(e.getMessage(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return;
        }
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
        if (kfold(comparison(ctx))) {
            ctx.redirect("/compare/" + ctx.pathParam("id") + "/files/leaderboard.csv");
            return;
        }
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

    // ---- k-fold cross-validation ----

    /** A cross-validated comparison: its one job, progress and, when finished, the leaderboard. */
    public record CvBoard(Comparison comparison, Dataset dataset, JsonNode config, List<Candidate> candidates, JobInfo job,
            int queuePosition, JsonNode result, org.exchangeai.core.comparison.Leaderboard board) {
        public boolean finished() {
            return job == null || job.state().finished();
        }

        /** Stopped before the leaderboard (restart, abort, failure): can be queued again, finished folds kept. */
        public boolean resumable() {
            return finished() && board == null;
        }

        public JsonNode leaderboard() {
            return result == null ? null : result.get("leaderboard");
        }

        public String state() {
            return job == null ? "not started" : job.state().label();
        }

        public int done() {
            return result == null ? 0 : result.path("done").asInt();
        }

        public int total() {
            return result == null ? 0 : result.path("total").asInt();
        }

        public String message() {
            return job == null || job.message() == null ? "" : job.message();
        }

        /** Learning-curve points as JSON for the chart. */
        public String curveJson() {
            return leaderboard() == null ? "[]" : leaderboard().path("curve").toString();
        }

        public boolean hasCurve() {
            return board != null && board.curve().stream().anyMatch(p -> p.fraction() < 1);
        }

        public String forestPlot() {
            return board == null ? "" : ForestPlot.svg(board);
        }

        public String settings() {
            JsonNode c = config;
            return c.path("folds").asInt() + "-fold cross-validation × " + c.path("seeds").asInt() + " seed(s)"
                    + (c.path("curve").size() > 1 ? ", learning curve at " + c.path("curve").toString().replaceAll("[\\[\\]]", "")
                    .replace(",", " %, ") + " %" : "") + " · " + c.path("epochs").asText() + " epochs at most · batch "
                    + c.path("batchSize").asText() + " · " + c.path("optimizer").asText() + ", learning rate "
                    + c.path("learningRate").asText() + " · seed " + c.path("seed").asText()
                    + (c.path("patients").asBoolean() ? " · grouped by patient (patient table)" : " · no patient table: every recording counts as its own patient");
        }
    }

    static boolean kfold(Comparison c) {
        try {
            return "kfold".equals(JSON.readTree(c.config()).path("evaluation").asText());
        } catch (Exception e) {
            return false;
        }
    }

    static Path folder(Services s, long comparison) {
        return s.workspace().dir().resolve("comparisons").resolve(String.valueOf(comparison));
    }

    private void showBoard(Context ctx) throws Exception {
        Comparison c = comparison(ctx);
        String problem = ctx.queryParam("problem") == null ? "" : ctx.queryParam("problem");
        if (kfold(c)) {
            Templates.html(ctx, "compare-cv.jte", Map.of("cv", cvBoard(c), "problem", problem));
        } else {
            Templates.html(ctx, "compare-board.jte", Map.of("board", board(ctx), "problem", problem));
        }
    }

    private CvBoard cvBoard(Context ctx) throws Exception {
        return cvBoard(comparison(ctx));
    }

    private CvBoard cvBoard(Comparison c) throws Exception {
        List<Candidate> cands = comparisons.candidates(c.id());
        Long jobId = cands.isEmpty() ? null : cands.get(0).jobId();
        JobInfo j = jobId == null ? null : s.jobs().get(jobId).orElse(null);
        JsonNode result = j == null || j.result() == null ? null : JSON.readTree(j.result());
        org.exchangeai.core.comparison.Leaderboard board = result == null || !result.has("leaderboard") ? null
                : JSON.treeToValue(result.get("leaderboard"), org.exchangeai.core.comparison.Leaderboard.class);
        int queue = j == null || j.state().finished() ? 0 : s.jobs().positionInQueue(j.id());
        return new CvBoard(c, s.datasets().get(c.datasetId()).orElse(null), JSON.readTree(c.config()), cands, j, queue,
                result, board);
    }

    private void submitCrossValidation(Context ctx, Dataset d, TrainingConfig shared, List<String[]> keysAndLabels)
            throws Exception {
        int folds;
        int seeds;
        try {
            folds = Integer.parseInt(ctx.formParam("folds") == null ? "5" : ctx.formParam("folds").strip());
            seeds = Integer.parseInt(ctx.formParam("seeds") == null ? "1" : ctx.formParam("seeds").strip());
            if (folds < 2 || folds > 20 || seeds < 1 || seeds > 10) {
                throw new NumberFormatException();
            }
            if (d.labelled() < folds) {
                throw new IllegalArgumentException(d.name() + " has " + d.labelled() + " labels, fewer than " + folds + " folds");
            }
        } catch (NumberFormatException e) {
            ctx.status(400);
            show(ctx, "Cannot start: folds must be a whole number from 2 to 20 and seeds from 1 to 10.");
            return;
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            show(ctx, "Cannot start: " + e.getMessage());
            return;
        }
        List<Integer> curve;
        try {
            curve = org.exchangeai.core.comparison.CurvePoints.parse("on".equals(ctx.formParam("curve"))
                    ? (ctx.formParam("curvePoints") == null ? "25,50" : ctx.formParam("curvePoints")) : null)
                    .stream().map(f -> (int) Math.round(f * 100)).distinct().toList();
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            show(ctx, "Cannot start: the learning-curve points must be percentages from 1 to 100, e.g. 25,50 ("
                    + e.getMessage() + ").");
            return;
        }
        UploadedFile patients = ctx.uploadedFile("patients");
        boolean withPatients = patients != null && patients.size() > 0;
        Path staged = null;
        if (withPatients) {
            staged = Files.createTempFile(s.workspace().dir().resolve("tmp"), "patients", ".csv");
            try (var in = patients.content()) {
                Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                org.exchangeai.core.comparison.PatientTable.read(staged);
            } catch (java.io.IOException e) {
                Files.deleteIfExists(staged);
                ctx.status(400);
                show(ctx, "Cannot start: the patient table " + patients.filename() + " "
                        + e.getMessage().replace(staged.toString() + ": ", "").replace(staged.toString(), ""));
                return;
            }
        }
        com.fasterxml.jackson.databind.node.ObjectNode cfg = TrainingOptions.json(shared);
        cfg.put("evaluation", "kfold");
        cfg.put("folds", folds);
        cfg.put("seeds", seeds);
        com.fasterxml.jackson.databind.node.ArrayNode cv = cfg.putArray("curve");
        curve.forEach(cv::add);
        cfg.put("resamples", 2000);
        cfg.put("patients", withPatients);
        long id = comparisons.create(d.id(), keysAndLabels.size() + " candidates on " + d.name() + ", " + folds + "-fold",
                JSON.writeValueAsString(cfg), keysAndLabels);
        Path dir = folder(s, id);
        Files.createDirectories(dir);
        if (staged != null) {
            Files.move(staged, dir.resolve("patients.csv"), StandardCopyOption.REPLACE_EXISTING);
        }
        long job = queueCrossValidation(comparisons.get(id).orElseThrow(), false);
        for (int i = 0; i < keysAndLabels.size(); i++) {
            comparisons.setJob(id, i, job);
        }
        ctx.redirect("/compare/" + id);
    }

    /** Queues the comparison's job; finished folds in its folder are reused. */
    private long queueCrossValidation(Comparison c, boolean again) throws Exception {
        JsonNode cfg = JSON.readTree(c.config());
        TrainingConfig shared = TrainingOptions.fromJson(cfg);
        Dataset d = s.datasets().get(c.datasetId()).orElseThrow(() -> new IllegalArgumentException("the dataset is gone"));
        library.syncBuiltIn();
        List<CrossValidationJob.Plan> plans = new ArrayList<>();
        for (Candidate cand : comparisons.candidates(c.id())) {
            Plan p = plan(cand.key(), shared);
            plans.add(new CrossValidationJob.Plan(cand.key(), cand.label(), p.base().file(), p.base().zoo(), p.config().method()));
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < cfg.path("seeds").asInt(1); i++) {
            seeds.add(shared.seed() + i);
        }
        List<Double> fractions = new ArrayList<>();
        cfg.path("curve").forEach(x -> fractions.add(x.asInt() / 100.0));
        Map<Long, String> labels = LabelMatch.byRecording(s.datasets().labels(d.id()), s.datasets().recordings(d.id()));
        Path dir = folder(s, c.id());
        CrossValidationJob job = new CrossValidationJob(s.workspace(), new CrossValidationJob.Spec(d.id(), labels, plans,
                new CrossValidation.Settings(cfg.path("folds").asInt(5), seeds, fractions, shared),
                cfg.path("resamples").asInt(2000), shared.seed(), dir,
                cfg.path("patients").asBoolean() ? dir.resolve("patients.csv") : null));
        com.fasterxml.jackson.databind.node.ObjectNode params = JSON.createObjectNode();
        params.put("comparison", c.id());
        params.put("dataset", d.id());
        return s.jobs().submit(CV_KIND, (again ? "Continue comparing " : "Compare ") + plans.size() + " candidates on "
                + d.name() + " (" + cfg.path("folds").asInt() + "-fold)", JSON.writeValueAsString(params),
                JobRunner.Queue.TRAINING, job);
    }

    /** A report file of a finished cross-validated comparison. */
    private void file(Context ctx) throws Exception {
        Comparison c = comparison(ctx);
        String name = ctx.pathParam("file");
        Path f = folder(s, c.id()).resolve(name);
        if (!Reports.FILES.contains(name) || !Files.isRegularFile(f)) {
            throw new NotFoundResponse("no file " + name + " for comparison " + c.id());
        }
        ctx.header("Content-Disposition", "attachment; filename=\"comparison-" + c.id() + "-" + name + "\"");
        ctx.contentType(name.endsWith(".json") ? "application/json" : "text/csv; charset=utf-8").result(Files.readAllBytes(f));
    }

    /** Trains the chosen candidate (the leader unless another is named) on all recordings; its card keeps the cross-validated numbers. */
    private void trainBest(Context ctx) throws Exception {
        Comparison c = comparison(ctx);
        CvBoard b = cvBoard(c);
        if (b.board() == null) {
            ctx.status(400).result("The comparison has not finished yet.");
            return;
        }
        String chosen = ctx.formParam("candidate") == null ? b.board().leader() : ctx.formParam("candidate");
        Candidate cand = b.candidates().stream().filter(x -> x.label().equals(chosen)).findFirst()
                .orElseThrow(() -> new NotFoundResponse("no candidate " + chosen));
        Dataset d = s.datasets().get(c.datasetId()).orElseThrow(() -> new NotFoundResponse("the dataset is gone"));
        TrainingConfig shared = TrainingOptions.fromJson(b.config());
        library.syncBuiltIn();
        Plan plan = plan(cand.key(), shared);
        String summary = JSON.writeValueAsString(Reports.summary(b.board(), cand.label()));
        String name = (cand.key().replace("model:" + plan.baseId() + ":", plan.base().name() + "-").replace("zoo:", "") + "-"
                + d.name() + "-all").replaceAll("[^A-Za-z0-9._-]+", "_");
        long job = FineTunePage.submit(s, library, d, plan.base(), plan.baseId(), plan.config(), name, null,
                Map.of("exchangeai.cross_validation", summary));
        ctx.redirect("/finetune/" + job);
    }

    /** A rough duration before starting, from the training times measured on this machine. */
    private void estimate(Context ctx) throws Exception {
        ctx.contentType("text/plain; charset=utf-8").result(estimateText(ctx));
    }

    private String estimateText(Context ctx) throws Exception {
        Dataset d;
        try {
            d = s.datasets().get(Long.parseLong(ctx.queryParam("dataset"))).orElse(null);
        } catch (NumberFormatException | NullPointerException e) {
            d = null;
        }
        List<String> keys = ctx.queryParams("candidate");
        if (d == null || keys.isEmpty()) {
            return "";
        }
        int epochs = intParam(ctx, "epochs", 10);
        double val = 0.2;
        try {
            val = Double.parseDouble(ctx.queryParam("valFraction"));
        } catch (NumberFormatException | NullPointerException e) {
            // the default share
        }
        boolean kfold = "kfold".equals(ctx.queryParam("evaluation"));
        int folds = Math.max(2, intParam(ctx, "folds", 5));
        int seeds = Math.max(1, intParam(ctx, "seeds", 1));
        double fractions = 1.0;
        int points = 1;
        if ("on".equals(ctx.queryParam("curve"))) {
            try {
                for (double v : org.exchangeai.core.comparison.CurvePoints.parse(ctx.queryParam("curvePoints"))) {
                    if (v < 1) {
                        fractions += v;
                        points++;
                    }
                }
            } catch (IllegalArgumentException e) {
                // an estimate while the user types: points that are not percentages are not counted
            }
        }
        double n = d.labelled() * (1 - val);
        double perCandidate = kfold ? seeds * folds * fractions * n * (folds - 1) / folds * epochs : n * epochs;
        Map<String, Double> measured = measuredSecondsPerRecordingEpoch();
        double fallback = measured.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (!Double.isFinite(fallback)) {
            return "No training has been measured on this machine yet; the time left is shown once the first "
                    + (kfold ? "fold" : "candidate") + " has finished.";
        }
        double seconds = 0;
        int guessed = 0;
        for (String k : keys) {
            Double v = measured.get(k);
            if (v == null) {
                guessed++;
                v = fallback;
            }
            seconds += perCandidate * v;
        }
        int runs = kfold ? keys.size() * seeds * folds * points : keys.size();
        return String.format(Locale.ROOT, "About %s at most: %d training run(s) of up to %d epochs%s.",
                CrossValidationJob.duration(seconds), runs, epochs, guessed == 0 ? ", from earlier runs on this machine"
                        : ", from earlier runs on this machine (" + guessed + " candidate(s) not run before, taken as the average)");
    }

    private static int intParam(Context ctx, String name, int fallback) {
        try {
            return Integer.parseInt(ctx.queryParam(name).strip());
        } catch (NumberFormatException | NullPointerException e) {
            return fallback;
        }
    }

    /** Seconds per training recording and epoch, by candidate key, from finished training and comparison jobs. */
    private Map<String, Double> measuredSecondsPerRecordingEpoch() throws Exception {
        Map<String, double[]> sum = new java.util.HashMap<>();
        for (JobInfo j : s.jobs().recent(500)) {
            if (j.state() != JobState.DONE || j.result() == null || j.params() == null) {
                continue;
            }
            if (FineTunePage.KIND.equals(j.kind())) {
                JsonNode r = JSON.readTree(j.result());
                JsonNode p = JSON.readTree(j.params());
                int epochs = r.path("history").size();
                double trained = r.path("recordings").asDouble() * (1 - r.path("config").path("validationFraction").asDouble(0.2));
                if (epochs == 0 || trained <= 0 || !r.has("trainingSeconds")) {
                    continue;
                }
                String key = p.has("architecture") ? "zoo:" + p.get("architecture").asText()
                        : "model:" + p.path("model").asLong() + ":" + p.path("method").asText();
                double[] a = sum.computeIfAbsent(key, x -> new double[2]);
                a[0] += r.get("trainingSeconds").asDouble();
                a[1] += trained * epochs;
            } else if (CV_KIND.equals(j.kind())) {
                JsonNode r = JSON.readTree(j.result()).path("secondsPerRecordingEpoch");
                r.fieldNames().forEachRemaining(k -> {
                    double[] a = sum.computeIfAbsent(k, x -> new double[2]);
                    a[0] += r.get(k).asDouble();
                    a[1] += 1;
                });
            }
        }
        Map<String, Double> out = new java.util.HashMap<>();
        sum.forEach((k, a) -> out.put(k, a[0] / a[1]));
        return out;
    }
}
