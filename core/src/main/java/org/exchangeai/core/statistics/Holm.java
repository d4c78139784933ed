package org.exchangeai.core.statistics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down correction (Holm 1979) for a family of p-values: controls the chance of any false
 * "significant" at the nominal level without assuming independence. Adjusted values equal
 * {@code statsmodels.stats.multitest.multipletests(p, method='holm')[1]}.
 */
public final class Holm {

    private Holm() {
    }

    /** Adjusted p-values in the input order; NaN entries stay NaN and do not count in the family. */
    public static double[] adjust(double[] p) {
        Integer[] order = new Integer[p.length];
        int m = 0;
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
            if (!Double.isNaN(p[i])) {
                m++;
            }
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> Double.isNaN(p[i]) ? Double.POSITIVE_INFINITY : p[i]));
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        double running = 0;
        for (int r = 0; r < m; r++) {
            int i = order[r];
            running = Math.max(running, Math.min(1.0, (m - r) * p[i]));
            out[i] = running;
        }
        return out;
    }
}
