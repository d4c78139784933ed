package org.exchangeai.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;

/**
 * Completeness (Sundararajan et al. 2017): the attributions of the predicted class sum to
 * p(recording) − p(flat line) within 1 % of that difference. The explained quantity is the class
 * probability after the model's own activation (softmax for both models here), so p is what the user
 * sees. On a shared PTB-XL MI recording: the pretrained XceptionTime with 64 steps; CardX trained on
 * PTB-XL with 256, because its path is rougher (max-pooling branches and a global max pool): with 64
 * steps it misses by 1.4 % on NORM record 887 (0.4 % with 256).
 */
class IntegratedGradientsTest {

    @Test
    void completenessOnXceptionTimeWith64Steps() throws Exception {
        assertComplete(TestData.model("xc_super_pretrained.onnx"), 64);
    }

    @Test
    void completenessOnCardXWith256Steps() throws Exception {
        assertComplete(Path.of("..", "models", "cardx_ptbxl.onnx"), 256);
    }

    private static void assertComplete(Path file, int steps) throws Exception {
        List<PtbxlRecordings.Recording> records = PtbxlRecordings.load(List.of("MI"), 1);
        try (ExplainableModel model = ExplainableModel.open(file); Explainer explainer = new Explainer(model, steps)) {
            float[][] flat = new float[model.leads()][model.samples()];
            double[] atBaseline = explainer.probabilities(flat);
            for (PtbxlRecordings.Recording r : records) {
                float[][] input = model.preparation().apply(r.ecg());
                double[] p = explainer.probabilities(input);
                int c = explainer.classIndex(null, p);
                long start = System.nanoTime();
                Attribution a = explainer.attribute(input, AttributionMethod.IG, c);
                double seconds = (System.nanoTime() - start) / 1e9;
                double expected = p[c] - atBaseline[c];
                double error = Math.abs(a.total() - expected) / Math.abs(expected);
                System.out.printf(Locale.ROOT, "IG completeness %s, %d steps, %s (%s) class %s: sum %.6f, p(x) - p(0) = %.6f, "
                        + "relative error %.4f %%, %.2f s%n", file.getFileName(), steps, r.file(), r.label(), model.classes().get(c),
                        a.total(), expected, 100 * error, seconds);
                assertEquals(model.leads(), a.leads());
                assertEquals(model.samples(), a.samples());
                assertTrue(error < 0.01, r.file() + ": relative completeness error " + error);
                double leadSum = 0;
                for (double v : a.leadImportance()) {
                    leadSum += v;
                }
                assertEquals(a.total(), leadSum, 1e-4, "lead importances share out the same total");
            }
        }
    }
}
