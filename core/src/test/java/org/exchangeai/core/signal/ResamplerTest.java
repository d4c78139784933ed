package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.exchangeai.core.Npy;
import org.junit.jupiter.api.Test;

/**
 * Expected outputs in {@code src/test/resources/signal} were computed once with SciPy 1.17
 * ({@code scipy.signal.resample} and {@code scipy.signal.resample_poly}, padtype constant and mean)
 * on seeded random inputs stored beside them.
 */
class ResamplerTest {

    static double maxRelError(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "length");
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            maxErr = Math.max(maxErr, Math.abs(expected[i] - actual[i]));
        }
        return maxErr / Math.max(maxAbs, Double.MIN_NORMAL);
    }

    @Test
    void fftMatchesScipyResampleForOddEvenUpAndDown() {
        int[][] cases = {{1000, 333}, {999, 500}, {1000, 1001}, {300, 1000}, {301, 1000}, {7, 3}, {8, 5},
            {5000, 1000}, {1, 4}, {10, 1}, {2, 1}};
        for (int[] c : cases) {
            double[] x = Npy.resource("/signal/fft_in_" + c[0] + "_" + c[1] + ".npy").data();
            double[] expected = Npy.resource("/signal/fft_out_" + c[0] + "_" + c[1] + ".npy").data();
            double err = maxRelError(expected, Resampler.fft(x, c[1]));
            assertEquals(0, err, 1e-12, "n=" + c[0] + " num=" + c[1]);
        }
    }

    @Test
    void polyphaseMatchesScipyResamplePoly() {
        int[][] cases = {{1000, 1, 5}, {1000, 5, 18}, {997, 3, 2}, {500, 100, 257}, {400, 2, 1}};
        for (int[] c : cases) {
            String id = c[0] + "_" + c[1] + "_" + c[2];
            double[] x = Npy.resource("/signal/poly_in_" + id + ".npy").data();
            double[] zero = Npy.resource("/signal/poly_zero_" + id + ".npy").data();
            double[] mean = Npy.resource("/signal/poly_mean_" + id + ".npy").data();
            assertEquals(0, maxRelError(zero, Resampler.polyphase(x, c[1], c[2])), 1e-12, "zero " + id);
            assertEquals(0, maxRelError(mean, Resampler.polyphase(x, c[1], c[2], Resampler.EdgePadding.MEAN)),
                    1e-12, "mean " + id);
        }
    }

    @Test
    void outputLengthFollowsTheOriginalTruncation() {
        assertEquals(1000, Resampler.outputLength(5000, 500, 100));
        assertEquals(1500, Resampler.outputLength(7500, 500, 100));
        assertEquals(277, Resampler.outputLength(1000, 360, 100));
        assertEquals(389, Resampler.outputLength(1000, 257, 100));
    }

    @Test
    void ratioReducesRates() {
        assertArrayEquals(new int[] {1, 5}, Resampler.ratio(500, 100));
        assertArrayEquals(new int[] {5, 18}, Resampler.ratio(360, 100));
        assertArrayEquals(new int[] {100, 257}, Resampler.ratio(257, 100));
        assertThrows(IllegalArgumentException.class, () -> Resampler.ratio(Math.PI, 100));
    }

    @Test
    void sameLengthIsACopyAndBadArgumentsFail() {
        double[] x = {1, 2, 3};
        double[] y = Resampler.fft(x, 3);
        assertArrayEquals(x, y);
        assertThrows(IllegalArgumentException.class, () -> Resampler.fft(new double[0], 3));
        assertThrows(IllegalArgumentException.class, () -> Resampler.fft(x, 0));
    }

    /** A shared cached plan gives the same numbers from many threads at once. */
    @Test
    void cachedPlansAreSafeAcrossThreads() throws Exception {
        Random rnd = new Random(7);
        List<double[]> inputs = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            double[] x = new double[5000];
            for (int t = 0; t < x.length; t++) {
                x[t] = rnd.nextGaussian();
            }
            inputs.add(x);
            expected.add(Resampler.fft(x, 1000));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int r = 0; r < 64; r++) {
                int i = r % inputs.size();
                results.add(pool.submit(() -> java.util.Arrays.equals(expected.get(i), Resampler.fft(inputs.get(i), 1000))));
            }
            for (Future<Boolean> f : results) {
                assertEquals(true, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
