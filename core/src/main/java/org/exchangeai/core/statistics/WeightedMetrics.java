package org.exchangeai.core.statistics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Macro/weighted F1, accuracy and macro AUC of fixed predictions under integer recording weights, for
 * bootstrapping: weight w counts a recording w times, so the numbers equal scikit-learn's on the list
 * with every recording repeated w times ({@code f1_score(average='macro'|'weighted', zero_division=0)},
 * {@code accuracy_score}, {@code roc_auc_score} one-vs-rest per class, macro mean over classes that have
 * positives and negatives), and with all weights 1 they equal {@code eval.Metrics}. Predictions are
 * fixed once: the highest score for single-label data (the first on ties), score ≥ threshold per class
 * for multi-label data. Per-class score orders are sorted once, so one resample costs O(n · classes).
 */
public final class WeightedMetrics {

    /** Indices of the values {@link #all} returns. */
    public static final int MACRO_F1 = 0;
    public static final int WEIGHTED_F1 = 1;
    public static final int MACRO_AUC = 2;
    public static final int ACCURACY = 3;
    public static final String[] NAMES = {"macro_f1", "weighted_f1", "macro_auc", "accuracy"};

    private final int n;
    private final int k;
    private final boolean[][] truth;
    private final boolean[][] predicted;
    private final boolean[] correct;
    private final int[][] order;
    private final boolean[][] tieWithNext;
    // class-major copies so the per-resample loops run through memory in order
    private final boolean[][] truthByClass;
    private final boolean[][] predictedByClass;
    private final boolean[][] positiveInOrder;

    /**
     * @param truth {@code [recording][class]} true labels (exactly one per recording for single-label data)
     * @param scores {@code [recording][class]} probabilities
     * @param multiLabel predictions by threshold instead of the highest score
     */
    public WeightedMetrics(boolean[][] truth, double[][] scores, boolean multiLabel, double threshold) {
        n = truth.length;
        if (scores.length != n || n == 0) {
            throw new IllegalArgumentException("need the same positive number of truth rows and score rows, got "
                    + n + " and " + scores.length);
        }
        k = scores[0].length;
        this.truth = truth;
        predicted = new boolean[n][k];
        correct = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (scores[i].length != k || truth[i].length != k) {
                throw new IllegalArgumentException("recording " + i + " has " + scores[i].length + " scores and "
                        + truth[i].length + " truth columns, expected " + k);
            }
            if (multiLabel) {
                for (int c = 0; c < k; c++) {
                    predicted[i][c] = scores[i][c] >= threshold;
                }
            } else {
                int best = 0;
                for (int c = 1; c < k; c++) {
                    if (scores[i][c] > scores[i][best]) {
                        best = c;
                    }
                }
                predicted[i][best] = true;
            }
            correct[i] = Arrays.equals(predicted[i], truth[i]);
        }
        truthByClass = new boolean[k][n];
        predictedByClass = new boolean[k][n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                truthByClass[c][i] = truth[i][c];
                predictedByClass[c][i] = predicted[i][c];
            }
        }
        positiveInOrder = new boolean[k][n];
        order = new int[k][];
        tieWithNext = new boolean[k][n];
        for (int c = 0; c < k; c++) {
            final int cc = c;
            order[c] = java.util.stream.IntStream.range(0, n).boxed()
                    .sorted(Comparator.comparingDouble(i -> scores[i][cc])).mapToInt(Integer::intValue).toArray();
            for (int r = 0; r < n; r++) {
                positiveInOrder[c][r] = truth[order[c][r]][c];
            }
            for (int r = 0; r + 1 < n; r++) {
                tieWithNext[c][r] = scores[order[c][r]][c] == scores[order[c][r + 1]][c];
            }
        }
    }

    public int size() {
        return n;
    }

    public int classes() {
        return k;
    }

    /** All weights 1: the numbers of the predictions as they are. */
    public double[] all() {
        int[] w = new int[n];
        Arrays.fill(w, 1);
        return all(w);
    }

    /** {macro F1, weighted F1, macro AUC, accuracy} under the weights (see the index constants). */
    public double[] all(int[] w) {
        double[] f1 = new double[k];
        double[] support = new double[k];
        double totalSupport = 0;
        for (int c = 0; c < k; c++) {
            double tp = 0;
            double fp = 0;
            double fn = 0;
            boolean[] tc = truthByClass[c];
            boolean[] pc = predictedByClass[c];
            for (int i = 0; i < n; i++) {
                int wi = w[i];
                if (wi == 0) {
                    continue;
                }
                boolean t = tc[i];
                boolean p = pc[i];
                if (t && p) {
                    tp += wi;
                } else if (p) {
                    fp += wi;
                } else if (t) {
                    fn += wi;
                }
            }
            double denom = 2 * tp + fp + fn;
            f1[c] = denom == 0 ? 0 : 2 * tp / denom;
            support[c] = tp + fn;
            totalSupport += support[c];
        }
        double macro = 0;
        double weighted = 0;
        for (int c = 0; c < k; c++) {
            macro += f1[c] / k;
            weighted += totalSupport == 0 ? 0 : f1[c] * support[c] / totalSupport;
        }
        double right = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += w[i];
            if (correct[i]) {
                right += w[i];
            }
        }
        return new double[] {macro, weighted, macroAuc(w), total == 0 ? Double.NaN : right / total};
    }

    /** Mean one-vs-rest AUC over the classes with weighted positives and negatives; NaN when none has both. */
    public double macroAuc(int[] w) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < k; c++) {
            double a = auc(c, w);
            if (!Double.isNaN(a)) {
                sum += a;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * One-vs-rest AUC of class {@code c} under the weights (Mann-Whitney: each positive–negative pair
     * scores 1 when the positive is higher, ½ on a tie); NaN without positives or negatives.
     */
    public double auc(int c, int[] w) {
        int[] o = order[c];
        boolean[] tie = tieWithNext[c];
        boolean[] positive = positiveInOrder[c];
        double negativesBelow = 0;
        double pairs = 0;
        double positives = 0;
        int r = 0;
        while (r < n) {
            double pos = 0;
            double neg = 0;
            int s = r;
            do {
                int wi = w[o[s]];
                if (positive[s]) {
                    pos += wi;
                } else {
                    neg += wi;
                }
                s++;
            } while (tie[s - 1] && s < n);
            pairs += pos * (negativesBelow + 0.5 * neg);
            negativesBelow += neg;
            positives += pos;
            r = s;
        }
        double negatives = negativesBelow;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return pairs / (positives * negatives);
    }
}
