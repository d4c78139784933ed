package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.exchangeai.core.Npy;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;

/** {@link Standardizer#LEAD_MEAN_STD} against NumPy. */
class LeadStandardizerTest {

    /**
     * PTB-XL record 10000 of {@code ../shared/pretrain/ptbxl100} ([1000, 12] float32). Expected values
     * computed once with NumPy 2.4.6 in float64: {@code m = x.mean(axis=0); s = x.std(axis=0);
     * z = (x - m) / s}, for leads I, aVF and V6 at samples 0, 500 and 999.
     */
    @Test
    void equalsNumpyPerLeadZScore() {
        double[][] m = Npy.read(TestData.shared().resolve("pretrain/ptbxl100/10000.npy")).matrix();
        double[][] x = new double[12][1000];
        for (int t = 0; t < 1000; t++) {
            for (int l = 0; l < 12; l++) {
                x[l][t] = m[t][l];
            }
        }
        Standardizer.LEAD_MEAN_STD.applyInPlace(x);
        double[][] expected = {
            {-0.0695147284455613, -0.5097973198718813, 0.3163107470129686},
            {-0.02146560151982788, -0.07351961262876511, 0.23631554059115426},
            {-0.09603825758905157, -0.29755080756392754, 0.21865901157796777},
        };
        int[] leads = {0, 5, 11};
        for (int i = 0; i < leads.length; i++) {
            assertArrayEquals(expected[i], new double[] {x[leads[i]][0], x[leads[i]][500], x[leads[i]][999]}, 1e-12,
                    "lead " + leads[i]);
        }
        for (double[] lead : x) {
            double mean = java.util.Arrays.stream(lead).average().orElseThrow();
            double var = java.util.Arrays.stream(lead).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
            assertEquals(0, mean, 1e-12);
            assertEquals(1, var, 1e-12);
        }
    }

    /** A flat lead stays 0 instead of being blown up; the other leads are unaffected by it. */
    @Test
    void flatLeadStaysZero() {
        double[][] x = {{2.5, 2.5, 2.5, 2.5}, {1, 2, 3, 4}};
        Standardizer.LEAD_MEAN_STD.applyInPlace(x);
        assertArrayEquals(new double[] {0, 0, 0, 0}, x[0], 0);
        double s = Math.sqrt(1.25);
        assertArrayEquals(new double[] {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, x[1], 1e-15);
        assertEquals(Standardizer.LEAD_MEAN_STD, Standardizer.fromKey("'leadMeanStd'"));
    }
}
