package org.exchangeai.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.jetbrains.bio.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: each golden record's raw file (named in its {@code meta.json}) is read, prepared as
 * xc_super's metadata says, and predicted; the probabilities must match the golden ONNX Runtime
 * probabilities (computed by the original platform's arithmetic) within 1e-3.
 */
class PredictorTest {

    @Test
    void rawFilesGiveGoldenProbabilitiesEndToEnd() throws Exception {
        List<Path> files = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String rec : OnnxModelTest.GOLDEN) {
            Path dir = TestData.golden(rec);
            JsonNode meta = json.readTree(dir.resolve("meta.json").toFile());
            String source = meta.has("source") ? meta.get("source").asText() : meta.get("source_file").asText();
            files.add(TestData.shared().resolve("data").resolve(source));
            expected.add(NpyFile.read(dir.resolve("xc_super_probs_ort.npy"), Integer.MAX_VALUE).asDoubleArray());
        }
        List<ReadResult> read = Formats.readAll(files, ReadOptions.DEFAULT);
        try (OnnxModel m = OnnxModel.load(TestData.model("xc_super_pretrained.onnx"), 2)) {
            List<Prediction> preds = Predictor.forModel(m, 5).predict(read, null);
            assertEquals(files.size(), preds.size());
            for (int i = 0; i < preds.size(); i++) {
                Prediction p = preds.get(i);
                assertTrue(p.ok(), p.name() + ": " + p.error());
                for (int c = 0; c < 4; c++) {
                    assertEquals(expected.get(i)[c], p.probabilities()[c], 1e-3, p.name() + " class " + c);
                }
            }
        }
    }

    @Test
    void oneBadRecordingGivesAnErrorRowAndTheOthersArePredicted(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.hea");
        Files.writeString(bad, "broken 12 500 5000\n");
        List<Path> files = List.of(TestData.data("ludb/data/10.hea"), bad, TestData.data("ludb/data/2.hea"));
        List<ReadResult> read = Formats.readAll(files, ReadOptions.DEFAULT);
        try (OnnxModel m = OnnxModel.load(TestData.model("xc_super_pretrained.onnx"), 1)) {
            List<Prediction> preds = Predictor.forModel(m, 2).predict(read, null);
            assertEquals(3, preds.size());
            assertTrue(preds.get(0).ok());
            assertFalse(preds.get(1).ok());
            assertNotNull(preds.get(1).error());
            assertTrue(preds.get(2).ok());
            // batch composition does not change a recording's result
            Prediction alone = Predictor.forModel(m, 1).predict(List.of(read.get(2)), null).get(0);
            for (int c = 0; c < 4; c++) {
                assertEquals(alone.probabilities()[c], preds.get(2).probabilities()[c], 1e-6);
            }
        }
    }
}
