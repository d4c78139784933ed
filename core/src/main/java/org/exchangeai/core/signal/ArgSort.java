package org.exchangeai.core.signal;

/** Sorts primitive double keys together with an int payload (no boxing), by {@link Double#compare}. */
final class ArgSort {

    private static final int INSERTION = 24;

    private ArgSort() {
    }

    /** Sorts {@code keys[lo..hi]} ascending, moving {@code payload} along. Not stable. */
    static void sort(double[] keys, int[] payload, int lo, int hi) {
        while (hi - lo >= INSERTION) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(keys[mid], keys[lo]) < 0) {
                swap(keys, payload, mid, lo);
            }
            if (Double.compare(keys[hi], keys[lo]) < 0) {
                swap(keys, payload, hi, lo);
            }
            if (Double.compare(keys[hi], keys[mid]) < 0) {
                swap(keys, payload, hi, mid);
            }
            double pivot = keys[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Double.compare(keys[i], pivot) < 0) {
                    i++;
                }
                while (Double.compare(keys[j], pivot) > 0) {
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
            while (b >= lo && Double.compare(keys[b], k) > 0) {
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
