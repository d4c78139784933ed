package org.exchangeai.core.io.scp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;

/**
 * {@code scp/test.scp} (Burdick, reference-beat subtraction, residual at 20 µV, beat at 5 µV) against
 * the WFDB package's decode of it, {@code scp/wfdb-parsescp-expected/test.hea/.dat} (5 µV units, read
 * with our WFDB reader, leads matched by name), over every sample. parsescp smooths the residual
 * outside the type-0 subtraction zones and the reader does the same for such records, so the stored
 * leads and III are equal; aVR, aVL and aVF differ by half a unit where parsescp halves an odd sum in
 * integers (truncating toward zero) and the reader keeps the exact half.
 */
class ScpParsescpTest {

    private static final double UNIT_MV = 0.005;
    private static final double TOLERANCE = 1e-6;

    @Test
    void testScpEqualsParsescpWithinOneUnit() throws Exception {
        Ecg ours = Formats.read(TestData.data("scp/test.scp"), ReadOptions.DEFAULT);
        Ecg golden = Formats.read(TestData.data("scp/wfdb-parsescp-expected/test.hea"), ReadOptions.DEFAULT);
        assertEquals(5000, golden.length());
        assertEquals(golden.length(), ours.length());
        assertEquals(golden.fs(), ours.fs());
        assertEquals(12, golden.leadCount());
        assertTrue(ours.source().properties().get("scp.residual_smoothing").startsWith("3-sample mean"),
                ours.source().properties().toString());

        Map<String, Integer> differing = new LinkedHashMap<>();
        StringBuilder report = new StringBuilder();
        for (String lead : golden.leads()) {
            float[] a = ours.lead(lead);
            float[] b = golden.lead(lead);
            double max = 0;
            int n = 0;
            for (int t = 0; t < a.length; t++) {
                double d = Math.abs(a[t] - b[t]);
                max = Math.max(max, d);
                if (d > TOLERANCE) {
                    n++;
                    assertEquals(UNIT_MV / 2, d, TOLERANCE, lead + " sample " + t + ": only halving may differ");
                }
            }
            assertTrue(max <= UNIT_MV + TOLERANCE, lead + ": largest difference " + max + " mV");
            differing.put(lead, n);
            report.append(String.format(Locale.ROOT, " %s %.4f mV in %d;", lead, max, n));
        }
        System.out.println("test.scp against parsescp, largest difference and samples that differ:" + report);
        for (String lead : new String[] {"I", "II", "III", "V1", "V2", "V3", "V4", "V5", "V6"}) {
            assertEquals(0, differing.get(lead), lead);
        }
        // and the derived leads are parsescp's integer formulas on our I, II, III (C division truncates)
        float[] i1 = ours.lead("I");
        float[] i2 = ours.lead("II");
        float[] i3 = ours.lead("III");
        for (int t = 0; t < i1.length; t++) {
            int l1 = units(i1[t]);
            int l2 = units(i2[t]);
            int l3 = units(i3[t]);
            assertEquals(-(l1 + l2) / 2, units(golden.lead("aVR")[t]), "aVR sample " + t);
            assertEquals(l2 / 2 - l3, units(golden.lead("aVL")[t]), "aVL sample " + t);
            assertEquals(l1 / 2 + l3, units(golden.lead("aVF")[t]), "aVF sample " + t);
        }
        assertEquals(2272, differing.get("aVR"));
        assertEquals(1809, differing.get("aVL"));
        assertEquals(1765, differing.get("aVF"));
    }

    private static int units(float mv) {
        return (int) Math.round(mv / UNIT_MV);
    }

    /**
     * The rule on a small residual (unit 5 µV = 5000 nV, one type-0 zone 5–6, a type-1 beat): ends,
     * zone and the two samples after it kept; elsewhere the 3-sample mean, any remainder rounded away
     * from zero; neighbours are the unsmoothed values.
     */
    @Test
    void smoothingRule() {
        double[] r = {20_000, 0, 20_000, -20_000, 40_000, 80_000, 0, 0, -20_000, 0, 20_000};
        java.util.List<ScpSignal.Qrs> qrs = java.util.List.of(new ScpSignal.Qrs(0, 5, 6, 6, 5, 6),
                new ScpSignal.Qrs(1, 1, 3, 1, 1, 1));
        double[] s = ScpSignal.smoothResidual(r, 1, qrs, 5000);
        // sample:          1       2 (40/3→15)  3 (0)  4 (40/3→15)  5–8 kept        9 (-20/3→-10) 10 (0) 11
        assertArrayEquals(new double[] {20_000, 15_000, 0, 15_000, 40_000, 80_000, 0, 0, -10_000, 0, 20_000}, s);
    }
}
