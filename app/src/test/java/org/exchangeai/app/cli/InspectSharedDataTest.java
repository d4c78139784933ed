package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;

/** {@code inspect --json} over the shared research data: every recording read with the right rate, leads and length. */
class InspectSharedDataTest {

    static List<JsonNode> inspect(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : run.out().split("\n")) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    @Test
    void researchFoldersAreReadCompletely() throws Exception {
        List<String> args = new ArrayList<>(List.of("inspect", "--json"));
        for (String f : List.of("ptbxl", "ludb", "mat", "wfdb", "edf")) {
            args.add(TestData.data(f).toString());
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.status(), run.out());
        List<JsonNode> recs = inspect(args.toArray(String[]::new));
        assertEquals(121 + 60 + 24 + 10 + 2, recs.size());
        for (JsonNode r : recs) {
            String file = r.get("file").asText();
            assertTrue(r.get("error").isNull(), file + ": " + r.get("error"));
            double fs = r.get("fs").asDouble();
            int n = r.get("samples").asInt();
            int leads = r.get("leads").size();
            if (file.contains("npy500") || file.contains("/ludb/") || file.contains("challenge2021")) {
                assertEquals(500.0, fs, file);
                assertEquals(5000, n, file);
                assertEquals(12, leads, file);
            } else if (file.endsWith("00001_lr.hea")) {
                assertEquals(100.0, fs);
                assertEquals(1000, n);
            } else if (file.endsWith("100.hea")) {
                assertEquals(360.0, fs);
                assertEquals(650000, n);
                assertEquals(List.of("V5", "MLII"), List.of(r.get("leads").get(0).asText(), r.get("leads").get(1).asText()));
            } else if (file.endsWith("s0010_re.hea")) {
                assertEquals(1000.0, fs);
                assertEquals(38400, n);
                assertEquals(15, leads);
            } else if (file.endsWith("a103l.hea")) {
                assertEquals(250.0, fs);
                assertEquals(82500, n);
            } else if (file.endsWith("1234_271020_212806.edf")) {
                // a Holter patch's generic channels stay generic: no standard lead is invented
                assertEquals(256.0, fs);
                assertEquals(List.of("ECG1", "ECG2", "ECG3"), List.of(r.get("leads").get(0).asText(),
                        r.get("leads").get(1).asText(), r.get("leads").get(2).asText()));
                assertEquals(3, leads);
            } else if (file.contains("challenge2020")) {
                assertEquals(500.0, fs, file);
                assertEquals(12, leads, file);
            } else if (file.endsWith("0000050.ECG.edf")) {
                assertEquals(800.0, fs);
                assertEquals(37855, n);
                assertTrue(r.get("warnings").toString().toLowerCase().contains("scal"), r.get("warnings").toString());
            } else if (file.contains("cpsc2018")) {
                assertEquals(500.0, fs, file);
                assertEquals(12, leads, file);
            }
        }
    }

    /** The CSV cannot state its rate or units: with them given, it is read; without, the error says what to pass. */
    @Test
    void headerlessCsvNeedsItsRate() throws Exception {
        String csv = TestData.data("csv/0000050.ECG.csv").toString();
        JsonNode withOptions = inspect("inspect", "--json", csv, "--fs", "800", "--adc-gain", "200").get(0);
        assertTrue(withOptions.get("error").isNull(), withOptions.toString());
        assertEquals(800.0, withOptions.get("fs").asDouble());
        assertEquals(37855, withOptions.get("samples").asInt());
        JsonNode without = inspect("inspect", "--json", csv).get(0);
        assertTrue(without.get("error").asText().contains("--fs"), without.toString());
    }

    @Test
    void deviceFormatsShowTheirOwnMeasurementsAndStatements() throws Exception {
        CliRun run = CliRun.of("inspect", TestData.data("muse/muse-sinus.xml").toString(),
                TestData.data("philips/129DYPRG.XML").toString(), TestData.data("hl7aecg/Example_aECG.xml").toString());
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().contains("device measurements: hr_bpm="), run.out());
        assertTrue(run.out().contains("statement: "), run.out());
        assertTrue(run.out().contains("pr_ms="), run.out());
    }
}
