package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exchangeai.core.Npy;
import org.junit.jupiter.api.Test;

/**
 * Coefficients and filtered outputs were computed once with SciPy 1.17
 * ({@code butter(..., output='sos')} + {@code sosfiltfilt}, {@code iirnotch} + {@code filtfilt}) on a
 * random walk plus 7 Hz and mains sines; fixtures in {@code src/test/resources/signal}.
 */
class FiltersTest {

    private static final String[] BUTTER = {"band_4_0.5_40_500", "band_2_0.5_40_100", "band_3_1_30_250",
        "low_4_40_500", "high_3_0.5_500"};

    private static double[][] design(String name) {
        String[] p = name.split("_");
        int order = Integer.parseInt(p[1]);
        return switch (p[0]) {
            case "band" -> Filters.butterworth(order, Double.parseDouble(p[2]), Double.parseDouble(p[3]), Double.parseDouble(p[4]));
            case "low" -> Filters.butterworth(order, 0, Double.parseDouble(p[2]), Double.parseDouble(p[3]));
            default -> Filters.butterworth(order, Double.parseDouble(p[2]), Double.NaN, Double.parseDouble(p[3]));
        };
    }

    private static double fs(String name) {
        String[] p = name.split("_");
        return Double.parseDouble(p[p.length - 1]);
    }

    @Test
    void butterworthSectionsEqualScipy() {
        for (String name : BUTTER) {
            double[][] expected = Npy.resource("/signal/filt_sos_" + name + ".npy").matrix();
            double[][] actual = design(name);
            assertEquals(expected.length, actual.length, name);
            for (int s = 0; s < expected.length; s++) {
                for (int c = 0; c < 6; c++) {
                    assertEquals(expected[s][c], actual[s][c], 1e-10, name + " section " + s + " coefficient " + c);
                }
            }
        }
    }

    @Test
    void butterworthResponseEqualsScipyDesign() {
        for (String name : BUTTER) {
            double[][] expected = Npy.resource("/signal/filt_sos_" + name + ".npy").matrix();
            double[][] actual = design(name);
            double fs = fs(name);
            for (double hz = 0.05; hz < fs / 2; hz += 0.37) {
                assertEquals(Filters.magnitude(expected, hz, fs), Filters.magnitude(actual, hz, fs), 1e-9, name + " at " + hz);
            }
        }
        // -3 dB at the cut-offs of a Butterworth band-pass
        double[][] sos = Filters.butterworth(4, 0.5, 40, 500);
        assertEquals(1 / Math.sqrt(2), Filters.magnitude(sos, 0.5, 500), 1e-6);
        assertEquals(1 / Math.sqrt(2), Filters.magnitude(sos, 40, 500), 1e-6);
    }

    @Test
    void sosFiltFiltEqualsScipy() {
        for (String name : BUTTER) {
            double[] x = Npy.resource("/signal/filt_in_" + name + ".npy").data();
            double[] expected = Npy.resource("/signal/filt_out_" + name + ".npy").data();
            double[] actual = Filters.sosFiltFilt(design(name), x);
            assertEquals(0, ResamplerTest.maxRelError(expected, actual), 1e-9, name);
        }
    }

    @Test
    void notchEqualsScipy() {
        for (String name : new String[] {"notch_50_500", "notch_60_250"}) {
            String[] p = name.split("_");
            double hz = Double.parseDouble(p[1]);
            double fs = Double.parseDouble(p[2]);
            double[][] ba = Npy.resource("/signal/filt_ba_" + name + ".npy").matrix();
            double[][] mine = Filters.notchCoefficients(hz, Filters.DEFAULT_NOTCH_Q, fs);
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(ba[r][c], mine[r][c], 1e-14, name);
                }
            }
            double[] x = Npy.resource("/signal/filt_in_" + name + ".npy").data();
            double[] expected = Npy.resource("/signal/filt_out_" + name + ".npy").data();
            assertEquals(0, ResamplerTest.maxRelError(expected, Filters.notch(x, fs, hz, Filters.DEFAULT_NOTCH_Q)), 1e-9, name);
        }
    }

    @Test
    void shortSignalsShrinkTheExtensionAndBadDesignsFail() {
        double[] y = Filters.bandPass(new double[] {1, 2, 3, 4, 5}, 500, 0.5, 40, 4);
        assertEquals(5, y.length);
        for (double v : y) {
            assertTrue(Double.isFinite(v));
        }
        assertThrows(IllegalArgumentException.class, () -> Filters.butterworth(4, 40, 0.5, 500));
        assertThrows(IllegalArgumentException.class, () -> Filters.butterworth(4, 300, Double.NaN, 500));
        assertThrows(IllegalArgumentException.class, () -> Filters.notchCoefficients(60, 30, 100));
    }
}
