package org.exchangeai.core.statistics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap metrics, percentile intervals, DeLong and Holm against values computed independently with
 * scikit-learn, numpy and scipy ({@code fixtures/statistics/make_fixtures.py}: explicitly resampled arrays,
 * DeLong's original pairwise formulation).
 */
class StatisticsFixtureTest {

    private static final double EPS = 1e-9;

    private static JsonNode fixture(String name) throws Exception {
        try (InputStream in = StatisticsFixtureTest.class.getResourceAsStream("/fixtures/statistics/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    @Test
    void weightedMetricsEqualScikitLearnOnResampledArrays() throws Exception {
        JsonNode f = fixture("bootstrap.json");
        int n = f.get("truth").size();
        int k = f.get("scores").get(0).size();
        boolean[][] truth = new boolean[n][k];
        double[][] scores = new double[n][];
        for (int i = 0; i < n; i++) {
            truth[i][f.get("truth").get(i).asInt()] = true;
            scores[i] = doubles(f.get("scores").get(i));
        }
        WeightedMetrics wm = new WeightedMetrics(truth, scores, false, 0.5);
        for (JsonNode r : f.get("resamples")) {
            int[] w = new int[n];
            r.get("indices").forEach(x -> w[x.asInt()]++);
            double[] all = wm.all(w);
            assertEquals(r.get("macro_f1").asDouble(), all[WeightedMetrics.MACRO_F1], EPS);
            assertEquals(r.get("weighted_f1").asDouble(), all[WeightedMetrics.WEIGHTED_F1], EPS);
            assertEquals(r.get("accuracy").asDouble(), all[WeightedMetrics.ACCURACY], EPS);
            assertEquals(r.get("macro_auc").asDouble(), all[WeightedMetrics.MACRO_AUC], EPS);
            for (int c = 0; c < k; c++) {
                assertEquals(r.get("auc_per_class").get(c).asDouble(), wm.auc(c, w), EPS);
            }
        }
        // all weights 1: the same numbers as eval.Metrics (the single-split evaluation)
        List<String> classes = List.of("a", "b", "c");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add(classes.get(f.get("truth").get(i).asInt()));
        }
        Evaluation ev = Metrics.singleLabel(classes, labels, scores);
        double[] all = wm.all();
        assertEquals(ev.macroF1(), all[WeightedMetrics.MACRO_F1], EPS);
        assertEquals(ev.weightedF1(), all[WeightedMetrics.WEIGHTED_F1], EPS);
        assertEquals(ev.accuracy(), all[WeightedMetrics.ACCURACY], EPS);
        assertEquals(ev.macroAuc(), all[WeightedMetrics.MACRO_AUC], EPS);
    }

    @Test
    void percentileIntervalEqualsNumpy() throws Exception {
        JsonNode f = fixture("bootstrap.json");
        double[] v = doubles(f.get("percentile_values"));
        Bootstrap.Interval i95 = Bootstrap.percentile(v, 0.95);
        Bootstrap.Interval i90 = Bootstrap.percentile(v, 0.90);
        assertEquals(f.get("percentile_95").get(0).asDouble(), i95.low(), EPS);
        assertEquals(f.get("percentile_95").get(1).asDouble(), i95.high(), EPS);
        assertEquals(f.get("percentile_90").get(0).asDouble(), i90.low(), EPS);
        assertEquals(f.get("percentile_90").get(1).asDouble(), i90.high(), EPS);
    }

    @Test
    void delongEqualsTheOriginalPairwiseFormulation() throws Exception {
        JsonNode f = fixture("delong.json");
        for (JsonNode c : f.get("cases")) {
            int n = c.get("positive").size();
            boolean[] pos = new boolean[n];
            for (int i = 0; i < n; i++) {
                pos[i] = c.get("positive").get(i).asBoolean();
            }
            DeLong.Comparison d = DeLong.compare(doubles(c.get("a")), doubles(c.get("b")), pos);
            assertEquals(c.get("auc_a").asDouble(), d.aucA(), EPS);
            assertEquals(c.get("auc_b").asDouble(), d.aucB(), EPS);
            assertEquals(c.get("auc_a_sklearn").asDouble(), d.aucA(), EPS);
            assertEquals(c.get("auc_b_sklearn").asDouble(), d.aucB(), EPS);
            assertEquals(c.get("var_a").asDouble(), d.varianceA(), EPS);
            assertEquals(c.get("var_b").asDouble(), d.varianceB(), EPS);
            assertEquals(c.get("cov").asDouble(), d.covariance(), EPS);
            assertEquals(c.get("z").asDouble(), d.z(), EPS);
            assertEquals(c.get("p").asDouble(), d.p(), EPS);
        }
    }

    @Test
    void identicalClassifiersAreNotDifferent() {
        double[] s = {0.1, 0.4, 0.35, 0.8, 0.8, 0.2};
        boolean[] pos = {false, true, false, true, false, true};
        DeLong.Comparison d = DeLong.compare(s, s, pos);
        assertEquals(d.aucA(), d.aucB());
        assertEquals(1.0, d.p());
    }

    @Test
    void holmEqualsItsDefinition() throws Exception {
        JsonNode f = fixture("delong.json");
        assertArrayEquals(doubles(f.get("holm_adjusted")), Holm.adjust(doubles(f.get("holm_p"))), EPS);
        double[] withNaN = Holm.adjust(new double[] {0.01, Double.NaN, 0.04});
        assertEquals(0.02, withNaN[0], EPS);
        assertTrue(Double.isNaN(withNaN[1]));
        assertEquals(0.04, withNaN[2], EPS);
    }

    @Test
    void bootstrapIsSeededAndResamplesWholeClusters() {
        int[] cluster = {0, 0, 1, 2, 2, 2, 3};
        Bootstrap a = Bootstrap.overClusters(cluster, 200, 7);
        double[][] ra = a.run(w -> {
            // recordings of one patient always carry the same weight
            assertEquals(w[0], w[1]);
            assertEquals(w[3], w[4]);
            assertEquals(w[4], w[5]);
            int clusters = w[0] + w[2] + w[3] + w[6];
            assertEquals(4, clusters);
            return new double[] {w[0], w[2], w[3], w[6]};
        });
        double[][] rb = Bootstrap.overClusters(cluster, 200, 7).run(w -> new double[] {w[0], w[2], w[3], w[6]});
        for (int b = 0; b < 200; b++) {
            assertArrayEquals(ra[b], rb[b]);
        }
    }

    @Test
    void pairedBootstrapFindsARealDifferenceAndNotANullOne() {
        Random r = new Random(1);
        int n = 300;
        boolean[][] truth = new boolean[n][2];
        double[][] good = new double[n][2];
        double[][] noise = new double[n][2];
        double[][] noise2 = new double[n][2];
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(2);
            truth[i][t] = true;
            double g = t == 1 ? 0.75 : 0.25;
            double x = Math.min(1, Math.max(0, g + 0.2 * r.nextGaussian()));
            good[i] = new double[] {1 - x, x};
            double y = r.nextDouble();
            noise[i] = new double[] {1 - y, y};
            double z = r.nextDouble();
            noise2[i] = new double[] {1 - z, z};
        }
        WeightedMetrics wg = new WeightedMetrics(truth, good, false, 0.5);
        WeightedMetrics wn = new WeightedMetrics(truth, noise, false, 0.5);
        WeightedMetrics wn2 = new WeightedMetrics(truth, noise2, false, 0.5);
        double[][] d = Bootstrap.overRecordings(n, 500, 3).run(w -> new double[] {
            wg.all(w)[0] - wn.all(w)[0], wn2.all(w)[0] - wn.all(w)[0]});
        assertTrue(Bootstrap.pValue(Bootstrap.column(d, 0)) < 0.01);
        assertTrue(Bootstrap.pValue(Bootstrap.column(d, 1)) > 0.05);
    }
}
