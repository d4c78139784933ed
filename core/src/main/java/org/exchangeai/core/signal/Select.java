package org.exchangeai.core.signal;

/** In-place order-statistic selection on primitive doubles (expected linear time). */
final class Select {

    private Select() {
    }

    /**
     * Rearranges {@code a[lo..hi]} so that {@code a[k]} holds the value of sorted rank {@code k}, all
     * smaller-or-equal values before it and larger-or-equal after; returns {@code a[k]}. Ordering is
     * {@link Double#compare}, as in {@link java.util.Arrays#sort(double[])}.
     */
    static double kth(double[] a, int lo, int hi, int k) {
        if (k < lo || k > hi) {
            throw new IllegalArgumentException("rank " + k + " outside [" + lo + ", " + hi + "]");
        }
        while (hi > lo) {
            if (hi - lo < 16) {
                insertionSort(a, lo, hi);
                return a[k];
            }
            int mid = (lo + hi) >>> 1;
            // median of three as pivot
            if (Double.compare(a[mid], a[lo]) < 0) {
                swap(a, mid, lo);
            }
            if (Double.compare(a[hi], a[lo]) < 0) {
                swap(a, hi, lo);
            }
            if (Double.compare(a[hi], a[mid]) < 0) {
                swap(a, hi, mid);
            }
            double pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Double.compare(a[i], pivot) < 0) {
                    i++;
                }
                while (Double.compare(a[j], pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static void insertionSort(double[] a, int lo, int hi) {
        for (int i = lo + 1; i <= hi; i++) {
            double v = a[i];
            int j = i - 1;
            while (j >= lo && Double.compare(a[j], v) > 0) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * The value of 0-based sorted rank {@code k} of {@code x} (not modified). Ranks within 64 of either
     * end are found in one pass with a small sorted buffer; others by {@link #kth} on a copy.
     */
    static double rank(double[] x, int k) {
        int n = x.length;
        if (k < 0 || k >= n) {
            throw new IllegalArgumentException("rank " + k + " outside [0, " + n + ")");
        }
        if (k < 64) {
            return extreme(x, k + 1, false);
        }
        if (n - 1 - k < 64) {
            return extreme(x, n - k, true);
        }
        return kth(x.clone(), 0, n - 1, k);
    }

    /** The m-th smallest (or largest) value, 1-based, keeping the m best seen so far in order. */
    private static double extreme(double[] x, int m, boolean largest) {
        double[] buf = new double[m];
        int size = 0;
        for (double v0 : x) {
            // compare on negated values for the largest, so one code path serves both
            double v = largest ? -v0 : v0;
            if (size == m) {
                if (Double.compare(v, buf[m - 1]) >= 0) {
                    continue;
                }
                size--;
            }
            int j = size - 1;
            while (j >= 0 && Double.compare(buf[j], v) > 0) {
                buf[j + 1] = buf[j];
                j--;
            }
            buf[j + 1] = v;
            size++;
        }
        double r = buf[m - 1];
        return largest ? -r : r;
    }
}
