package org.exchangeai.core.signal;

/**
 * Per-lead outlier clipping of the original platform: {@code q1}, {@code q3} are the 1 % and 99 %
 * nearest-rank quantiles (sorted index {@code round(q*(n-1))}, 0-based, half away from zero, like
 * polars {@code quantile(q, 'nearest')}); samples are clipped to
 * {@code [q1 - 1.5*(q3-q1), q3 + 1.5*(q3-q1)]}.
 */
public final class Outliers {

    public static final double LOW_QUANTILE = 0.01;
    public static final double HIGH_QUANTILE = 0.99;
    public static final double FENCE = 1.5;

    private Outliers() {
    }

    /** 0-based sorted index of the nearest-rank quantile {@code q} of {@code n} values. */
    public static int nearestRankIndex(int n, double q) {
        if (n < 1 || !(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("need n >= 1 and 0 <= q <= 1, got n=" + n + ", q=" + q);
        }
        // q*(n-1) >= 0, so floor(v + 0.5) rounds half away from zero
        return (int) Math.floor(q * (n - 1) + 0.5);
    }

    /** The nearest-rank quantile {@code q} of {@code x} (not modified). */
    public static double quantile(double[] x, double q) {
        return Select.rank(x, nearestRankIndex(x.length, q));
    }

    /** {@code {lower, upper}} clipping fences of one lead. */
    public static double[] fences(double[] x) {
        int n = x.length;
        double q1 = Select.rank(x, nearestRankIndex(n, LOW_QUANTILE));
        double q3 = Select.rank(x, nearestRankIndex(n, HIGH_QUANTILE));
        double iqr = q3 - q1;
        return new double[] {q1 - FENCE * iqr, q3 + FENCE * iqr};
    }

    /** Clips one lead in place to its {@link #fences}. Empty leads are left alone. */
    public static void clipInPlace(double[] x) {
        if (x.length == 0) {
            return;
        }
        double[] f = fences(x);
        double lo = f[0];
        double hi = f[1];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            if (v < lo) {
                x[i] = lo;
            } else if (v > hi) {
                x[i] = hi;
            }
        }
    }

    /** Clips every lead in place, each to its own fences. */
    public static void clipInPlace(double[][] leads) {
        for (double[] lead : leads) {
            clipInPlace(lead);
        }
    }

    /** A clipped copy. */
    public static double[][] clip(double[][] leads) {
        double[][] y = Scale.copy(leads);
        clipInPlace(y);
        return y;
    }
}
