package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.wfdb.WfdbAnnotationReader;
import org.junit.jupiter.api.Test;

/**
 * R-peak detection against the cardiologists' beat annotations of MIT-BIH record 100
 * ({@code 100.atr}, beat codes only, read with the project's WFDB reader), whole record, lead MLII,
 * 150 ms matching tolerance.
 */
class QrsDetectorTest {

    @Test
    void mitBih100MeetsAccuracyTarget() throws Exception {
        Ecg rec = Formats.read(TestData.data("wfdb/100.hea"), ReadOptions.DEFAULT);
        int[] reference = rec.annotations().stream().filter(a -> WfdbAnnotationReader.isBeat(a.code()))
                .mapToInt(a -> (int) a.sample()).sorted().toArray();
        int[] peaks = QrsDetector.detect(rec.lead("MLII"), rec.fs());
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
        Ecg rec = Formats.read(TestData.data("wfdb/100.hea"), ReadOptions.DEFAULT);
        int n = (int) (60 * rec.fs());
        float[][] first = {java.util.Arrays.copyOf(rec.lead("MLII"), n), java.util.Arrays.copyOf(rec.lead("V5"), n)};
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
