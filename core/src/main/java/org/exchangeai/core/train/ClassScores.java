package org.exchangeai.core.train;

/**
 * F1 scores as scikit-learn computes them for the original platform: per class from true/false
 * positives, 0 where undefined; macro = unweighted mean over the classes that occur in the truth or the
 * predictions, weighted = mean weighted by true support.
 */
public final class ClassScores {

    private ClassScores() {
    }

    /** Single-label: {@code truth[i]}, {@code predicted[i]} are class indices in [0, classes). */
    public static double[] f1MacroWeighted(int[] truth, int[] predicted, int classes) {
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i]) {
                tp[truth[i]]++;
            } else {
                fp[predicted[i]]++;
                fn[truth[i]]++;
            }
        }
        return combine(tp, fp, fn);
    }

    /** Multi-label: {@code truth[i][k]}, {@code predicted[i][k]} per class (threshold already applied). */
    public static double[] f1MacroWeighted(boolean[][] truth, boolean[][] predicted, int classes) {
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        for (int i = 0; i < truth.length; i++) {
            for (int k = 0; k < classes; k++) {
                if (truth[i][k] && predicted[i][k]) {
                    tp[k]++;
                } else if (predicted[i][k]) {
                    fp[k]++;
                } else if (truth[i][k]) {
                    fn[k]++;
                }
            }
        }
        return combine(tp, fp, fn);
    }

    private static double[] combine(long[] tp, long[] fp, long[] fn) {
        double macro = 0;
        int present = 0;
        double weighted = 0;
        long support = 0;
        for (int k = 0; k < tp.length; k++) {
            long s = tp[k] + fn[k];
            if (s + fp[k] == 0) {
                continue;
            }
            double denom = 2.0 * tp[k] + fp[k] + fn[k];
            double f1 = denom == 0 ? 0 : 2.0 * tp[k] / denom;
            macro += f1;
            present++;
            weighted += f1 * s;
            support += s;
        }
        return new double[] {present == 0 ? 0 : macro / present, support == 0 ? 0 : weighted / support};
    }
}
