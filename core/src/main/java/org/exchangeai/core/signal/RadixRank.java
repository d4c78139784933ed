package org.exchangeai.core.signal;

/**
 * Ranks doubles by a least-significant-digit radix sort on the upper 32 bits of their
 * order-preserving 64-bit keys (4 passes of 8 bits, passes where every key has the same digit
 * skipped), then an insertion sort on the full keys that only has to fix the rare neighbours equal in
 * their upper halves: almost no comparisons, so few branch mispredictions on real signals. Keys must not be NaN; {@code -0.0} counts as {@code 0.0}.
 * Scratch arrays are reused across calls of one instance (not thread-safe; one per call site).
 */
final class RadixRank {

    private long[] keys;
    private long[] keys2;
    private int[] idx;
    private int[] idx2;
    private final int[] hist = new int[4 * 256];

    RadixRank(int capacity) {
        keys = new long[capacity];
        keys2 = new long[capacity];
        idx = new int[capacity];
        idx2 = new int[capacity];
    }

    /**
     * Sorts {@code values[0..n)} into {@code sorted} and writes into {@code order[r]} the position
     * (in {@code values}) of the element of rank {@code r}; equal values get distinct ranks.
     */
    void sort(double[] values, int n, double[] sorted, int[] order) {
        java.util.Arrays.fill(hist, 0);
        long[] k = keys;
        int[] p = idx;
        for (int i = 0; i < n; i++) {
            long bits = Double.doubleToRawLongBits(values[i] + 0.0);
            long key = bits ^ ((bits >> 63) | Long.MIN_VALUE);
            k[i] = key;
            p[i] = i;
            for (int d = 0; d < 4; d++) {
                hist[(d << 8) + (int) ((key >>> (32 + (d << 3))) & 0xFF)]++;
            }
        }
        long[] k2 = keys2;
        int[] p2 = idx2;
        for (int d = 0; d < 4; d++) {
            int base = d << 8;
            int shift = 32 + (d << 3);
            if (hist[base + (int) ((k[0] >>> shift) & 0xFF)] == n) {
                continue; // every key has this digit
            }
            int sum = 0;
            for (int b = 0; b < 256; b++) {
                int c = hist[base + b];
                hist[base + b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                long key = k[i];
                int dst = hist[base + (int) ((key >>> shift) & 0xFF)]++;
                k2[dst] = key;
                p2[dst] = p[i];
            }
            long[] tk = k;
            k = k2;
            k2 = tk;
            int[] tp = p;
            p = p2;
            p2 = tp;
        }
        // full-key order among keys equal in the upper 32 bits (unsigned comparison)
        for (int a = 1; a < n; a++) {
            long key = k[a];
            long biased = key + Long.MIN_VALUE;
            if (k[a - 1] + Long.MIN_VALUE <= biased) {
                continue;
            }
            int pa = p[a];
            int b = a - 1;
            while (b >= 0 && k[b] + Long.MIN_VALUE > biased) {
                k[b + 1] = k[b];
                p[b + 1] = p[b];
                b--;
            }
            k[b + 1] = key;
            p[b + 1] = pa;
        }
        for (int r = 0; r < n; r++) {
            int src = p[r];
            order[r] = src;
            sorted[r] = values[src];
        }
    }
}
