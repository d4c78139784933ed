package org.exchangeai.core.signal;

import java.util.Arrays;

/**
 * Baseline (trend) removal. The moving median follows {@code scipy.ndimage.median_filter(x, size=w,
 * mode='reflect')}: output {@code i} is the element of sorted rank {@code w/2} among
 * {@code x[i - w/2 .. i - w/2 + w - 1]}, with the signal extended by half-sample symmetric reflection
 * ({@code ... x2 x1 x0 | x0 x1 x2 ...}, the edge sample repeated).
 *
 * <p>Runs in O(n log w): the output is computed in blocks of at least {@code 4w} samples; within a
 * block the covered input values are ranked once by sorting, and a Fenwick tree over the ranks
 * holds the window's counts, so each step is one insertion, one removal and one k-th-element search.
 * The selected value is always one of the input samples, exactly as with a sort per sample.
 */
public final class Baseline {

    private static final int MIN_BLOCK = 4096;

    private Baseline() {
    }

    /**
     * The window the original platform uses at a sampling rate: {@code 2*fs + 1} samples (one second
     * on each side), with {@code fs} rounded to whole samples.
     */
    public static int windowFor(double fs) {
        return windowFor(fs, 2.0);
    }

    /** An odd window covering about {@code seconds}: {@code 2*round(seconds*fs/2) + 1} samples. */
    public static int windowFor(double fs, double seconds) {
        if (!(fs > 0) || !(seconds > 0)) {
            throw new IllegalArgumentException("rate and window length must be positive, got " + fs + " Hz, " + seconds + " s");
        }
        long half = Math.round(seconds * fs / 2);
        if (half > 100_000_000) {
            throw new IllegalArgumentException("median window too long: " + seconds + " s at " + fs + " Hz");
        }
        return (int) (2 * half + 1);
    }

    /** {@code x - movingMedian(x, window)}: the signal with its slow trend removed. */
    public static double[] removeMovingMedian(double[] x, int window) {
        double[] med = movingMedian(x, window);
        for (int i = 0; i < x.length; i++) {
            med[i] = x[i] - med[i];
        }
        return med;
    }

    /** The moving median of {@code x} over {@code window} samples (reflect edges); see the class comment. */
    public static double[] movingMedian(double[] x, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        int n = x.length;
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        if (window == 1) {
            return x.clone();
        }
        int left = window / 2;
        int k = window / 2 + 1; // 1-based rank of the selected element
        int block = Math.max(MIN_BLOCK, 4 * window);
        int maxSpan = Math.min(n, block) + window - 1;
        double[] values = new double[maxSpan];
        double[] sorted = new double[maxSpan];
        int[] rank = new int[maxSpan];
        int[] tree = new int[maxSpan + 1];
        for (int start = 0; start < n; start += block) {
            int count = Math.min(block, n - start);
            int span = count + window - 1;
            int first = start - left;
            for (int t = 0; t < span; t++) {
                values[t] = x[reflect(first + t, n)];
            }
            System.arraycopy(values, 0, sorted, 0, span);
            Arrays.sort(sorted, 0, span);
            for (int t = 0; t < span; t++) {
                rank[t] = lowerBound(sorted, span, values[t]);
            }
            Arrays.fill(tree, 0, span + 1, 0);
            for (int t = 0; t < window - 1; t++) {
                add(tree, span, rank[t], 1);
            }
            int top = Integer.highestOneBit(span);
            for (int o = 0; o < count; o++) {
                add(tree, span, rank[o + window - 1], 1);
                out[start + o] = sorted[kth(tree, span, top, k)];
                add(tree, span, rank[o], -1);
            }
        }
        return out;
    }

    /** Index into {@code [0, n)} of position {@code j} under half-sample symmetric extension. */
    static int reflect(int j, int n) {
        if (j >= 0 && j < n) {
            return j;
        }
        int period = 2 * n;
        int m = j % period;
        if (m < 0) {
            m += period;
        }
        return m < n ? m : period - 1 - m;
    }

    private static int lowerBound(double[] a, int len, double v) {
        int lo = 0;
        int hi = len;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(a[mid], v) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void add(int[] tree, int size, int index, int delta) {
        for (int i = index + 1; i <= size; i += i & -i) {
            tree[i] += delta;
        }
    }

    /** 0-based slot holding the k-th smallest counted element. */
    private static int kth(int[] tree, int size, int top, int k) {
        int pos = 0;
        for (int step = top; step > 0; step >>= 1) {
            int next = pos + step;
            if (next <= size && tree[next] < k) {
                pos = next;
                k -= tree[next];
            }
        }
        return pos;
    }
}
