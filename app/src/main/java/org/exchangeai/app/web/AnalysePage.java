package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.store.Datasets.Dataset;
import org.exchangeai.app.store.Datasets.Label;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.core.ecg.Ecg;

/** The ECG viewer: one recording on ECG paper, beats, median beats and measurements. */
public final class AnalysePage implements Page {

    /** The measurements table: key → label, in display order. */
    static final Map<String, String> MEASURES = new LinkedHashMap<>();

    static {
        MEASURES.put("hr_bpm", "Heart rate (bpm)");
        MEASURES.put("pr_ms", "PR (ms)");
        MEASURES.put("qrs_ms", "QRS (ms)");
        MEASURES.put("qt_ms", "QT (ms)");
        MEASURES.put("qtc_ms", "QTc Bazett (ms)");
        MEASURES.put("qtc_fridericia_ms", "QTc Fridericia (ms)");
        MEASURES.put("qrs_axis_deg", "QRS axis (°)");
        MEASURES.put("sdnn_ms", "SDNN (ms)");
        MEASURES.put("rmssd_ms", "RMSSD (ms)");
    }

    /** What the analyse template shows. */
    public record Model(Recording recording, String datasetName, String label, long prev, long next,
            Map<String, String> measureNames, Map<String, String> device, List<String> statements, List<String> warnings,
            List<String> derived) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Services s;
    private final RecordingAnalysis analysis;

    public AnalysePage(Services s) {
        this.s = s;
        this.analysis = new RecordingAnalysis(s);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/analyse", this::first);
        routes.get("/analyse/{id}", this::show);
        routes.get("/api/recordings/{id}/signal", this::signal);
        routes.get("/api/recordings/{id}/analysis", ctx -> ctx.contentType("application/json")
                .result(analysis.json(recording(ctx).signalSha())));
    }

    private void first(Context ctx) throws Exception {
        List<Dataset> all = s.datasets().list();
        for (int i = all.size() - 1; i >= 0; i--) {
            for (Recording r : s.datasets().recordings(all.get(i).id())) {
                if (r.ok()) {
                    ctx.redirect("/analyse/" + r.id());
                    return;
                }
            }
        }
        Templates.html(ctx, "analyse.jte", Map.of("model", new Model(null, null, null, -1, -1, MEASURES, Map.of(), List.of(),
                List.of(), List.of())));
    }

    private Recording recording(Context ctx) throws Exception {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such recording");
        }
        Recording r = s.datasets().recording(id).orElseThrow(() -> new NotFoundResponse("no recording " + id));
        if (!r.ok()) {
            throw new NotFoundResponse(r.name() + " could not be read: " + r.error());
        }
        return r;
    }

    private void show(Context ctx) throws Exception {
        Recording r = recording(ctx);
        long[] nb = s.datasets().neighbours(r);
        String datasetName = s.datasets().get(r.datasetId()).map(Dataset::name).orElse("");
        String label = null;
        for (Label l : s.datasets().labels(r.datasetId())) {
            if (LabelMatch.key(l.fileName()).equals(LabelMatch.key(r.name()))
                    || (label == null && LabelMatch.stem(l.fileName()).equals(LabelMatch.stem(r.name())))) {
                label = l.label();
            }
        }
        Map<String, String> device = new LinkedHashMap<>();
        List<String> statements = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> derived = new ArrayList<>();
        if (r.info() != null) {
            JsonNode info = JSON.readTree(r.info());
            info.path("measurements").fields().forEachRemaining(e -> device.put(e.getKey(),
                    Formatting.number(e.getValue().asDouble())));
            info.path("statements").forEach(x -> statements.add(x.asText()));
            info.path("warnings").forEach(x -> warnings.add(x.asText()));
            info.path("derived").forEach(x -> derived.add(x.asText()));
        }
        Map<String, String> names = new LinkedHashMap<>(MEASURES);
        for (String k : device.keySet()) {
            names.putIfAbsent(k, k);
        }
        Templates.html(ctx, "analyse.jte", Map.of("model",
                new Model(r, datasetName, label, nb[0], nb[1], names, device, statements, warnings, derived)));
    }

    /**
     * The samples as little-endian float32, lead after lead; leads, rate and length in headers.
     * Binary keeps a 12 × 5000 recording at 240 kB and needs no parsing in the browser.
     */
    private void signal(Context ctx) throws Exception {
        Recording r = recording(ctx);
        Ecg ecg = s.cache().get(r.signalSha());
        int n = ecg.length();
        ByteBuffer bb = ByteBuffer.allocate(ecg.leadCount() * n * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] buf = new float[n];
        for (int l = 0; l < ecg.leadCount(); l++) {
            ecg.copyLead(l, 0, buf, 0, n);
            bb.asFloatBuffer().put(l * n, buf);
        }
        ctx.header("X-Leads", String.join(",", ecg.leads()));
        ctx.header("X-Fs", String.valueOf(ecg.fs()));
        ctx.header("X-Samples", String.valueOf(n));
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.contentType("application/octet-stream").result(bb.array());
    }
}
