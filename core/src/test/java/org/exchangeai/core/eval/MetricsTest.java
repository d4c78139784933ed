package org.exchangeai.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expected numbers come from scikit-learn 1.2.1 (Debian's python3-sklearn), computed once on the
 * inputs stored in the same fixture: {@code precision_recall_fscore_support(labels=classes,
 * zero_division=0)}, {@code f1_score}, {@code accuracy_score}, {@code confusion_matrix},
 * {@code roc_curve}, {@code roc_auc_score}. Scores are rounded to one decimal so that ties occur,
 * one class is never predicted, and the truth holds a class (NORM) the classifier does not know.
 */
class MetricsTest {

    static JsonNode fx;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = MetricsTest.class.getResourceAsStream("/fixtures/eval/sklearn-metrics.json")) {
            fx = new ObjectMapper().readTree(in);
        }
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    static double[][] matrix(JsonNode n) {
        double[][] out = new double[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            out[i] = doubles(n.get(i));
        }
        return out;
    }

    static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < n.size(); i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    @Test
    void singleLabelMatchesScikitLearn() {
        List<String> classes = strings(fx.get("classes"));
        Evaluation ev = Metrics.singleLabel(classes, strings(fx.get("truth")), matrix(fx.get("probs")));
        for (int c = 0; c < classes.size(); c++) {
            ClassMetrics m = ev.perClass().get(c);
            assertEquals(fx.get("precision").get(c).asDouble(), m.precision(), 1e-12, m.name());
            assertEquals(fx.get("recall").get(c).asDouble(), m.recall(), 1e-12, m.name());
            assertEquals(fx.get("f1").get(c).asDouble(), m.f1(), 1e-12, m.name());
            assertEquals(fx.get("support").get(c).asLong(), m.support(), m.name());
        }
        assertEquals(fx.get("macroF1").asDouble(), ev.macroF1(), 1e-12);
        assertEquals(fx.get("weightedF1").asDouble(), ev.weightedF1(), 1e-12);
        assertEquals(fx.get("accuracy").asDouble(), ev.accuracy(), 1e-12);
        ClassMetrics hyp = ev.perClass().get(1);
        assertEquals(0, hyp.tp() + hyp.fp(), "HYP is never predicted in this fixture");
        assertTrue(ev.unknownClasses().containsKey("NORM"));
        ClassMetrics norm = ev.perClass().get(classes.size());
        assertEquals("NORM", norm.name());
        assertFalse(norm.known());
        long[][] cm = ev.confusion().counts();
        JsonNode expected = fx.get("confusion");
        for (int r = 0; r < expected.size(); r++) {
            for (int c = 0; c < classes.size(); c++) {
                assertEquals(expected.get(r).get(c).asLong(), cm[r][c], "confusion[" + r + "][" + c + "]");
            }
        }
    }

    @Test
    void rocCurvesAndAucMatchScikitLearnWithTies() {
        List<String> classes = strings(fx.get("classes"));
        Evaluation ev = Metrics.singleLabel(classes, strings(fx.get("truth")), matrix(fx.get("probs")));
        for (String c : classes) {
            JsonNode ref = fx.get("roc").get(c);
            RocCurve roc = ev.roc().get(c);
            assertArrayEquals(doubles(ref.get("fpr")), roc.fpr(), 1e-12, c + " fpr");
            assertArrayEquals(doubles(ref.get("tpr")), roc.tpr(), 1e-12, c + " tpr");
            double[] th = roc.thresholds();
            assertEquals(Double.POSITIVE_INFINITY, th[0]);
            assertArrayEquals(doubles(ref.get("thresholds")), java.util.Arrays.copyOfRange(th, 1, th.length), 1e-12, c);
            assertEquals(ref.get("auc").asDouble(), roc.auc(), 1e-12, c + " auc");
        }
    }

    @Test
    void multiLabelMatchesScikitLearn() {
        List<String> classes = strings(fx.get("classes"));
        JsonNode ml = fx.get("ml");
        List<Set<String>> truth = new ArrayList<>();
        ml.get("truth").forEach(s -> truth.add(new LinkedHashSet<>(strings(s))));
        Evaluation ev = Metrics.multiLabel(classes, truth, matrix(ml.get("probs")), 0.5);
        for (int c = 0; c < classes.size(); c++) {
            ClassMetrics m = ev.perClass().get(c);
            assertEquals(ml.get("precision").get(c).asDouble(), m.precision(), 1e-12);
            assertEquals(ml.get("recall").get(c).asDouble(), m.recall(), 1e-12);
            assertEquals(ml.get("f1").get(c).asDouble(), m.f1(), 1e-12);
            assertEquals(ml.get("support").get(c).asLong(), m.support());
            assertEquals(ml.get("auc").get(c).asDouble(), ev.roc().get(classes.get(c)).auc(), 1e-12);
        }
        assertEquals(ml.get("macroF1").asDouble(), ev.macroF1(), 1e-12);
        assertEquals(ml.get("weightedF1").asDouble(), ev.weightedF1(), 1e-12);
        assertEquals(ml.get("accuracy").asDouble(), ev.accuracy(), 1e-12);
    }

    @Test
    void thresholdsHitTheirTargets() {
        boolean[] pos = {true, true, true, true, true, true, true, true, true, true, false, false, false, false, false};
        double[] score = {.9, .9, .8, .7, .7, .6, .5, .4, .3, .2, .6, .4, .3, .1, .05};
        Thresholds.Point[] pts = Thresholds.suggest(pos, score);
        assertEquals("Fmax", pts[0].rule());
        assertTrue(pts[1].sensitivity() >= 0.9);
        assertEquals(0.3, pts[1].threshold(), 0, "highest threshold keeping 90 % sensitivity");
        assertTrue(pts[2].specificity() >= 0.9);
        assertEquals(0.7, pts[2].threshold(), 0, "lowest threshold keeping 90 % specificity");
        double bestF1 = 0;
        for (double t : score) {
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < score.length; i++) {
                if (score[i] >= t) {
                    if (pos[i]) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
            }
            bestF1 = Math.max(bestF1, 2.0 * tp / (2 * tp + fp + (10 - tp)));
        }
        assertEquals(bestF1, pts[0].f1(), 1e-12);
        assertEquals(0, Thresholds.suggest(new boolean[] {true, true}, new double[] {.1, .2}).length);
    }
}
