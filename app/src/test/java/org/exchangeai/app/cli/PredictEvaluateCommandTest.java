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

class PredictEvaluateCommandTest {

    /**
     * xc_super on the shared PTB-XL set. The arrays there are z-scored, not mV, so the model calls
     * most of them HYP (see the golden README); the numbers pin that behaviour, and NORM, which the
     * model cannot output, is reported rather than silently dropped.
     */
    @Test
    void evaluateXcSuperOnPtbxl(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("metrics.json");
        CliRun run = CliRun.of("evaluate", "--model", TestData.model("xc_super_pretrained.onnx").toString(), "--labels",
                TestData.data("ptbxl/labels.csv").toString(), TestData.data("ptbxl").toString(), "--json", json.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("on 121 labelled recordings"), run.out());
        assertTrue(run.out().contains("NORM") && run.out().contains("not a class of this model"), run.out());
        assertTrue(run.out().contains("Confusion matrix"), run.out());
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertEquals(0.049019607843137254, m.get("macroF1").asDouble(), 1e-9);
        assertEquals(0.10021786492374728, m.get("weightedF1").asDouble(), 1e-9);
        assertEquals(5.0 / 121, m.get("accuracy").asDouble(), 1e-12);
        assertEquals(31, m.get("unknownClasses").get("NORM").asInt());
        JsonNode cd = m.get("perClass").get(0);
        assertEquals("CD", cd.get("class").asText());
        assertEquals(10.0 / 51, cd.get("f1").asDouble(), 1e-12);
        assertEquals(0.8571014492753624, cd.get("auc").asDouble(), 1e-6);
        assertEquals("[[5,25,0,16],[0,0,0,0],[0,13,0,4],[0,27,0,0],[0,30,0,1]]", m.get("confusion").get("counts").toString());
        assertEquals(3, cd.get("thresholds").size());
        assertTrue(cd.get("roc").get("fpr").size() > 2);
    }

    @Test
    void predictWritesOneRowPerRecordingAndErrorRows(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(TestData.data("ludb/data/10.hea"), in.resolve("10.hea"));
        Files.copy(TestData.data("ludb/data/10.dat"), in.resolve("10.dat"));
        Files.write(in.resolve("broken.edf"), new byte[500]);
        Path csv = dir.resolve("out/predictions.csv");
        CliRun run = CliRun.of("predict", "--model", TestData.model("xc_super_pretrained.onnx").toString(), in.toString(),
                "--out", csv.toString());
        assertEquals(1, run.status(), "one input failed");
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file_name,CD,HYP,MI,STTC,predicted", lines.get(0));
        assertEquals(3, lines.size());
        String ok = lines.stream().filter(l -> l.startsWith("10.hea,")).findFirst().orElseThrow();
        String[] cells = ok.split(",");
        assertEquals(6, cells.length);
        double sum = 0;
        for (int c = 1; c <= 4; c++) {
            assertTrue(cells[c].matches("\\d\\.\\d{6}"), cells[c]);
            sum += Double.parseDouble(cells[c]);
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals("CD", cells[5], "golden ludb_10 is CD with p = 0.900");
        assertTrue(lines.stream().anyMatch(l -> l.matches("broken\\.edf,,,,,\"?ERROR: .+")), lines.toString());
    }

    @Test
    void modelsListsTheBuiltInModels() {
        String old = System.getProperty("exchangeai.models");
        System.setProperty("exchangeai.models", TestData.shared().resolve("models").toString());
        try {
            CliRun run = CliRun.of("models");
            assertEquals(0, run.status());
            assertTrue(run.out().contains("xc_super_pretrained  [built-in]"), run.out());
            assertTrue(run.out().contains("classes: CD, HYP, MI, STTC (single-label)"), run.out());
            assertTrue(run.out().contains("InceptionTime_untrained"), run.out());
        } finally {
            if (old == null) {
                System.clearProperty("exchangeai.models");
            } else {
                System.setProperty("exchangeai.models", old);
            }
        }
    }
}
