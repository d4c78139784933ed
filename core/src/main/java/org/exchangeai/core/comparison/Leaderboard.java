package org.exchangeai.core.comparison;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.statistics.Bootstrap;
import org.exchangeai.core.statistics.DeLong;
import org.exchangeai.core.statistics.Holm;
import org.exchangeai.core.statistics.WeightedMetrics;

/**
 * The numbers a user chooses a candidate by, from the out-of-fold predictions of a
 * {@link CrossValidation}: pooled metrics with bootstrap intervals, per-fold mean ± SD, paired
 * comparisons with the leader (paired bootstrap of the macro F1 and macro AUC differences, DeLong per
 * class), Holm-corrected, the group that cannot be told apart from the leader, and learning curves.
 *
 * <p>With several seeds a recording's out-of-fold probabilities are averaged over the seeds before
 * pooling, so every recording is counted once. The bootstrap resamples patients when they are known
 * (recordings otherwise), the same resamples for every candidate, so differences are paired. The leader
 * has the highest pooled macro F1; a candidate is indistinguishable from it when the Holm-corrected
 * (over the candidates) paired bootstrap p-value of the macro F1 difference is at least 5 %.
 *
 * @param classes class order of every per-class list
 * @param recordings recordings pooled (predicted by every candidate in every repetition)
 * @param clusters bootstrap units: patients when known, else recordings
 * @param rows one per candidate, best pooled macro F1 first
 * @param curve learning-curve points, per candidate and fraction
 * @param conclusion what the numbers allow to conclude, in one sentence
 */
public record Leaderboard(List<String> classes, boolean multiLabel, int recordings, int clusters, boolean byPatient,
        int folds, List<Long> seeds, int resamples, long bootstrapSeed, double level, double alpha, List<Row> rows,
        String leader, List<String> indistinguishable, List<CurvePoint> curve, String conclusion) {

    /**
     * One metric of one candidate.
     *
     * @param value on the pooled out-of-fold predictions
     * @param low lower bound of the bootstrap percentile interval
     * @param high upper bound
     * @param foldMean mean over the folds (and seeds) of the metric on each fold's validation part
     * @param foldSd sample standard deviation of those
     */
    public record Metric(double value, double low, double high, double foldMean, double foldSd) {
    }

    /**
     * This candidate minus the leader on the same recordings.
     *
     * @param p two-sided paired bootstrap p-value
     * @param pHolm Holm-corrected over the candidates compared with the leader
     */
    public record Difference(double difference, double low, double high, double p, double pHolm) {
    }

    /**
     * DeLong's test of one class's AUC, this candidate against the leader.
     *
     * @param pHolm Holm-corrected over every candidate and class
     */
    public record ClassTest(String className, double auc, double leaderAuc, double z, double p, double pHolm) {
    }

    /**
     * @param metrics by name ({@link WeightedMetrics#NAMES})
     * @param macroF1VsLeader null for the leader
     * @param macroAucVsLeader null for the leader
     * @param delong per class; empty for the leader
     * @param trainingSeconds summed over the folds at the full training part
     */
    public record Row(String candidate, int rank, Map<String, Metric> metrics, Difference macroF1VsLeader,
            Difference macroAucVsLeader, List<ClassTest> delong, boolean leader, boolean indistinguishable,
            double trainingSeconds) {
    }

    /**
     * @param fraction share of each fold's training part
     * @param trainRecordings mean number of training recordings per fold
     */
    public record CurvePoint(String candidate, double fraction, double trainRecordings, double macroF1, double low,
            double high, double macroAuc) {
    }

    /** Computes the leaderboard with {@code resamples} bootstrap resamples at the given confidence level. */
    public static Leaderboard of(CrossValidation.Result cv, int resamples, long seed, double level) {
        double alpha = Math.round((1 - level) * 1e9) / 1e9; // 0.05, not 0.050000000000000044
        List<String> names = cv.candidates();
        int n = cv.ids().size();
        int k = cv.classes().size();
        boolean[][] truthAll = new boolean[n][k];
        for (int i = 0; i < n; i++) {
            for (String l : cv.labels().get(i)) {
                truthAll[i][cv.classes().indexOf(l)] = true;
            }
        }
        List<Double> fractions = cv.settings().fractions();
        // pooled probabilities per candidate and fraction, averaged over seeds; count of seeds that predicted
        Map<String, double[][]> sum = new HashMap<>();
        Map<String, int[]> count = new HashMap<>();
        Map<String, List<double[]>> perFold = new HashMap<>();
        Map<String, double[]> trainSizes = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        for (FoldResult r : cv.runs()) {
            String key = r.candidate() + "@" + r.fraction();
            double[][] s = sum.computeIfAbsent(key, x -> new double[n][k]);
            int[] c = count.computeIfAbsent(key, x -> new int[n]);
            for (int t = 0; t < r.test().length; t++) {
                int i = r.test()[t];
                for (int j = 0; j < k; j++) {
                    s[i][j] += r.probabilities()[t][j];
                }
                c[i]++;
            }
            if (r.test().length > 0) {
                boolean[][] tt = new boolean[r.test().length][];
                for (int t = 0; t < tt.length; t++) {
                    tt[t] = truthAll[r.test()[t]];
                }
                perFold.computeIfAbsent(key, x -> new ArrayList<>())
                        .add(new WeightedMetrics(tt, r.probabilities(), cv.multiLabel(), 0.5).all());
            }
            double[] ts = trainSizes.computeIfAbsent(key, x -> new double[2]);
            ts[0] += r.trainSize();
            ts[1]++;
            if (r.fraction() == 1.0) {
                seconds.merge(r.candidate(), r.seconds(), Double::sum);
            }
        }
        int seeds = cv.settings().seeds().size();
        // recordings every candidate predicted in every repetition at every fraction
        boolean[] keep = new boolean[n];
        Arrays.fill(keep, true);
        for (String name : names) {
            for (double f : fractions) {
                int[] c = count.get(name + "@" + f);
                for (int i = 0; i < n; i++) {
                    keep[i] &= c != null && c[i] == seeds;
                }
            }
        }
        int[] index = java.util.stream.IntStream.range(0, n).filter(i -> keep[i]).toArray();
        int m = index.length;
        if (m == 0) {
            throw new IllegalStateException("no recording has out-of-fold predictions from every candidate yet");
        }
        boolean[][] truth = new boolean[m][];
        for (int t = 0; t < m; t++) {
            truth[t] = truthAll[index[t]];
        }
        Folds first = cv.folds().get(cv.settings().seeds().get(0));
        boolean byPatient = cv.patients() != null && cv.patients().stream().anyMatch(p -> p != null && !p.isBlank());
        int[] cluster = new int[m];
        Map<Integer, Integer> dense = new HashMap<>();
        for (int t = 0; t < m; t++) {
            cluster[t] = dense.computeIfAbsent(first.group()[index[t]], g -> dense.size());
        }
        Bootstrap bootstrap = Bootstrap.overClusters(cluster, resamples, seed);

        // pooled metrics of every candidate at every fraction, from the same resamples
        List<String> keys = new ArrayList<>();
        List<WeightedMetrics> scored = new ArrayList<>();
        Map<String, double[][]> pooled = new HashMap<>();
        for (String name : names) {
            for (double f : fractions) {
                String key = name + "@" + f;
                double[][] s = sum.get(key);
                double[][] p = new double[m][k];
                for (int t = 0; t < m; t++) {
                    for (int j = 0; j < k; j++) {
                        p[t][j] = s[index[t]][j] / seeds;
                    }
                }
                keys.add(key);
                pooled.put(key, p);
                scored.add(new WeightedMetrics(truth, p, cv.multiLabel(), 0.5));
            }
        }
        int metricsPer = WeightedMetrics.NAMES.length;
        double[][] boot = bootstrap.run(w -> {
            double[] out = new double[scored.size() * metricsPer];
            for (int s = 0; s < scored.size(); s++) {
                System.arraycopy(scored.get(s).all(w), 0, out, s * metricsPer, metricsPer);
            }
            return out;
        });

        // leader by pooled macro F1 on the whole training part
        Map<String, double[]> point = new LinkedHashMap<>();
        for (int s = 0; s < keys.size(); s++) {
            point.put(keys.get(s), scored.get(s).all());
        }
        String leader = names.get(0);
        for (String name : names) {
            if (point.get(name + "@1.0")[WeightedMetrics.MACRO_F1] > point.get(leader + "@1.0")[WeightedMetrics.MACRO_F1]) {
                leader = name;
            }
        }
        int leaderCol = keys.indexOf(leader + "@1.0") * metricsPer;

        // paired differences and DeLong
        final String lead = leader;
        List<String> others = names.stream().filter(x -> !x.equals(lead)).toList();
        double[] pF1 = new double[others.size()];
        double[] pAuc = new double[others.size()];
        Map<String, double[][]> diffs = new HashMap<>();
        for (int o = 0; o < others.size(); o++) {
            int col = keys.indexOf(others.get(o) + "@1.0") * metricsPer;
            double[] dF1 = new double[resamples];
            double[] dAuc = new double[resamples];
            for (int b = 0; b < resamples; b++) {
                dF1[b] = boot[b][col + WeightedMetrics.MACRO_F1] - boot[b][leaderCol + WeightedMetrics.MACRO_F1];
                dAuc[b] = boot[b][col + WeightedMetrics.MACRO_AUC] - boot[b][leaderCol + WeightedMetrics.MACRO_AUC];
            }
            diffs.put(others.get(o), new double[][] {dF1, dAuc});
            pF1[o] = Bootstrap.pValue(dF1);
            pAuc[o] = Bootstrap.pValue(dAuc);
        }
        double[] hF1 = Holm.adjust(pF1);
        double[] hAuc = Holm.adjust(pAuc);
        double[][] leaderP = pooled.get(leader + "@1.0");
        List<double[]> delongRaw = new ArrayList<>();
        double[] delongP = new double[others.size() * k];
        for (int o = 0; o < others.size(); o++) {
            double[][] p = pooled.get(others.get(o) + "@1.0");
            for (int j = 0; j < k; j++) {
                boolean[] pos = new boolean[m];
                double[] a = new double[m];
                double[] b = new double[m];
                int npos = 0;
                for (int t = 0; t < m; t++) {
                    pos[t] = truth[t][j];
                    npos += pos[t] ? 1 : 0;
                    a[t] = p[t][j];
                    b[t] = leaderP[t][j];
                }
                if (npos == 0 || npos == m) {
                    delongRaw.add(new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
                    delongP[o * k + j] = Double.NaN;
                } else {
                    DeLong.Comparison d = DeLong.compare(a, b, pos);
                    delongRaw.add(new double[] {d.aucA(), d.aucB(), d.z(), d.p()});
                    delongP[o * k + j] = d.p();
                }
            }
        }
        double[] delongHolm = Holm.adjust(delongP);

        List<Row> rows = new ArrayList<>();
        List<String> group = new ArrayList<>();
        for (String name : names) {
            String key = name + "@1.0";
            int col = keys.indexOf(key) * metricsPer;
            Map<String, Metric> metrics = new LinkedHashMap<>();
            List<double[]> folds = perFold.getOrDefault(key, List.of());
            for (int j = 0; j < metricsPer; j++) {
                Bootstrap.Interval ci = Bootstrap.percentile(Bootstrap.column(boot, col + j), level);
                final int jj = j;
                double[] fv = folds.stream().mapToDouble(v -> v[jj]).filter(Double::isFinite).toArray();
                metrics.put(WeightedMetrics.NAMES[j], new Metric(point.get(key)[j], ci.low(), ci.high(), mean(fv), sd(fv)));
            }
            boolean isLeader = name.equals(leader);
            Difference f1 = null;
            Difference auc = null;
            List<ClassTest> tests = new ArrayList<>();
            boolean same = isLeader;
            if (!isLeader) {
                int o = others.indexOf(name);
                double[][] d = diffs.get(name);
                Bootstrap.Interval ci1 = Bootstrap.percentile(d[0], level);
                Bootstrap.Interval ci2 = Bootstrap.percentile(d[1], level);
                f1 = new Difference(point.get(key)[WeightedMetrics.MACRO_F1] - point.get(leader + "@1.0")[WeightedMetrics.MACRO_F1],
                        ci1.low(), ci1.high(), pF1[o], hF1[o]);
                auc = new Difference(point.get(key)[WeightedMetrics.MACRO_AUC] - point.get(leader + "@1.0")[WeightedMetrics.MACRO_AUC],
                        ci2.low(), ci2.high(), pAuc[o], hAuc[o]);
                for (int j = 0; j < k; j++) {
                    double[] r = delongRaw.get(o * k + j);
                    tests.add(new ClassTest(cv.classes().get(j), r[0], r[1], r[2], r[3], delongHolm[o * k + j]));
                }
                same = !(hF1[o] < alpha);
            }
            if (same) {
                group.add(name);
            }
            rows.add(new Row(name, 0, metrics, f1, auc, tests, isLeader, same, seconds.getOrDefault(name, 0.0)));
        }
        rows.sort((a, b) -> Double.compare(b.metrics().get("macro_f1").value(), a.metrics().get("macro_f1").value()));
        List<Row> ranked = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            Row x = rows.get(r);
            ranked.add(new Row(x.candidate(), r + 1, x.metrics(), x.macroF1VsLeader(), x.macroAucVsLeader(), x.delong(),
                    x.leader(), x.indistinguishable(), x.trainingSeconds()));
        }
        List<CurvePoint> curve = new ArrayList<>();
        for (String name : names) {
            for (double f : fractions) {
                String key = name + "@" + f;
                int col = keys.indexOf(key) * metricsPer;
                Bootstrap.Interval ci = Bootstrap.percentile(Bootstrap.column(boot, col + WeightedMetrics.MACRO_F1), level);
                double[] ts = trainSizes.get(key);
                curve.add(new CurvePoint(name, f, ts[0] / ts[1], point.get(key)[WeightedMetrics.MACRO_F1], ci.low(),
                        ci.high(), point.get(key)[WeightedMetrics.MACRO_AUC]));
            }
        }
        List<String> orderedGroup = ranked.stream().filter(Row::indistinguishable).map(Row::candidate).toList();
        return new Leaderboard(cv.classes(), cv.multiLabel(), m, dense.size(), byPatient, cv.settings().folds(),
                cv.settings().seeds(), resamples, seed, level, alpha, ranked, leader, orderedGroup, curve,
                conclusion(ranked, orderedGroup, level, m, dense.size(), byPatient));
    }

    /** The one sentence the page and the command line print. */
    static String conclusion(List<Row> rows, List<String> group, double level, int recordings, int clusters,
            boolean byPatient) {
        Row top = rows.get(0);
        Metric f1 = top.metrics().get("macro_f1");
        String head = String.format(Locale.ROOT, "%s has the highest cross-validated macro F1 (%.3f, %d %% CI %.3f–%.3f, %d %s)",
                top.candidate(), f1.value(), Math.round(level * 100), f1.low(), f1.high(), byPatient ? clusters : recordings,
                byPatient ? "patients" : "recordings");
        if (rows.size() == 1) {
            return head + ".";
        }
        if (group.size() == 1) {
            return head + " and is significantly better than every other candidate (paired bootstrap, Holm-corrected, 5 %).";
        }
        List<String> tied = group.stream().filter(x -> !x.equals(top.candidate())).toList();
        return head + ", but " + String.join(", ", tied) + (tied.size() == 1 ? " is" : " are")
                + " not significantly worse (paired bootstrap, Holm-corrected, 5 %): these data cannot tell "
                + (group.size() == 2 ? "the two" : "them") + " apart, so choose among them by size or speed, or label more recordings.";
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double sd(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double mu = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mu) * (x - mu)).sum() / (v.length - 1));
    }
}
