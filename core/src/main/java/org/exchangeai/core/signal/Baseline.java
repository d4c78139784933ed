package org.exchangeai.core.signal;

/**
 * Baseline (trend) removal. The moving median follows {@code scipy.ndimage.median_filter(x, size=w,
 * mode='reflect')}: output {@code i} is the element of sorted rank {@code w/2} among
 * {@code x[i - w/2 .. i - w/2 + w - 1]}, with the signal extended by half-sample symmetric reflection
 * ({@code ... x2 x1 x0 | x0 x1 x2 ...}, the edge sample repeated).
 *
 * <p>Runs in O(n log w): the output is computed in blocks of at least {@code 4w} samples; within a
 * block the covered input values are ranked once by sorting, and the window is a set of ranks (one
 * bit each, with a Fenwick tree over 64-bit words), so each step is one insertion, one removal and
 * one k-th-element search.
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
        double[] sorted = new double[maxSpan];
        int[] order = new int[maxSpan];
        int[] rank = new int[maxSpan];
        RankSet window1 = new RankSet(maxSpan);
        for (int start = 0; start < n; start += block) {
            int count = Math.min(block, n - start);
            int span = count + window - 1;
            int first = start - left;
            for (int t = 0; t < span; t++) {
                sorted[t] = x[reflect(first + t, n)];
                order[t] = t;
            }
            // unique ranks (ties in any order: equal values are interchangeable for selection)
            ArgSort.sort(sorted, order, 0, span - 1);
            for (int r = 0; r < span; r++) {
                rank[order[r]] = r;
            }
            window1.reset(span);
            for (int t = 0; t < window - 1; t++) {
                window1.add(rank[t]);
            }
            for (int o = 0; o < count; o++) {
                window1.add(rank[o + window - 1]);
                out[start + o] = sorted[window1.kth(k)];
                window1.remove(rank[o]);
            }
        }
        return out;
    }

    /**
     * A set of distinct ranks in {@code [0, size)}: a bit per rank, and a Fenwick tree over the
     * 64-bit words' counts, so insertion, removal and k-th smallest cost O(log(size/64) + 6).
     */
    private static final class RankSet {
        private final long[] words;
        private final int[] tree;
        private int nWords;
        private int top;

        RankSet(int capacity) {
            words = new long[(capacity + 63) >>> 6];
            tree = new int[words.length + 1];
        }

        void reset(int size) {
            nWords = (size + 63) >>> 6;
            java.util.Arrays.fill(words, 0, nWords, 0L);
            java.util.Arrays.fill(tree, 0, nWords + 1, 0);
            top = Integer.highestOneBit(nWords);
        }

        void add(int r) {
            words[r >>> 6] |= 1L << r;
            for (int i = (r >>> 6) + 1; i <= nWords; i += i & -i) {
                tree[i]++;
            }
        }

        void remove(int r) {
            words[r >>> 6] &= ~(1L << r);
            for (int i = (r >>> 6) + 1; i <= nWords; i += i & -i) {
                tree[i]--;
            }
        }

        /** The k-th smallest rank present (k is 1-based). */
        int kth(int k) {
            int pos = 0;
            for (int step = top; step > 0; step >>= 1) {
                int next = pos + step;
                if (next <= nWords && tree[next] < k) {
                    pos = next;
                    k -= tree[next];
                }
            }
            // word index pos holds the k-th; select its k-th set bit
            long w = words[pos];
            int bit = 0;
            int c = Long.bitCount(w & 0xFFFFFFFFL);
            if (k > c) {
                k -= c;
                w >>>= 32;
                bit += 32;
            }
            c = Long.bitCount(w & 0xFFFFL);
            if (k > c) {
                k -= c;
                w >>>= 16;
                bit += 16;
            }
            c = Long.bitCount(w & 0xFFL);
            if (k > c) {
                k -= c;
                w >>>= 8;
                bit += 8;
            }
            c = Long.bitCount(w & 0xFL);
            if (k > c) {
                k -= c;
                w >>>= 4;
                bit += 4;
            }
            c = Long.bitCount(w & 0x3L);
            if (k > c) {
                k -= c;
                w >>>= 2;
                bit += 2;
            }
            if (k > (int) (w & 1L)) {
                bit += 1;
            }
            return (pos << 6) + bit;
        }
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
}
