package org.exchangeai.core.signal;

/**
 * Sorts primitive double keys together with an int payload (no boxing). Keys must not be NaN;
 * {@code -0.0} and {@code 0.0} count as equal.
 */
final class ArgSort {

    private static final int INSERTION = 24;

    private ArgSort() {
    }

    /** Sorts {@code keys[lo..hi]} ascending, moving {@code payload} along. Not stable. */
    static void sort(double[] keys, int[] payload, int lo, int hi) {
        while (hi - lo >= INSERTION) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < keys[lo]) {
                swap(keys, payload, mid, lo);
            }
            if (keys[hi] < keys[lo]) {
                swap(keys, payload, hi, lo);
            }
            if (keys[hi] < keys[mid]) {
                swap(keys, payload, hi, mid);
            }
            double pivot = keys[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(keys, payload, i, j);
                    i++;
                    j--;
                }
            }
            // recurse into the smaller part, loop on the larger: stack depth O(log n)
            if (j - lo < hi - i) {
                sort(keys, payload, lo, j);
                lo = i;
            } else {
                sort(keys, payload, i, hi);
                hi = j;
            }
        }
        for (int a = lo + 1; a <= hi; a++) {
            double k = keys[a];
            int p = payload[a];
            int b = a - 1;
            while (b >= lo && keys[b] > k) {
                keys[b + 1] = keys[b];
                payload[b + 1] = payload[b];
                b--;
            }
            keys[b + 1] = k;
            payload[b + 1] = p;
        }
    }

    private static void swap(double[] keys, int[] payload, int i, int j) {
        double t = keys[i];
        keys[i] = keys[j];
        keys[j] = t;
        int p = payload[i];
        payload[i] = payload[j];
        payload[j] = p;
    }
}
