package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.exchangeai.app.jobs.ExplainJob;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.core.explain.AttributionMethod;

/**
 * "Why?" for the predict page and the viewer: the attribution of one model's class on one recording,
 * computed as a job and kept per (model, recording, class, method), so that showing it again is a
 * file read. {@code GET /api/explanations} answers a kept result or 404; {@code POST} answers it, or
 * starts (or finds) the job computing it and answers 202 with the job's id.
 */
public final class ExplainPage implements Page {

    static final String KIND = "explain";
    /** Stands for "the class the model predicts" in a request and in the kept file's name. */
    static final String PREDICTED = "predicted";

    private final Services s;
    private final ModelLibrary library;
    private final Map<String, Long> running = new ConcurrentHashMap<>();

    public ExplainPage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
    }

    /** What one request asks for, checked against what the viewer may see. */
    private record Request(ModelLibrary.Entry model, Recording recording, AttributionMethod method, String className) {
        String classKey() {
            return className == null ? PREDICTED : className;
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/explanations", ctx -> {
            Request r = request(ctx);
            Path kept = file(r, r.classKey());
            if (!Files.isRegularFile(kept)) {
                ctx.status(404).json(Map.of("kept", false));
                return;
            }
            ctx.contentType("application/json").result(Files.readAllBytes(kept));
        });
        routes.post("/api/explanations", this::start);
        routes.get("/api/explanations/models", ctx -> {
            library.syncBuiltIn();
            List<Map<String, Object>> models = new ArrayList<>();
            for (ModelLibrary.Entry e : library.list()) {
                if (e.predictable()) {
                    models.add(Map.of("id", e.model().id(), "name", e.model().name(), "classes", e.card().classes()));
                }
            }
            ctx.json(models);
        });
    }

    private void start(Context ctx) throws Exception {
        Request r = request(ctx);
        Path kept = file(r, r.classKey());
        if (Files.isRegularFile(kept)) {
            ctx.contentType("application/json").result(Files.readAllBytes(kept));
            return;
        }
        String key = kept.getFileName().toString();
        Long job = running.get(key);
        if (job != null) {
            JobInfo info = s.jobs().get(job).orElse(null);
            // another account's job is not followed (its progress is not theirs to see): a job of one's own is started
            if (info != null && !info.state().finished()
                    && s.jobs().visibleTo(job, org.exchangeai.app.store.Viewer.current().orElse(null))) {
                ctx.status(202).json(Map.of("job", job));
                return;
            }
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("modelId", r.model().model().id());
        context.put("recordingId", r.recording().id());
        context.put("classes", r.model().card().classes());
        ExplainJob work = new ExplainJob(r.model().file(), r.model().model().sha256(), r.recording().name(),
                s.cache().get(r.recording().signalSha()), r.method(), r.className(),
                cls -> file(r, cls == null ? PREDICTED : cls), context);
        long id = s.jobs().submit(KIND, "Explain " + r.recording().name() + " with " + r.model().model().name() + " ("
                + r.classKey() + ", " + r.method().key() + ")", "{\"model\":" + r.model().model().id() + ",\"recording\":"
                + r.recording().id() + "}", JobRunner.Queue.IO, jobCtx -> {
                    try {
                        work.run(jobCtx);
                    } finally {
                        running.remove(key);
                    }
                });
        running.put(key, id);
        ctx.status(202).json(Map.of("job", id));
    }

    private Request request(Context ctx) throws Exception {
        String modelParam = param(ctx, "model");
        String recordingParam = param(ctx, "recording");
        if (modelParam == null || recordingParam == null) {
            throw new BadRequestResponse("An explanation needs a model and a recording (model=ID&recording=ID).");
        }
        long modelId = Long.parseLong(modelParam);
        long recordingId = Long.parseLong(recordingParam);
        ModelLibrary.Entry model = library.get(modelId).filter(ModelLibrary.Entry::available)
                .orElseThrow(() -> new NotFoundResponse("There is no usable model " + modelId + "."));
        if (!model.card().headTrained() || model.card().classes().isEmpty()) {
            throw new BadRequestResponse(model.model().name() + " has no trained classifier to explain.");
        }
        Recording rec = s.datasets().recording(recordingId)
                .orElseThrow(() -> new NotFoundResponse("There is no recording " + recordingId + "."));
        if (!rec.ok()) {
            throw new BadRequestResponse(rec.name() + " could not be read: " + rec.error());
        }
        String methodParam = param(ctx, "method");
        AttributionMethod method = AttributionMethod.of(methodParam == null ? "ig" : methodParam);
        String cls = param(ctx, "class");
        String className = null;
        if (cls != null && !cls.isBlank() && !cls.equalsIgnoreCase(PREDICTED)) {
            className = model.card().classes().stream().filter(c -> c.equalsIgnoreCase(cls.strip())).findFirst()
                    .orElseThrow(() -> new BadRequestResponse(model.model().name() + " has no class '" + cls
                            + "' (classes: " + String.join(", ", model.card().classes()) + ")."));
        }
        return new Request(model, rec, method, className);
    }

    private static String param(Context ctx, String name) {
        String v = ctx.formParam(name);
        if (v == null) {
            v = ctx.queryParam(name);
        }
        return v == null || v.isBlank() ? null : v;
    }

    /** The kept result's file: one name per model file, signal, method, steps and class. */
    private Path file(Request r, String classKey) {
        String key = r.model().model().sha256() + "|" + r.recording().signalSha() + "|" + r.method().key() + "|"
                + ExplainJob.STEPS + "|" + classKey;
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        return s.workspace().dir().resolve("explanations").resolve(HexFormat.of().formatHex(digest, 0, 20) + ".json");
    }
}
