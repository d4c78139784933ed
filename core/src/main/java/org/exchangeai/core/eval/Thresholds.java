package org.exchangeai.core.eval;

import java.util.Arrays;

/**
 * Suggested decision thresholds for one class, found on labelled data:
 * the F1-maximising one (Fmax), the highest threshold that still gives 90 % sensitivity, and the
 * lowest threshold that still gives 90 % specificity. A sample is positive when score {@code >=} threshold.
 */
public final class Thresholds {

    /** One operating point. */
    public record Point(String rule, double threshold, double sensitivity, double specificity, double precision, double f1) {
    }

    private Thresholds() {
    }

    /** The three suggestions for one class, or an empty array when the data lack positives or negatives. */
    public static Point[] suggest(boolean[] positive, double[] score) {
        int n = score.length;
        long pos = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            }
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return new Point[0];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        Point fmax = null;
        Point sens90 = null;
        Point spec90 = null;
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (positive[i]) {
                tp++;
            } else {
                fp++;
            }
            if (k < n - 1 && score[order[k + 1]] == score[i]) {
                continue;
            }
            double sens = (double) tp / pos;
            double spec = 1 - (double) fp / neg;
            double prec = (double) tp / (tp + fp);
            double f1 = 2.0 * tp / (2 * tp + fp + (pos - tp));
            if (fmax == null || f1 > fmax.f1()) {
                fmax = new Point("Fmax", score[i], sens, spec, prec, f1);
            }
            if (sens90 == null && sens >= 0.9) {
                sens90 = new Point("sensitivity>=90%", score[i], sens, spec, prec, f1);
            }
            if (spec >= 0.9) {
                spec90 = new Point("specificity>=90%", score[i], sens, spec, prec, f1);
            }
        }
        if (spec90 == null) {
            // no threshold reaches 90 % specificity except calling nothing positive
            spec90 = new Point("specificity>=90%", Double.POSITIVE_INFINITY, 0, 1, 0, 0);
        }
        return new Point[] {fmax, sens90, spec90};
    }
}
