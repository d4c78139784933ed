package org.exchangeai.app.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer's analysis of LUDB record 10 (12 × 5000 at 500 Hz): the JSON has what the viewer
 * draws, and it is computed once, stored in the file store and served from there afterwards.
 * The R peaks are checked against LUDB's own QRS annotations of lead II ({@code 10.ii}, read by
 * the WFDB reader: 8 annotated complexes, the first and last beat are not annotated in LUDB).
 */
class RecordingAnalysisTest {

    @TempDir
    Path dir;

    @Test
    void analysisHasPeaksWavesMeasurementsAndMedianBeatsAndIsComputedOnce() throws Exception {
        Ecg ecg = Formats.read(TestData.data("ludb/data/10.hea"), ReadOptions.DEFAULT);
        long[] annotatedQrs = ecg.annotations().stream().filter(a -> "II".equals(a.lead()) && "N".equals(a.code()))
                .mapToLong(a -> a.sample()).toArray();
        try (Workspace ws = Workspace.open(dir); JobRunner jobs = new JobRunner(ws)) {
            String sha = ws.files().put(RecordingCodec.encode(ecg));
            Services s = new Services(ws, new Datasets(ws), jobs, new RecordingCache(ws, 4));
            RecordingAnalysis analysis = new RecordingAnalysis(s);
            byte[] first = analysis.json(sha);
            JsonNode a = new ObjectMapper().readTree(first);

            int beats = a.get("rpeaks").size();
            assertEquals(8, annotatedQrs.length, "LUDB leaves the first and the last beat unannotated");
            for (long q : annotatedQrs) {
                long nearest = Long.MAX_VALUE;
                for (JsonNode r : a.get("rpeaks")) {
                    nearest = Math.min(nearest, Math.abs(r.asLong() - q));
                }
                assertTrue(nearest <= 25, "an R peak within 50 ms of the annotated QRS at sample " + q + " (" + nearest + ")");
            }
            assertTrue(beats >= 9 && beats <= 12, beats + " R peaks in 10 s of sinus rhythm near 60 bpm");
            for (String lead : ecg.leads()) {
                assertTrue(a.path("waves").has(lead), "waves of " + lead);
                assertEquals(350, a.path("medianBeats").path(lead).size(),
                        "median beat of " + lead + ": 250 ms + 450 ms at 500 Hz");
            }
            assertEquals(125, a.get("medianBefore").asInt());
            JsonNode qrs = a.path("waves").path("global").path("QRS");
            assertTrue(qrs.size() >= beats - 2, "a global QRS for (nearly) every beat");
            for (JsonNode w : qrs) {
                assertTrue(w.get(0).asInt() <= w.get(2).asInt(), "onset before offset");
            }
            JsonNode m = a.get("measurements");
            double hr = m.get("hr_bpm").asDouble();
            assertEquals(60.0 * (beats - 1) / ((a.get("rpeaks").get(beats - 1).asInt() - a.get("rpeaks").get(0).asInt()) / 500.0),
                    hr, 0.1, "heart rate is 60 / mean RR");
            double qt = m.get("qt_ms").asDouble();
            double rr = 60.0 / hr;
            assertEquals(qt / Math.sqrt(rr), m.get("qtc_ms").asDouble(), 0.5, "QTc is Bazett's QT / sqrt(RR)");

            assertArrayEquals(first, analysis.json(sha), "the second request is served from the store");
            try (Connection c = ws.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*), MIN(blob_sha) FROM analysis")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
                assertArrayEquals(first, ws.files().read(rs.getString(2)));
            }
        }
    }
}
