package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyse --json} on LUDB record 2: the R peaks must match the cardiologists' QRS marks of
 * lead II ({@code 2.ii}, 'N' symbols) within 75 ms, every wave triple must be ordered, the
 * measurements present.
 */
class AnalyseCommandTest {

    @Test
    void ludbRecordAsJson() throws Exception {
        Path hea = TestData.data("ludb/data/2.hea");
        CliRun run = CliRun.of("analyse", "--json", hea.toString());
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(1, lines.length, run.out());
        JsonNode j = new ObjectMapper().readTree(lines[0]);
        assertEquals(hea.toString(), j.get("file").asText());
        assertEquals(500.0, j.get("fs").asDouble());
        assertTrue(j.get("error").isNull());

        List<Integer> reference = List.of();
        byte[] ann = Files.readAllBytes(TestData.data("ludb/data/2.ii"));
        reference = org.exchangeai.core.io.wfdb.WfdbAnnotationReader.parse(ann, "II").stream()
                .filter(a -> a.code().equals("N")).map(a -> (int) a.sample()).toList();
        JsonNode r = j.get("rpeaks");
        for (int ref : reference) {
            boolean found = false;
            for (JsonNode p : r) {
                found |= Math.abs(p.asInt() - ref) <= 37;
            }
            assertTrue(found, "annotated QRS at " + ref + " not detected: " + r);
        }

        JsonNode waves = j.get("waves");
        for (String lead : List.of("I", "II", "V6", "global")) {
            for (String wave : List.of("P", "QRS", "T")) {
                JsonNode list = waves.get(lead).get(wave);
                assertTrue(list.isArray() && list.size() > 0, lead + " " + wave);
                for (JsonNode w : list) {
                    assertEquals(3, w.size());
                    assertTrue(w.get(0).asInt() <= w.get(1).asInt() && w.get(1).asInt() <= w.get(2).asInt(), w.toString());
                }
            }
        }
        assertEquals(r.size(), waves.get("global").get("QRS").size());
        JsonNode m = j.get("measurements");
        for (String key : List.of("hr_bpm", "sdnn_ms", "rmssd_ms", "pr_ms", "qrs_ms", "qt_ms", "qtc_bazett_ms",
                "qtc_fridericia_ms", "axis_deg")) {
            assertTrue(m.has(key), key);
        }
        double hr = m.get("hr_bpm").asDouble();
        assertTrue(hr > 30 && hr < 200, "hr " + hr);
        assertTrue(m.get("qrs_ms").asDouble() > 50 && m.get("qrs_ms").asDouble() < 200, m.toString());
    }

    @Test
    void unreadableInputFailsTheRunAndIsNamed(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.dat");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});
        CliRun run = CliRun.of("analyse", "--json", junk.toString());
        assertEquals(1, run.status());
        JsonNode j = new ObjectMapper().readTree(run.out().strip());
        assertEquals(junk.toString(), j.get("file").asText());
        assertTrue(j.get("rpeaks").isNull() && !j.get("error").isNull(), run.out());

        CliRun table = CliRun.of("analyse", TestData.data("ludb/data/2.hea").toString(), junk.toString());
        assertEquals(1, table.status());
        assertTrue(table.out().contains("1 recording analysed, 1 failed"), table.out());
    }
}
