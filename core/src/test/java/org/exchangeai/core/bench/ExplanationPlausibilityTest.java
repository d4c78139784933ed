package org.exchangeai.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.signal.Delineator;
import org.junit.jupiter.api.Test;

/** The windows and enrichment ratios of {@link ExplanationPlausibility} on a real 100 Hz PTB-XL record. */
class ExplanationPlausibilityTest {

    @Test
    void windowsCoverWholeCyclesAndEnrichmentIsMassShareOverTimeShare() throws Exception {
        // fold 10, NORM, sinus rhythm
        Ecg ecg = Formats.read(TestData.shared().resolve("pretrain/ptbxl100/9.npy"), PtbxlStudyData.READ);
        assertEquals(100.0, ecg.fs());
        List<Delineator.BeatWaves> beats = ExplanationPlausibility.delineate(ecg);
        ExplanationPlausibility.Windows w = ExplanationPlausibility.windows(beats,
                ExplanationPlausibility.DELINEATION_RATE, 1000, 100, 1000);
        assertTrue(w.delineatedCycles() >= w.beats() - 3 && w.delineatedCycles() >= 5, w.toString());
        double qrsShare = w.count(ExplanationPlausibility.IN_QRS) / (double) w.analysed();
        double stTShare = w.count(ExplanationPlausibility.IN_ST_T) / (double) w.analysed();
        // QRS about 80-120 ms and QRS offset to T offset about 250-350 ms of a 0.6-1.2 s cycle
        assertTrue(qrsShare > 0.05 && qrsShare < 0.25, "QRS share " + qrsShare);
        assertTrue(stTShare > 0.2 && stTShare < 0.5, "ST-T share " + stTShare);

        float[][] uniform = new float[12][1000];
        for (float[] lead : uniform) {
            Arrays.fill(lead, -2f);
        }
        ExplanationPlausibility.Enrichment flat = ExplanationPlausibility.enrichment(uniform, w);
        assertEquals(1.0, flat.qrsAbs(), 1e-9);
        assertEquals(1.0, flat.stTAbs(), 1e-9);

        float[][] onQrs = new float[12][1000];
        for (int u = 0; u < 1000; u++) {
            onQrs[3][u] = w.mask()[u] == ExplanationPlausibility.IN_QRS ? 1f : 0f;
            // outside the analysed time: must not count
            onQrs[5][u] = w.mask()[u] == ExplanationPlausibility.OUTSIDE ? 7f : 0f;
        }
        ExplanationPlausibility.Enrichment qrs = ExplanationPlausibility.enrichment(onQrs, w);
        assertEquals(1 / qrsShare, qrs.qrsAbs(), 1e-9);
        assertEquals(0.0, qrs.stTAbs(), 1e-9);
        assertEquals(1 / qrsShare, qrs.qrsPos(), 1e-9);
    }
}
