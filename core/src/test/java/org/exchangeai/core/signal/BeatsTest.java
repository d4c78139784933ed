package org.exchangeai.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;

/** Segmentation, median beats and Rlign alignment on synthetic beats and a LUDB record. */
class BeatsTest {

    /** Beats of a spike train: the windows and the median must hold the spike at index {@code before}. */
    @Test
    void segmentsAndMedianKeepTheRPeakInPlace() {
        float[] lead = new float[3000];
        int[] r = {100, 700, 1300, 1900, 2500, 2950};
        for (int p : r) {
            lead[p] = 1;
        }
        lead[1301] = 5; // an artefact in one beat, removed by the median
        float[][][] beats = Beats.segment(new float[][] {lead}, 500, r, 100, 200);
        assertEquals(5, beats.length, "the last window leaves the recording");
        assertEquals(150, beats[0][0].length);
        float[][] median = Beats.median(beats);
        assertEquals(1f, median[0][50]);
        assertEquals(0f, median[0][51]);
    }

    /** At the template rate, Rlign moves beats to the template grid without changing their shape. */
    @Test
    void rlignMapsEachRrIntervalOntoTheTemplate() {
        double fs = 500;
        float[] lead = new float[5000];
        int[] r = {230, 680, 1130, 1580, 2030, 2480, 2930, 3380, 3830, 4280, 4730};
        for (int p : r) {
            lead[p] = 1;
            lead[p + 45] = 0.5f; // 90 ms after R in a 900 ms RR interval
        }
        float[][] aligned = Beats.rlign(new float[][] {lead}, fs, r, 60, 0.01);
        int[] template = Beats.rlignTemplate(5000, fs, 60, 0.01);
        assertEquals(10, template.length);
        assertEquals(5, template[0]);
        for (int k = 0; k < 9; k++) {
            assertEquals(1f, aligned[0][template[k]], 1e-6, "R on the template grid");
            // 90 ms of a 900 ms interval becomes 100 ms of the 1000 ms template interval
            assertEquals(0.5f, aligned[0][template[k] + 50], 1e-6);
        }
        assertTrue(Float.isNaN(aligned[0][0]), "before the first template R nothing is known");
        float[][] median = Beats.rlignMedian(new float[][] {lead}, fs, r, 60, 0.01);
        assertNotNull(median);
        assertEquals(500, median[0].length);
        assertEquals(1f, median[0][500 / 3], 1e-6);
    }

    /** HRC keeps the QRS (35 ms before to 55 ms after R) sample for sample at the template R peaks. */
    @Test
    void rlignHrcCopiesTheQrsAndStretchesTheRest() {
        double fs = 500;
        float[] lead = new float[5000];
        int[] r = new int[12];
        for (int k = 0; k < r.length; k++) {
            r[k] = 200 + 400 * k; // 75 bpm
            for (int j = -17; j < 27; j++) {
                lead[r[k] + j] = (float) Math.sin(j / 5.0) + k * 0.01f;
            }
            lead[r[k] + 150] = 0.3f; // inside the ST-T part, moved by the stretch
        }
        float[][] aligned = Beats.rlign(new float[][] {lead}, fs, r, 60, 0.01, Beats.RlignScale.HRC);
        int[] template = Beats.rlignTemplate(5000, fs, 60, 0.01);
        for (int k = 1; k < 9; k++) {
            for (int j = -17; j < 27; j++) {
                assertEquals(lead[r[k] + j], aligned[0][template[k] + j], 0f, "beat " + k + " sample " + j);
            }
        }
        for (int k = 0; k < 9; k++) {
            for (int t = template[k] - 17; t < template[k + 1] - 17; t++) {
                assertTrue(t < 0 || !Float.isNaN(aligned[0][t]), "beat " + k + " filled at " + t);
            }
        }
        float[][] median = Beats.rlignMedian(new float[][] {lead}, fs, r, 60, 0.01, Beats.RlignScale.HRC);
        assertEquals(500, median[0].length);
        assertEquals(Math.sin(0), median[0][500 / 3], 0.05);
    }

    @Test
    void ludbMedianBeatHasItsRAtTheWindowPosition() throws Exception {
        Ecg ecg = Formats.read(TestData.data("ludb/data/2.hea"), ReadOptions.DEFAULT);
        float[][] x = ecg.samples();
        int[] r = QrsDetector.detect(x, ecg.fs());
        float[][] median = Beats.medianBeat(x, ecg.fs(), r, 300, 500);
        assertNotNull(median);
        assertEquals(12, median.length);
        assertEquals(400, median[0].length);
        float[] ii = median[ecg.indexOf("II")];
        int argmax = 0;
        for (int t = 0; t < ii.length; t++) {
            if (Math.abs(ii[t]) > Math.abs(ii[argmax])) {
                argmax = t;
            }
        }
        assertTrue(Math.abs(argmax - 150) <= 25, "largest deflection of lead II at " + argmax);
    }
}
