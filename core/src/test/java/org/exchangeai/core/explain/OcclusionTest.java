package org.exchangeai.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Integrated Gradients and occlusion agree on which leads matter: on CardX trained on PTB-XL, for the
 * predicted class of each of five shared PTB-XL recordings, flattening the lead with the largest IG
 * importance (32 steps) lowers the class probability more than flattening the lead with the smallest,
 * on most recordings.
 */
class OcclusionTest {

    @Test
    void mostImportantLeadMattersMoreThanLeastImportant() throws Exception {
        List<PtbxlRecordings.Recording> records = PtbxlRecordings.load(List.of("MI", "NORM", "CD", "STTC"), 2).subList(0, 5);
        int agree = 0;
        try (ExplainableModel model = ExplainableModel.open(Path.of("..", "models", "cardx_ptbxl.onnx"));
                Explainer explainer = new Explainer(model, 32)) {
            for (PtbxlRecordings.Recording r : records) {
                float[][] input = model.preparation().apply(r.ecg());
                int c = explainer.classIndex(null, explainer.probabilities(input));
                double[] ig = explainer.attribute(input, AttributionMethod.IG, c).leadImportance();
                Attribution occlusion = explainer.attribute(input, AttributionMethod.OCCLUSION, c);
                assertEquals(model.samples(), occlusion.samples());
                int most = 0;
                int least = 0;
                for (int l = 1; l < ig.length; l++) {
                    most = ig[l] > ig[most] ? l : most;
                    least = ig[l] < ig[least] ? l : least;
                }
                double dropMost = occlusion.leadImportance()[most];
                double dropLeast = occlusion.leadImportance()[least];
                boolean ok = dropMost > dropLeast;
                agree += ok ? 1 : 0;
                System.out.printf(Locale.ROOT, "occlusion %s (%s) class %s: most important %s drops p by %.4f, "
                        + "least important %s by %.4f%s%n", r.file(), r.label(), model.classes().get(c),
                        model.preparation().leads().get(most), dropMost, model.preparation().leads().get(least), dropLeast,
                        ok ? "" : "  (disagrees)");
            }
        }
        System.out.printf(Locale.ROOT, "occlusion agrees with the IG lead ranking on %d of %d recordings (%.0f %%)%n",
                agree, records.size(), 100.0 * agree / records.size());
        assertTrue(2 * agree > records.size(), agree + " of " + records.size());
    }
}
