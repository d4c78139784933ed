package org.exchangeai.core.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.TestData;
import org.exchangeai.core.train.Engines;
import org.junit.jupiter.api.Test;

/**
 * Grad-CAM finds a convolution with a time axis in the pretrained XceptionTime and in CardX, and gives a
 * non-negative, non-empty map of the input length (the same for every lead), which maps onto the
 * recording's 10 s at 500 Hz.
 */
class GradCamTest {

    @Test
    void xceptionTime() throws Exception {
        check(TestData.model("xc_super_pretrained.onnx"));
    }

    @Test
    void cardX() throws Exception {
        check(Path.of("..", "models", "cardx_ptbxl.onnx"));
    }

    private static void check(Path file) throws Exception {
        PtbxlRecordings.Recording r = PtbxlRecordings.load(List.of("MI"), 1).get(0);
        try (ExplainableModel model = ExplainableModel.open(file); Explainer explainer = new Explainer(model, 32)) {
            String layer = Engines.onLargeStack(() -> GradCam.findLayer(model));
            Explanation e = explainer.explain(r.file(), r.ecg(), AttributionMethod.GRADCAM, null);
            Attribution a = e.attribution();
            System.out.printf(Locale.ROOT, "Grad-CAM %s: layer '%s', class %s (p = %.3f), max %.4f, top windows %s%n",
                    file.getFileName(), layer, e.className(), e.probability(), max(a.values()[0]), e.topWindows());
            assertEquals(model.leads(), a.leads());
            assertEquals(model.samples(), a.samples());
            assertNull(a.leadImportance());
            for (float[] row : a.values()) {
                assertArrayEquals(a.values()[0], row);
                for (float v : row) {
                    assertTrue(v >= 0, "negative Grad-CAM value " + v);
                }
            }
            assertTrue(max(a.values()[0]) > 0, "an all-zero map");
            assertEquals(r.ecg().length(), e.onRecording()[0].length);
            assertTrue(max(e.onRecording()[0]) > 0);
        }
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
