package org.exchangeai.core.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes an {@link Evaluation} from true labels and class probabilities. The numbers follow
 * scikit-learn: {@code precision_recall_fscore_support(labels=classes, zero_division=0)},
 * {@code f1_score(average='macro'|'weighted')}, {@code accuracy_score}, {@code roc_curve},
 * {@code roc_auc_score} one-vs-rest per class. True labels outside the classifier's classes count
 * as negatives for every known class, so a model is charged for calling them anything.
 */
public final class Metrics {

    private Metrics() {
    }

    /**
     * Single-label evaluation: the prediction is the class with the highest probability
     * (the first on ties).
     *
     * @param classes the classifier's classes in output order
     * @param truth   one true label per sample
     * @param probs   {@code [sample][class]} probabilities
     */
    public static Evaluation singleLabel(List<String> classes, List<String> truth, double[][] probs) {
        check(classes, truth.size(), probs);
        int n = truth.size();
        int k = classes.size();
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = argmax(probs[i]);
        }
        List<String> rows = new ArrayList<>(classes);
        Map<String, Long> unknown = new TreeMap<>();
        for (String t : truth) {
            if (!classes.contains(t)) {
                unknown.merge(t, 1L, Long::sum);
                if (!rows.contains(t)) {
                    rows.add(t);
                }
            }
        }
        int[] trueIdx = new int[n];
        for (int i = 0; i < n; i++) {
            trueIdx[i] = rows.indexOf(truth.get(i));
        }
        ConfusionMatrix cm = ConfusionMatrix.of(rows, classes, trueIdx, predicted);
        List<ClassMetrics> per = new ArrayList<>();
        long correct = 0;
        for (int i = 0; i < n; i++) {
            if (trueIdx[i] == predicted[i]) {
                correct++;
            }
        }
        for (int c = 0; c < k; c++) {
            long tp = cm.count(c, c);
            long fp = 0;
            long fn = 0;
            for (int r = 0; r < rows.size(); r++) {
                if (r != c) {
                    fp += cm.count(r, c);
                }
            }
            for (int p = 0; p < k; p++) {
                if (p != c) {
                    fn += cm.count(c, p);
                }
            }
            per.add(new ClassMetrics(classes.get(c), true, tp, fp, fn, tp + fn));
        }
        for (Map.Entry<String, Long> e : unknown.entrySet()) {
            per.add(new ClassMetrics(e.getKey(), false, 0, 0, e.getValue(), e.getValue()));
        }
        boolean[][] positive = new boolean[k][n];
        for (int i = 0; i < n; i++) {
            if (trueIdx[i] < k) {
                positive[trueIdx[i]][i] = true;
            }
        }
        return assemble(classes, false, per, (double) correct / n, n, unknown, cm, positive, probs);
    }

    /**
     * Multi-label evaluation: a class is predicted when its probability is at least
     * {@code threshold} (0.5 for sigmoid outputs).
     *
     * @param truth one set of true labels per sample
     */
    public static Evaluation multiLabel(List<String> classes, List<Set<String>> truth, double[][] probs, double threshold) {
        check(classes, truth.size(), probs);
        int n = truth.size();
        int k = classes.size();
        Map<String, Long> unknown = new TreeMap<>();
        boolean[][] positive = new boolean[k][n];
        long exact = 0;
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        for (int i = 0; i < n; i++) {
            boolean allRight = true;
            for (String t : truth.get(i)) {
                int c = classes.indexOf(t);
                if (c < 0) {
                    unknown.merge(t, 1L, Long::sum);
                    allRight = false;
                } else {
                    positive[c][i] = true;
                }
            }
            for (int c = 0; c < k; c++) {
                boolean pred = probs[i][c] >= threshold;
                if (pred && positive[c][i]) {
                    tp[c]++;
                } else if (pred) {
                    fp[c]++;
                    allRight = false;
                } else if (positive[c][i]) {
                    fn[c]++;
                    allRight = false;
                }
            }
            if (allRight) {
                exact++;
            }
        }
        List<ClassMetrics> per = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            per.add(new ClassMetrics(classes.get(c), true, tp[c], fp[c], fn[c], tp[c] + fn[c]));
        }
        for (Map.Entry<String, Long> e : unknown.entrySet()) {
            per.add(new ClassMetrics(e.getKey(), false, 0, 0, e.getValue(), e.getValue()));
        }
        return assemble(classes, true, per, (double) exact / n, n, unknown, null, positive, probs);
    }

    private static Evaluation assemble(List<String> classes, boolean multi, List<ClassMetrics> per, double accuracy, int n,
            Map<String, Long> unknown, ConfusionMatrix cm, boolean[][] positive, double[][] probs) {
        int k = classes.size();
        double macro = 0;
        double weighted = 0;
        long support = 0;
        for (int c = 0; c < k; c++) {
            ClassMetrics m = per.get(c);
            macro += m.f1();
            weighted += m.f1() * m.support();
            support += m.support();
        }
        macro /= k;
        weighted = support == 0 ? 0 : weighted / support;
        Map<String, RocCurve> roc = new LinkedHashMap<>();
        Map<String, Thresholds.Point[]> thresholds = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            double[] score = new double[n];
            for (int i = 0; i < n; i++) {
                score[i] = probs[i][c];
            }
            roc.put(classes.get(c), RocCurve.of(positive[c], score));
            thresholds.put(classes.get(c), Thresholds.suggest(positive[c], score));
        }
        return new Evaluation(List.copyOf(classes), multi, List.copyOf(per), macro, weighted, accuracy, n,
                Map.copyOf(unknown), cm, roc, thresholds);
    }

    private static void check(List<String> classes, int n, double[][] probs) {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no classes");
        }
        if (n == 0) {
            throw new IllegalArgumentException("nothing to evaluate: no labelled samples");
        }
        if (probs.length != n) {
            throw new IllegalArgumentException(n + " labels but " + probs.length + " predictions");
        }
        for (double[] p : probs) {
            if (p.length != classes.size()) {
                throw new IllegalArgumentException("a prediction has " + p.length + " scores for " + classes.size() + " classes");
            }
        }
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }
}
