package org.exchangeai.core.signal;

/**
 * Baseline (trend) removal. The moving median follows {@code scipy.ndimage.median_filter(x, size=w,
 * mode='reflect')}: output {@code i} is the element of sorted rank {@code w/2} among
 * {@code x[i - w/2 .. i - w/2 + w - 1]}, with the signal extended by half-sample symmetric reflection
 * ({@code ... x2 x1 x0 | x0 x1 x2 ...}, the edge sample repeated).
 *
 * <p>Runs in O(n log w) and in practice in linear time: the output is computed in blocks of at
 * least {@code 4w} samples; within a block the covered input values are ranked once by a radix sort
 * of their 64-bit keys, and the window is a set of ranks kept as a two-level bitset. As the window
 * slides by one sample, the median's rank moves to a neighbouring present rank, found with a few
 * word operations (constant for windows up to about 50 000 samples), so each step is one insertion,
 * one removal and one or two neighbour look-ups.
 * The selected value is always one of the input samples, exactly as with a sort per sample
 * ({@code -0.0} and {@code 0.0} count as equal). Samples must not be NaN.
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
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(x[i])) {
                throw new IllegalArgumentException("sample " + i + " is NaN; fill gaps before the moving median");
            }
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
        int[] order = new int[maxSpan];
        RadixRank ranker = new RadixRank(maxSpan);
        int[] rank = new int[maxSpan];
        RankWindow win = new RankWindow(maxSpan);
        for (int start = 0; start < n; start += block) {
            int count = Math.min(block, n - start);
            int span = count + window - 1;
            int first = start - left;
            for (int t = 0; t < span; t++) {
                values[t] = x[reflect(first + t, n)];
            }
            // unique ranks (ties in any order: equal values are interchangeable for selection)
            ranker.sort(values, span, sorted, order);
            for (int r = 0; r < span; r++) {
                rank[order[r]] = r;
            }
            win.reset(span);
            for (int t = 0; t < window - 1; t++) {
                win.add(rank[t]);
            }
            // med: rank of the current median; below: window ranks smaller than med
            int med = 0;
            int below = 0;
            for (int o = 0; o < count; o++) {
                int in = rank[o + window - 1];
                win.add(in);
                below += (in - med) >>> 31; // branch-free: +1 when in < med
                if (!win.has(med)) {
                    // the previous median left the window: step to a neighbour that is present
                    int next = win.next(med);
                    if (next >= 0) {
                        med = next;
                    } else {
                        med = win.prev(med);
                        below--;
                    }
                }
                // each step changes below by at most one each way, so these loops run at most twice
                while (below > k - 1) {
                    med = win.prev(med - 1);
                    below--;
                }
                while (below < k - 1) {
                    med = win.next(med + 1);
                    below++;
                }
                out[start + o] = sorted[med];
                int gone = rank[o];
                win.remove(gone);
                below -= (gone - med) >>> 31;
            }
        }
        return out;
    }

    /**
     * A set of distinct ranks in {@code [0, size)}: one bit per rank plus one bit per non-empty
     * 64-bit word, so insertion, removal and the nearest present rank above or below a position
     * take a few word operations.
     */
    private static final class RankWindow {
        private final long[] words;
        private final long[] summary;
        private int nWords;
        private int nSummary;

        RankWindow(int capacity) {
            words = new long[(capacity + 63) >>> 6];
            summary = new long[(words.length + 63) >>> 6];
        }

        void reset(int size) {
            nWords = (size + 63) >>> 6;
            nSummary = (nWords + 63) >>> 6;
            java.util.Arrays.fill(words, 0, nWords, 0L);
            java.util.Arrays.fill(summary, 0, nSummary, 0L);
        }

        boolean has(int r) {
            return (words[r >>> 6] & (1L << r)) != 0;
        }

        void add(int r) {
            int w = r >>> 6;
            words[w] |= 1L << r;
            summary[w >>> 6] |= 1L << w;
        }

        void remove(int r) {
            int w = r >>> 6;
            words[w] &= ~(1L << r);
            if (words[w] == 0) {
                summary[w >>> 6] &= ~(1L << w);
            }
        }

        /** Smallest present rank {@code >= from}, or -1. */
        int next(int from) {
            if (from >= nWords << 6) {
                return -1;
            }
            int w = from >>> 6;
            long m = words[w] & (-1L << from);
            if (m != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(m);
            }
            int sw = w + 1;
            if (sw >= nWords) {
                return -1;
            }
            int s = sw >>> 6;
            long sm = summary[s] & (-1L << sw);
            while (sm == 0) {
                if (++s >= nSummary) {
                    return -1;
                }
                sm = summary[s];
            }
            int nw = (s << 6) + Long.numberOfTrailingZeros(sm);
            return (nw << 6) + Long.numberOfTrailingZeros(words[nw]);
        }

        /** Largest present rank {@code <= from}, or -1. */
        int prev(int from) {
            if (from < 0) {
                return -1;
            }
            int w = from >>> 6;
            long m = words[w] & (-1L >>> (63 - (from & 63)));
            if (m != 0) {
                return (w << 6) + 63 - Long.numberOfLeadingZeros(m);
            }
            int sw = w - 1;
            if (sw < 0) {
                return -1;
            }
            int s = sw >>> 6;
            long sm = summary[s] & (-1L >>> (63 - (sw & 63)));
            while (sm == 0) {
                if (--s < 0) {
                    return -1;
                }
                sm = summary[s];
            }
            int pw = (s << 6) + 63 - Long.numberOfLeadingZeros(sm);
            return (pw << 6) + 63 - Long.numberOfLeadingZeros(words[pw]);
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
