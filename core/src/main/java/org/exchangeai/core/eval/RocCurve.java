package org.exchangeai.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A one-vs-rest ROC curve with the semantics of scikit-learn's {@code roc_curve}
 * ({@code drop_intermediate=True}): one point per distinct score (ties form one step),
 * collinear intermediate points dropped, and a first point at (0, 0) with threshold +∞.
 * A sample is called positive when its score is {@code >=} the threshold.
 */
public final class RocCurve {

    private final double[] fpr;
    private final double[] tpr;
    private final double[] thresholds;
    private final long positives;
    private final long negatives;

    private RocCurve(double[] fpr, double[] tpr, double[] thresholds, long positives, long negatives) {
        this.fpr = fpr;
        this.tpr = tpr;
        this.thresholds = thresholds;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * @param positive whether each sample belongs to the class
     * @param score    the classifier's score for the class (higher means more likely)
     */
    public static RocCurve of(boolean[] positive, double[] score) {
        int n = score.length;
        if (positive.length != n) {
            throw new IllegalArgumentException(positive.length + " labels but " + n + " scores");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        // cumulative counts at the last index of each distinct score
        List<double[]> points = new ArrayList<>();
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (positive[i]) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfValue = k == n - 1 || score[order[k + 1]] != score[i];
            if (lastOfValue) {
                points.add(new double[] {fp, tp, score[i]});
            }
        }
        long pos = tp;
        long neg = fp;
        // drop points that lie on a straight line between their neighbours (sklearn's drop_intermediate)
        List<double[]> kept = new ArrayList<>();
        for (int k = 0; k < points.size(); k++) {
            if (k == 0 || k == points.size() - 1) {
                kept.add(points.get(k));
                continue;
            }
            double[] prev = points.get(k - 1);
            double[] cur = points.get(k);
            double[] next = points.get(k + 1);
            double d2fps = (next[0] - cur[0]) - (cur[0] - prev[0]);
            double d2tps = (next[1] - cur[1]) - (cur[1] - prev[1]);
            if (d2fps != 0 || d2tps != 0) {
                kept.add(cur);
            }
        }
        int m = kept.size() + 1;
        double[] f = new double[m];
        double[] t = new double[m];
        double[] th = new double[m];
        th[0] = Double.POSITIVE_INFINITY;
        for (int k = 0; k < kept.size(); k++) {
            double[] p = kept.get(k);
            f[k + 1] = neg == 0 ? Double.NaN : p[0] / neg;
            t[k + 1] = pos == 0 ? Double.NaN : p[1] / pos;
            th[k + 1] = p[2];
        }
        return new RocCurve(f, t, th, pos, neg);
    }

    public double[] fpr() {
        return fpr.clone();
    }

    public double[] tpr() {
        return tpr.clone();
    }

    public double[] thresholds() {
        return thresholds.clone();
    }

    public long positives() {
        return positives;
    }

    public long negatives() {
        return negatives;
    }

    /** Area under the curve by the trapezoidal rule; {@code NaN} when one class is absent. */
    public double auc() {
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double area = 0;
        for (int i = 1; i < fpr.length; i++) {
            area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        return area;
    }
}
