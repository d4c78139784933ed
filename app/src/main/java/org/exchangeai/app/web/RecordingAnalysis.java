package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.signal.Beats;
import org.exchangeai.core.signal.Delineator;
import org.exchangeai.core.signal.Measurements;
import org.exchangeai.core.signal.QrsDetector;

/**
 * What the viewer overlays on a recording: R peaks, P/QRS/T per lead and for the whole recording,
 * global measurements and per-lead median beats, as JSON. Computed once per stored signal (the
 * analysis is a function of the samples) and kept in the file store; the {@code analysis} table
 * maps the signal's hash and {@link #VERSION} to the JSON's hash, so a new version recomputes.
 */
final class RecordingAnalysis {

    /** Raise when the JSON or the methods behind it change, so that stored analyses are recomputed. */
    static final int VERSION = 1;
    /** The median-beat window, the same as the viewer's QRS overlay (−250 ms to +450 ms). */
    static final double BEFORE_MS = 250;
    static final double AFTER_MS = 450;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Services s;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    RecordingAnalysis(Services s) {
        this.s = s;
    }

    /** The analysis JSON of the stored signal with this hash, computed on first use. */
    byte[] json(String signalSha) throws Exception {
        byte[] stored = stored(signalSha);
        if (stored != null) {
            return stored;
        }
        // two viewers opening the same recording compute it once
        synchronized (locks.computeIfAbsent(signalSha, k -> new Object())) {
            try {
                stored = stored(signalSha);
                if (stored != null) {
                    return stored;
                }
                byte[] json = compute(s.cache().get(signalSha));
                java.util.concurrent.locks.Lock referencing = s.workspace().files().referencing();
                referencing.lock();
                try {
                    String blob = s.workspace().files().put(json);
                    s.workspace().transaction(c -> {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT OR REPLACE INTO analysis(signal_sha, version, blob_sha, created) VALUES (?,?,?,?)")) {
                            ps.setString(1, signalSha);
                            ps.setInt(2, VERSION);
                            ps.setString(3, blob);
                            ps.setString(4, Instant.now().toString());
                            return ps.executeUpdate();
                        }
                    });
                } finally {
                    referencing.unlock();
                }
                return json;
            } finally {
                locks.remove(signalSha);
            }
        }
    }

    private byte[] stored(String signalSha) throws Exception {
        String blob = null;
        try (var c = s.workspace().connect();
                PreparedStatement ps = c.prepareStatement("SELECT blob_sha FROM analysis WHERE signal_sha = ? AND version = ?")) {
            ps.setString(1, signalSha);
            ps.setInt(2, VERSION);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    blob = rs.getString(1);
                }
            }
        }
        return blob != null && s.workspace().files().has(blob) ? s.workspace().files().read(blob) : null;
    }

    static byte[] compute(Ecg ecg) throws Exception {
        float[][] x = ecg.samples();
        double fs = ecg.fs();
        List<String> leads = ecg.leads();
        int[] rpeaks = QrsDetector.detect(x, fs);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode r = out.putArray("rpeaks");
        for (int p : rpeaks) {
            r.add(p);
        }
        ObjectNode waves = out.putObject("waves");
        ObjectNode measures = out.putObject("measurements");
        ObjectNode medians = out.putObject("medianBeats");
        int before = (int) Math.round(BEFORE_MS * fs / 1000);
        out.put("medianBefore", before);
        if (rpeaks.length > 0) {
            Delineator.Result d = Delineator.delineate(x, fs, rpeaks);
            for (int l = 0; l < leads.size() && l < d.perLead().size(); l++) {
                waves.set(leads.get(l), waves(d.perLead().get(l)));
            }
            waves.set("global", waves(d.global()));
        }
        Measurements.Result m = Measurements.measure(x, leads, fs, rpeaks);
        put(measures, "hr_bpm", m.hrBpm());
        put(measures, "pr_ms", m.prMs());
        put(measures, "qrs_ms", m.qrsMs());
        put(measures, "qt_ms", m.qtMs());
        put(measures, "qtc_ms", m.qtcBazettMs());
        put(measures, "qtc_fridericia_ms", m.qtcFridericiaMs());
        put(measures, "qrs_axis_deg", m.axisDeg());
        put(measures, "sdnn_ms", m.sdnnMs());
        put(measures, "rmssd_ms", m.rmssdMs());
        float[][] median = rpeaks.length == 0 ? null : Beats.medianBeat(x, fs, rpeaks, BEFORE_MS, AFTER_MS);
        if (median != null) {
            for (int l = 0; l < leads.size() && l < median.length; l++) {
                ArrayNode a = medians.putArray(leads.get(l));
                // drawn relative to the level before the P wave, as the viewer's overlay is
                double level = 0;
                int k = Math.min(20, median[l].length);
                for (int i = 0; i < k; i++) {
                    level += median[l][i];
                }
                level = k == 0 ? 0 : level / k;
                for (float v : median[l]) {
                    a.add(Float.isNaN(v) ? 0f : (float) Math.round((v - level) * 10000) / 10000f);
                }
            }
        }
        return JSON.writeValueAsBytes(out);
    }

    private static ObjectNode waves(List<Delineator.BeatWaves> beats) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode p = n.putArray("P");
        ArrayNode qrs = n.putArray("QRS");
        ArrayNode t = n.putArray("T");
        for (Delineator.BeatWaves b : beats) {
            add(p, b.p());
            add(qrs, b.qrs());
            add(t, b.t());
        }
        return n;
    }

    private static void add(ArrayNode list, Delineator.Wave w) {
        if (w == null || w.onset() == Delineator.NOT_FOUND || w.offset() == Delineator.NOT_FOUND) {
            return;
        }
        ArrayNode a = list.addArray();
        a.add(w.onset());
        if (w.peak() == Delineator.NOT_FOUND) {
            a.addNull();
        } else {
            a.add(w.peak());
        }
        a.add(w.offset());
    }

    private static void put(ObjectNode n, String key, Double v) {
        if (v == null || v.isNaN()) {
            n.putNull(key);
        } else {
            n.put(key, Math.round(v * 10) / 10.0);
        }
    }
}
