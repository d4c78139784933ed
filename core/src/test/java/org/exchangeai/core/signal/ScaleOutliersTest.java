package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Unit check, clipping and standardizers against the definitions in {@code ../shared/golden/README.md}
 * (the original platform's arithmetic), recomputed here by sorting and plain loops.
 */
class ScaleOutliersTest {

    @Test
    void nearestRankIndexRoundsHalfAwayFromZero() {
        assertEquals(10, Outliers.nearestRankIndex(1000, 0.01));
        assertEquals(989, Outliers.nearestRankIndex(1000, 0.99));
        assertEquals(1, Outliers.nearestRankIndex(3, 0.25)); // 0.5 -> 1
        assertEquals(0, Outliers.nearestRankIndex(1, 0.99));
    }

    @Test
    void fencesUseSortedRanksOnRandomData() {
        Random rnd = new Random(3);
        for (int n : new int[] {1, 2, 17, 1000, 1500, 4999, 20000}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(5) : rnd.nextGaussian() * 10;
            }
            double[] s = x.clone();
            Arrays.sort(s);
            double q1 = s[(int) Math.floor(0.01 * (n - 1) + 0.5)];
            double q3 = s[(int) Math.floor(0.99 * (n - 1) + 0.5)];
            double[] f = Outliers.fences(x);
            assertEquals(q1 - 1.5 * (q3 - q1), f[0], 0.0, "n=" + n);
            assertEquals(q3 + 1.5 * (q3 - q1), f[1], 0.0, "n=" + n);
            assertEquals(q1, Outliers.quantile(x, 0.01), 0.0);
            assertEquals(s[(int) Math.floor(0.5 * (n - 1) + 0.5)], Outliers.quantile(x, 0.5), 0.0);
        }
    }

    @Test
    void clippingLimitsOnlyTheOutliers() {
        double[] x = new double[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 100) / 100.0;
        }
        x[500] = 1000;
        x[501] = -1000;
        double[][] leads = {x};
        double[][] clipped = Outliers.clip(leads);
        // sorted: -1000, nine 0.0, then 0.01 at rank 10 = q1; q3 = 0.99 at rank 989; fences -1.46 and 2.46
        assertEquals(2.46, clipped[0][500], 1e-12);
        assertEquals(-1.46, clipped[0][501], 1e-12);
        assertEquals(x[3], clipped[0][3]);
        assertEquals(1000, leads[0][500]); // the input is untouched
    }

    @Test
    void scaleDetectionAndConversion() {
        assertEquals(Scale.Unit.MILLI_VOLT, Scale.detect(new double[][] {{100, -3}}));
        assertEquals(Scale.Unit.MIKRO_VOLT, Scale.detect(new double[][] {{1, -100.5}}));
        assertArrayEquals(new double[] {1500, -2}, Scale.convert(new double[][] {{1.5, -0.002}}, Scale.Unit.MILLI_VOLT,
                Scale.Unit.MIKRO_VOLT)[0], 1e-12);
        assertEquals(Scale.Unit.MIKRO_VOLT, Scale.Unit.fromKey("'mikroVolt'"));
        assertEquals(Scale.Unit.MILLI_VOLT, Scale.Unit.fromKey("milliVolt"));
        assertThrows(IllegalArgumentException.class, () -> Scale.Unit.fromKey("volt"));
    }

    @Test
    void standardizers() {
        double[][] x = {{1, 2, 3}, {4, 5, 6}};
        double[][] mm = Scale.copy(x);
        Standardizer.MIN_MAX.applyInPlace(mm);
        assertArrayEquals(new double[] {-1, -0.6, -0.2}, mm[0], 1e-12);
        assertArrayEquals(new double[] {0.2, 0.6, 1}, mm[1], 1e-12);
        double[][] ms = Scale.copy(x);
        Standardizer.MEAN_STD.applyInPlace(ms);
        double std = Math.sqrt(17.5 / 6); // population std of 1..6
        assertEquals((1 - 3.5) / std, ms[0][0], 1e-12);
        double[][] flat = {{2, 2}, {2, 2}};
        Standardizer.MIN_MAX.applyInPlace(flat);
        assertArrayEquals(new double[] {-1, -1}, flat[0]);
        assertEquals(Standardizer.NONE, Standardizer.fromKey("'None'"));
        assertEquals(Standardizer.NONE, Standardizer.fromKey(null));
        assertEquals(Standardizer.MEAN_STD, Standardizer.fromKey("meanStd"));
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fromKey("zscore"));
    }
}
