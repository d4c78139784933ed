package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.exchangeai.core.Npy;
import org.junit.jupiter.api.Test;

/**
 * The fast moving median against (a) a naive sort-per-sample median written here from the
 * definition of scipy.ndimage 'reflect' mode, and (b) {@code scipy.ndimage.median_filter(x, size=w,
 * mode='reflect')} outputs computed once with SciPy 1.17 (fixtures in {@code src/test/resources/signal},
 * inputs rounded to quarters so that ties are frequent).
 */
class BaselineTest {

    /** Sorts the reflected window at every sample; the definition, not fast. */
    static double[] naiveMedian(double[] x, int w) {
        int n = x.length;
        double[] out = new double[n];
        double[] win = new double[w];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) {
                int p = i - w / 2 + j;
                while (p < 0 || p >= n) {
                    p = p < 0 ? -p - 1 : 2 * n - 1 - p;
                }
                win[j] = x[p];
            }
            Arrays.sort(win);
            out[i] = win[w / 2];
        }
        return out;
    }

    @Test
    void equalsNaiveMedianOnRandomData() {
        Random rnd = new Random(42);
        int[][] cases = {{1000, 201}, {1000, 1001}, {5000, 1001}, {20, 201}, {1, 5}, {2, 3}, {300, 2}, {300, 10},
            {12000, 201}, {9000, 1}};
        for (int[] c : cases) {
            double[] x = new double[c[0]];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(3) == 0 ? Math.round(rnd.nextGaussian() * 3) : rnd.nextGaussian();
            }
            assertArrayEquals(naiveMedian(x, c[1]), Baseline.movingMedian(x, c[1]), "n=" + c[0] + " w=" + c[1]);
        }
    }

    /** Values equal in their upper 32 bits and different below: ranking must still be exact. */
    @Test
    void equalsNaiveMedianForNearlyEqualValues() {
        Random rnd = new Random(11);
        double[] x = new double[3000];
        for (int i = 0; i < x.length; i++) {
            double base = rnd.nextInt(4) - 1.5; // a few plateaus, negative and positive
            x[i] = base + rnd.nextInt(1000) * Math.ulp(base) + (rnd.nextInt(50) == 0 ? -0.0 : 0.0);
        }
        x[17] = -0.0;
        x[18] = 0.0;
        assertNumericallyEqual(naiveMedian(x, 201), Baseline.movingMedian(x, 201));
        assertNumericallyEqual(naiveMedian(x, 7), Baseline.movingMedian(x, 7));
    }

    /** Equal as numbers: {@code -0.0 == 0.0} (the median may pick either zero). */
    private static void assertNumericallyEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(expected[i], actual[i], 0.0, "index " + i);
            }
        }
    }

    @Test
    void equalsScipyMedianFilter() {
        int[][] cases = {{1000, 201}, {50, 201}, {30, 8}, {9000, 501}, {7, 4}};
        for (int[] c : cases) {
            String id = c[0] + "_" + c[1];
            double[] x = Npy.resource("/signal/median_in_" + id + ".npy").data();
            double[] expected = Npy.resource("/signal/median_out_" + id + ".npy").data();
            assertArrayEquals(expected, Baseline.movingMedian(x, c[1]), id);
        }
    }

    @Test
    void removalSubtractsTheMedian() {
        double[] x = {5, 1, 4, 2, 3};
        double[] med = Baseline.movingMedian(x, 3);
        // windows with reflection: [5,5,1] [5,1,4] [1,4,2] [4,2,3] [2,3,3]
        assertArrayEquals(new double[] {5, 4, 2, 3, 3}, med);
        assertArrayEquals(new double[] {0, -3, 2, -1, 0}, Baseline.removeMovingMedian(x, 3));
    }

    @Test
    void nanIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Baseline.movingMedian(new double[] {1, Double.NaN, 3}, 3));
    }

    @Test
    void windowForRate() {
        assertEquals(201, Baseline.windowFor(100));
        assertEquals(1001, Baseline.windowFor(500));
        assertEquals(2 * 257 + 1, Baseline.windowFor(257));
    }

    @Test
    void reflectIsHalfSampleSymmetric() {
        assertEquals(0, Baseline.reflect(-1, 5));
        assertEquals(1, Baseline.reflect(-2, 5));
        assertEquals(4, Baseline.reflect(5, 5));
        assertEquals(3, Baseline.reflect(6, 5));
        assertEquals(0, Baseline.reflect(9, 5));
        assertEquals(0, Baseline.reflect(10, 5));
    }
}
