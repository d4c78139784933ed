package org.exchangeai.core.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.comparison.CrossValidation;
import org.exchangeai.core.comparison.FoldResult;
import org.exchangeai.core.comparison.Folds;
import org.exchangeai.core.comparison.Leaderboard;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.TrainingConfig;

/**
 * Cost of the comparison's statistics alone ({@code Leaderboard.of}: 2,000 bootstrap resamples of
 * macro/weighted F1, macro AUC and accuracy for every candidate, paired differences, DeLong per class,
 * Holm) on 10,000 out-of-fold predictions × 5 classes, synthetic and seeded, for 2 and 3 candidates.
 * Each case runs 5 times after 2 warm-up runs; the median wall time (the resamples are evaluated on
 * every core) and the median CPU time of the whole process are reported.
 *
 * <p>Run: {@code ./mvnw -B -q -o -pl core test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test} then
 * {@code java -cp core/target/test-classes:core/target/classes:$(cat core/target/test.cp)
 * org.exchangeai.core.bench.StatisticsBench}.
 */
public final class StatisticsBench {

    public static void main(String[] args) {
        int n = 10_000;
        int k = 5;
        for (int candidates : new int[] {2, 3}) {
            CrossValidation.Result r = synthetic(n, k, candidates, 5);
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            double[] t = new double[7];
            double[] cpu = new double[7];
            Leaderboard b = null;
            for (int run = 0; run < t.length; run++) {
                long t0 = System.nanoTime();
                long c0 = os.getProcessCpuTime();
                b = Leaderboard.of(r, 2000, 1, 0.95);
                t[run] = (System.nanoTime() - t0) / 1e9;
                cpu[run] = (os.getProcessCpuTime() - c0) / 1e9;
            }
            System.out.printf(Locale.ROOT, "%d recordings x %d classes, %d candidates, 2000 resamples: median wall %.3f s, "
                    + "median process CPU %.3f s on %d cores (wall runs %s); leader %s, group %s%n", n, k, candidates, median(t), median(cpu),
                    Runtime.getRuntime().availableProcessors(), Arrays.toString(t), b.leader(), b.indistinguishable());
        }
    }

    private static double median(double[] runs) {
        double[] timed = Arrays.copyOfRange(runs, 2, runs.length);
        Arrays.sort(timed);
        return timed[timed.length / 2];
    }

    /** Candidates of decreasing skill on single-label data with 5 classes; recordings in pairs per patient. */
    static CrossValidation.Result synthetic(int n, int k, int candidates, int folds) {
        Random random = new Random(11);
        List<String> ids = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add("C" + c);
        }
        for (int i = 0; i < n; i++) {
            ids.add("r" + i);
            labels.add(List.of(classes.get(random.nextInt(k))));
            patients.add("p" + i / 2);
        }
        List<String> strata = labels.stream().map(l -> l.get(0)).toList();
        Folds f = Folds.stratified(strata, patients, folds, 42);
        List<String> names = new ArrayList<>();
        List<FoldResult> runs = new ArrayList<>();
        for (int c = 0; c < candidates; c++) {
            String name = "candidate" + c;
            names.add(name);
            double skill = 1.5 - 0.2 * c;
            for (int fold = 0; fold < folds; fold++) {
                int[] test = f.test(fold);
                double[][] p = new double[test.length][k];
                for (int t = 0; t < test.length; t++) {
                    int truth = classes.indexOf(labels.get(test[t]).get(0));
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        p[t][j] = Math.exp(random.nextGaussian() + (j == truth ? skill : 0));
                        sum += p[t][j];
                    }
                    for (int j = 0; j < k; j++) {
                        p[t][j] /= sum;
                    }
                }
                runs.add(new FoldResult(name, 42, 1.0, fold, n - test.length, test, p, 0, 0, 0));
            }
        }
        Map<Long, Folds> byseed = new HashMap<>();
        byseed.put(42L, f);
        CrossValidation.Settings s = new CrossValidation.Settings(folds, List.of(42L), List.of(1.0),
                TrainingConfig.defaults(Method.SCRATCH));
        return new CrossValidation.Result(ids, labels, patients, classes, false, names, s, byseed, runs, true);
    }
}
