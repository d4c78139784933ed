package org.exchangeai.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.ModelCard;
import org.jetbrains.bio.npy.NpyArray;
import org.jetbrains.bio.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden numbers: {@code ../shared/golden/<record>/mi_none_mikroVolt.npy} is xc_super's input as the
 * original platform prepares it, {@code xc_super_probs_ort.npy} the probabilities ONNX Runtime 1.30 gives.
 */
class OnnxModelTest {

    static final List<String> GOLDEN = List.of("ptbxl_00001_lr", "ludb_2", "ludb_8", "ludb_10", "muse_sinus", "c21_E07500",
            "c21_HR06000", "c21_JS20000", "cpsc_A1983", "ptbxl_npy_195", "ptbxl_npy_2623", "ptbxl_npy_887");

    @Test
    void xcSuperCardIsReadDespiteTheDuplicateScaleKey() throws Exception {
        try (OnnxModel m = OnnxModel.load(TestData.model("xc_super_pretrained.onnx"), 1)) {
            ModelCard card = m.card();
            assertEquals(List.of("CD", "HYP", "MI", "STTC"), card.classes());
            assertEquals("mikroVolt", card.get(ModelCard.SCALE));
            assertEquals(100.0, card.samplingRate());
            assertEquals(12, m.leads());
            assertEquals(1000, m.samples());
            assertEquals(4, m.outputWidth());
        }
    }

    @Test
    void goldenModelInputsGiveGoldenProbabilities() throws Exception {
        try (OnnxModel m = OnnxModel.load(TestData.model("xc_super_pretrained.onnx"), 2)) {
            float[] batch = new float[GOLDEN.size() * 12 * 1000];
            for (int r = 0; r < GOLDEN.size(); r++) {
                float[] input = NpyFile.read(TestData.golden(GOLDEN.get(r)).resolve("mi_none_mikroVolt.npy"), Integer.MAX_VALUE)
                        .asFloatArray();
                System.arraycopy(input, 0, batch, r * 12000, 12000);
            }
            float[][] logits = m.logits(batch, GOLDEN.size(), 12, 1000);
            for (int r = 0; r < GOLDEN.size(); r++) {
                Path dir = TestData.golden(GOLDEN.get(r));
                double[] expected = NpyFile.read(dir.resolve("xc_super_probs_ort.npy"), Integer.MAX_VALUE).asDoubleArray();
                double[] p = m.probabilities(logits[r]);
                for (int c = 0; c < 4; c++) {
                    assertEquals(expected[c], p[c], 1e-4, GOLDEN.get(r) + " class " + c);
                }
            }
        }
    }

    @Test
    void modelWithoutClassNamesGetsGenericNamesAndAWarning() {
        ModelCard card = ModelCard.of(java.util.Map.of(), 3);
        assertEquals(List.of("class_0", "class_1", "class_2"), card.classes());
        assertEquals(1, card.warnings().size());
        assertEquals(List.of("a b", "it's"), ModelCard.parseList("['a b', \"it's\"]"));
        assertEquals(List.of("CD", "HYP"), ModelCard.parseList(ModelCard.toPythonList(List.of("CD", "HYP"))));
    }

    @Test
    void brokenFileIsAClearError(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.onnx");
        byte[] bytes = Files.readAllBytes(TestData.model("xc_super_pretrained.onnx"));
        Files.write(broken, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        ModelException e = assertThrows(ModelException.class, () -> OnnxModel.load(broken, 1));
        assertTrue(e.getMessage().startsWith(broken.toString()), e.getMessage());
    }

    /** InceptionTime_untrained normalises with batch statistics: detected, switched, and batch-independent. */
    @Test
    void batchStatisticsAreDetectedAndPredictionsDoNotDependOnTheBatch() throws Exception {
        try (OnnxModel m = OnnxModel.load(TestData.model("InceptionTime_untrained.onnx"), 1)) {
            assertTrue(m.warnings().stream().anyMatch(w -> w.contains("batch statistics")), m.warnings().toString());
            float[] batch = new float[3 * 12 * 1000];
            for (int r = 0; r < 3; r++) {
                float[] input = NpyFile.read(TestData.golden(GOLDEN.get(r)).resolve("mi_none_milliVolt.npy"), Integer.MAX_VALUE)
                        .asFloatArray();
                System.arraycopy(input, 0, batch, r * 12000, 12000);
            }
            float[][] together = m.logits(batch, 3, 12, 1000);
            for (int r = 0; r < 3; r++) {
                float[] one = java.util.Arrays.copyOfRange(batch, r * 12000, (r + 1) * 12000);
                float[][] alone = m.logits(one, 1, 12, 1000);
                for (int c = 0; c < alone[0].length; c++) {
                    assertEquals(alone[0][c], together[r][c], 1e-5, "record " + r + " class " + c);
                }
            }
        }
        try (OnnxModel m = OnnxModel.load(TestData.model("xc_super_pretrained.onnx"), 1)) {
            assertTrue(m.warnings().stream().noneMatch(w -> w.contains("batch statistics")));
        }
    }
}
