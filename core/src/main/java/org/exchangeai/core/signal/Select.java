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
}
