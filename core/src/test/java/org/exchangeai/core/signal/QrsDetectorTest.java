package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;

/**
 * R-peak detection against the cardiologists' beat annotations of MIT-BIH record 100
 * ({@code 100.atr}, beat codes only), whole record, lead MLII, 150 ms matching tolerance.
 */
class QrsDetectorTest {

    /** MIT annotation codes that mark beats (N L R a V F J A S E j / Q e n f B r ?). */
    static final Set<Integer> BEAT_CODES = Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 34, 35, 38, 25, 41, 30);

    @Test
    void mitBih100MeetsAccuracyTarget() throws Exception {
        TemporaryWfdb.Record rec = TemporaryWfdb.read(TestData.data("wfdb/100.hea"));
        int[] reference = TemporaryWfdb.annotations(TestData.data("wfdb/100.atr")).stream()
                .filter(a -> BEAT_CODES.contains(a.code())).mapToInt(TemporaryWfdb.Ann::sample).toArray();
        int mlii = rec.leads().indexOf("MLII");
        int[] peaks = QrsDetector.detect(rec.mv()[mlii], rec.fs());
        Matching.Result m = Matching.match(reference, peaks, (int) Math.round(0.150 * rec.fs()));
        String report = String.format("record 100 MLII: %d reference beats, %d detected, TP %d FN %d FP %d, "
                        + "Se %.3f %%, PPV %.3f %%", reference.length, peaks.length, m.truePositives(),
                m.falseNegatives(), m.falsePositives(), m.sensitivity(), m.ppv());
        System.out.println(report);
        assertEquals(2273, reference.length, "beat annotations of record 100");
        assertTrue(m.sensitivity() >= 99.7 && m.ppv() >= 99.7, report);
    }

    @Test
    void multiLeadVoteAgreesWithSingleLead() throws Exception {
        TemporaryWfdb.Record rec = TemporaryWfdb.read(TestData.data("wfdb/100.hea"));
        int n = (int) (60 * rec.fs());
        float[][] first = new float[2][];
        for (int l = 0; l < 2; l++) {
            first[l] = java.util.Arrays.copyOf(rec.mv()[l], n);
        }
        int[] single = QrsDetector.detect(first[0], rec.fs());
        int[] voted = QrsDetector.detect(first, rec.fs());
        Matching.Result m = Matching.match(single, voted, (int) Math.round(0.05 * rec.fs()));
        assertEquals(0, m.falseNegatives() + m.falsePositives(), "vote of MLII and V5 over the first minute");
    }

    @Test
    void flatLeadGivesNoBeats() {
        assertEquals(0, QrsDetector.detect(new float[5000], 500).length);
        assertEquals(0, QrsDetector.detect(new float[][] {new float[5000], new float[5000]}, 500).length);
    }

}
