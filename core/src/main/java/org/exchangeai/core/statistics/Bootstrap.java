package org.exchangeai.core.statistics;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Seeded non-parametric bootstrap over recordings, or over clusters of recordings (patients) when a
 * recording's cluster is known: a resample draws as many clusters as there are, with replacement, and
 * every recording of a drawn cluster counts once per draw. A resample is handed to the statistic as
 * one integer weight per recording, which equals evaluating on the resampled list with its duplicates
 * but avoids copying the predictions 2,000 times.
 *
 * <p>The same seed, clusters and count always give the same resamples, so statistics of different
 * candidates computed with equal bootstraps are paired: they see the same recordings in every resample.
 */
public final class Bootstrap {

    /** The number of resamples used unless told otherwise. */
    public static final int DEFAULT_RESAMPLES = 2000;

    private final int[] cluster;
    private final int clusters;
    private final int resamples;
    private final long seed;

    private Bootstrap(int[] cluster, int clusters, int resamples, long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("need at least one bootstrap resample, got " + resamples);
        }
        this.cluster = cluster;
        this.clusters = clusters;
        this.resamples = resamples;
        this.seed = seed;
    }

    /** Resamples the {@code n} recordings themselves. */
    public static Bootstrap overRecordings(int n, int resamples, long seed) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = i;
        }
        return new Bootstrap(c, n, resamples, seed);
    }

    /**
     * Resamples clusters: {@code cluster[i]} is recording i's cluster (e.g. patient) as a number in
     * 0..clusters-1; every number in that range must occur.
     */
    public static Bootstrap overClusters(int[] cluster, int resamples, long seed) {
        int max = -1;
        for (int c : cluster) {
            if (c < 0) {
                throw new IllegalArgumentException("cluster numbers must not be negative, got " + c);
            }
            max = Math.max(max, c);
        }
        boolean[] seen = new boolean[max + 1];
        for (int c : cluster) {
            seen[c] = true;
        }
        for (int c = 0; c <= max; c++) {
            if (!seen[c]) {
                throw new IllegalArgumentException("cluster " + c + " has no recording; number clusters 0.." + max
                        + " without gaps");
            }
        }
        return new Bootstrap(cluster.clone(), max + 1, resamples, seed);
    }

    public int resamples() {
        return resamples;
    }

    public int size() {
        return cluster.length;
    }

    /**
     * Evaluates {@code statistic} on every resample (weights per recording) and returns
     * {@code [resample][value]}. The resamples are drawn in order from the seed, then evaluated on the
     * available cores a block at a time, so the result does not depend on the number of cores. A
     * statistic must be safe to call from several threads and must not keep its weights array (the
     * arrays are reused from block to block).
     */
    public double[][] run(Function<int[], double[]> statistic) {
        Random random = new Random(seed);
        int[] drawn = new int[clusters];
        int block = Math.max(1, Math.min(resamples, 8 * Runtime.getRuntime().availableProcessors()));
        int[][] weights = new int[block][cluster.length];
        double[][] out = new double[resamples][];
        for (int start = 0; start < resamples; start += block) {
            int m = Math.min(block, resamples - start);
            for (int j = 0; j < m; j++) {
                Arrays.fill(drawn, 0);
                for (int d = 0; d < clusters; d++) {
                    drawn[random.nextInt(clusters)]++;
                }
                int[] w = weights[j];
                for (int i = 0; i < cluster.length; i++) {
                    w[i] = drawn[cluster[i]];
                }
            }
            int first = start;
            IntStream.range(0, m).parallel().forEach(j -> out[first + j] = statistic.apply(weights[j]));
        }
        return out;
    }

    /** Column {@code j} of a {@link #run} result. */
    public static double[] column(double[][] values, int j) {
        double[] c = new double[values.length];
        for (int b = 0; b < values.length; b++) {
            c[b] = values[b][j];
        }
        return c;
    }

    /**
     * The percentile interval holding {@code level} of the finite values (e.g. 0.95 gives the 2.5th and
     * 97.5th percentiles), with linear interpolation between order statistics as {@code numpy.percentile}'s
     * default; NaN bounds when no value is finite.
     */
    public static Interval percentile(double[] values, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), is " + level);
        }
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        double tail = (1 - level) / 2;
        return new Interval(quantile(v, tail), quantile(v, 1 - tail));
    }

    /** Linear-interpolation quantile of sorted values ({@code numpy.quantile}, method "linear"). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    /**
     * Two-sided bootstrap p-value of "the difference is zero": twice the smaller share of finite
     * resampled differences on either side of zero (ties count on both sides), at most 1; NaN when
     * no difference is finite.
     */
    public static double pValue(double[] differences) {
        int n = 0;
        int below = 0;
        int above = 0;
        for (double d : differences) {
            if (!Double.isFinite(d)) {
                continue;
            }
            n++;
            if (d <= 0) {
                below++;
            }
            if (d >= 0) {
                above++;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        return Math.min(1.0, 2.0 * Math.min(below, above) / n);
    }

    /** A two-sided interval; NaN bounds when it could not be computed. */
    public record Interval(double low, double high) {
        public boolean contains(double x) {
            return x >= low && x <= high;
        }
    }
}
