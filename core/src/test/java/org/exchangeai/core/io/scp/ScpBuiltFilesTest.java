package org.exchangeai.core.io.scp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCP-ECG features the shared files do not use — first differences, Huffman tables in section 2 with
 * table switches, uncompressed values, reference-beat subtraction and bimodal compression — on records
 * built by {@link ScpTestWriter} from a real recording: the 12 rhythm leads of the HL7 example
 * ({@code hl7aecg/Example_aECG.xml}, integer units of 2.5 µV, 500 Hz, 10 s). QRS fiducials come from a
 * slope detector on lead II (12 beats, RR 391–442 samples); the reference beat is the rounded mean of
 * the beats, 400 samples (800 ms) with its fiducial at sample 151.
 */
class ScpBuiltFilesTest {

    private static final int AVM_NV = 2500;
    private static final int INTERVAL_US = 2000;
    private static final String[] LEADS = {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"};
    private static final int[] CODES = {1, 2, 61, 62, 63, 64, 3, 4, 5, 6, 7, 8};
    private static final int BEAT_LENGTH = 400;
    private static final int BEAT_FIDUCIAL = 151;

    private static int[][] signal;
    private static int[][] referenceBeat;
    private static List<ScpTestWriter.Beat> beats;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        Map<String, double[]> rhythm = Hl7Digits.read(TestData.data("hl7aecg/Example_aECG.xml")).rhythm();
        signal = new int[LEADS.length][];
        for (int i = 0; i < LEADS.length; i++) {
            double[] uv = rhythm.get(LEADS[i]);
            signal[i] = new int[uv.length];
            for (int t = 0; t < uv.length; t++) {
                signal[i][t] = (int) Math.round(uv[t] / 2.5);
            }
        }
        List<Integer> fiducials = fiducials(signal[1]);
        assertEquals(12, fiducials.size(), "beats found in lead II: " + fiducials);
        beats = new ArrayList<>();
        List<Integer> usable = new ArrayList<>();
        for (int fc : fiducials) {
            int zeroBased = fc - 1;
            if (zeroBased - (BEAT_FIDUCIAL - 1) >= 0 && zeroBased - (BEAT_FIDUCIAL - 1) + BEAT_LENGTH <= signal[1].length) {
                usable.add(fc);
            }
            // subtraction zone 200 ms before to 520 ms after the fiducial; protected zone the QRS, −60…+80 ms
            beats.add(new ScpTestWriter.Beat(Math.max(1, fc - 100), fc, Math.min(signal[1].length, fc + 260),
                    Math.max(1, fc - 30), Math.min(signal[1].length, fc + 40)));
        }
        referenceBeat = new int[LEADS.length][BEAT_LENGTH];
        for (int i = 0; i < LEADS.length; i++) {
            for (int k = 0; k < BEAT_LENGTH; k++) {
                double sum = 0;
                for (int fc : usable) {
                    sum += signal[i][fc - 1 - (BEAT_FIDUCIAL - 1) + k];
                }
                referenceBeat[i][k] = (int) Math.round(sum / usable.size());
            }
        }
    }

    /** 1-based sample of each R wave: slope energy over 40 ms above half its 99.5th percentile, then the peak. */
    static List<Integer> fiducials(int[] x) {
        int n = x.length;
        double[] slope = new double[n];
        for (int t = 1; t < n; t++) {
            double s = 0;
            for (int k = Math.max(1, t - 10); k < Math.min(n, t + 10); k++) {
                s += Math.abs(x[k] - x[k - 1]);
            }
            slope[t] = s;
        }
        double[] sorted = slope.clone();
        Arrays.sort(sorted);
        double threshold = 0.5 * sorted[(int) (0.995 * (n - 1))];
        int[] copy = x.clone();
        Arrays.sort(copy);
        int median = copy[n / 2];
        List<Integer> out = new ArrayList<>();
        int t = 0;
        while (t < n) {
            if (slope[t] > threshold) {
                int best = t;
                for (int k = t; k < Math.min(n, t + 75); k++) {
                    if (slope[k] > slope[best]) {
                        best = k;
                    }
                }
                int peak = best;
                for (int k = Math.max(0, best - 30); k < Math.min(n, best + 30); k++) {
                    if (Math.abs(x[k] - median) > Math.abs(x[peak] - median)) {
                        peak = k;
                    }
                }
                out.add(peak + 1);
                t = best + 150;
            } else {
                t++;
            }
        }
        return out;
    }

    private Ecg readBuilt(ScpTestWriter writer, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, writer.write());
        assertEquals("SCP-ECG", Formats.detect(file).name());
        return Formats.read(file, ReadOptions.DEFAULT);
    }

    private static void assertExact(Ecg ecg) {
        assertEquals(500.0, ecg.fs());
        assertEquals(signal[0].length, ecg.length());
        for (int i = 0; i < LEADS.length; i++) {
            float[] lead = ecg.lead(LEADS[i]);
            for (int t = 0; t < lead.length; t++) {
                int lead0 = i;
                int t0 = t;
                assertEquals(signal[i][t] * 0.0025, lead[t], 1e-6, () -> LEADS[lead0] + " sample " + t0);
            }
        }
    }

    @Test
    void defaultTableWithSecondDifferencesIsLossless() throws Exception {
        Ecg ecg = readBuilt(new ScpTestWriter(signal, CODES, AVM_NV, INTERVAL_US), "default2.scp");
        assertExact(ecg);
        assertEquals("default table", ecg.source().properties().get("scp.huffman"));
    }

    @Test
    void section2TablesWithTableSwitchesAndFirstDifferencesAreLossless() throws Exception {
        Ecg ecg = readBuilt(new ScpTestWriter(signal, CODES, AVM_NV, INTERVAL_US)
                .coding(ScpTestWriter.Coding.SECTION_2_TABLES).differences(1), "tables1.scp");
        assertExact(ecg);
        assertEquals("2 table(s) from section 2", ecg.source().properties().get("scp.huffman"));
        assertEquals("1", ecg.source().properties().get("scp.difference_encoding"));
    }

    @Test
    void uncodedValuesWithoutDifferencesAreLossless() throws Exception {
        Ecg ecg = readBuilt(new ScpTestWriter(signal, CODES, AVM_NV, INTERVAL_US)
                .coding(ScpTestWriter.Coding.RAW_16_BIT).differences(0), "raw.scp");
        assertExact(ecg);
        assertTrue(ecg.warnings().isEmpty(), ecg.warnings().toString());
    }

    /**
     * With reference-beat subtraction the rhythm section holds only the residual; the reader adds the
     * section 5 beat back at each fiducial and recovers every sample exactly.
     */
    @Test
    void referenceBeatSubtractionIsUndoneExactly() throws Exception {
        ScpTestWriter writer = new ScpTestWriter(signal, CODES, AVM_NV, INTERVAL_US)
                .referenceBeat(referenceBeat, BEAT_FIDUCIAL, beats, true);
        int[][] residual = writer.residual();
        int fc = beats.get(5).fiducial();
        assertTrue(Math.abs(residual[1][fc - 1]) * 4 < Math.abs(signal[1][fc - 1]),
                "the stored R wave is a residual: " + residual[1][fc - 1] + " vs " + signal[1][fc - 1]);
        Ecg ecg = readBuilt(writer, "refbeat.scp");
        assertExact(ecg);
        assertEquals("yes", ecg.source().properties().get("scp.reference_beat_subtraction"));
        assertEquals("no", ecg.source().properties().get("scp.residual_smoothing"), "residual at the beat's AVM");
        assertEquals("12", ecg.source().properties().get("scp.qrs_complexes"));
        Ecg beat = ecg.representativeBeat();
        assertEquals(BEAT_LENGTH, beat.length());
        for (int k = 0; k < BEAT_LENGTH; k++) {
            assertEquals(referenceBeat[1][k] * 0.0025, beat.get(beat.indexOf("II"), k), 1e-6);
        }
    }

    @Test
    void bimodalCompressionByTwo() throws Exception {
        assertBimodal(2, 4.0);
    }

    @Test
    void bimodalCompressionByFour() throws Exception {
        assertBimodal(4, 8.0);
    }

    /**
     * Bimodal compression keeps the protected zones (the QRS complexes) at full rate and stores the
     * means of {@code factor} samples elsewhere. Protected samples come back exactly; every other sample
     * lies within the decimation error bound — the span of the residual over the two neighbouring groups
     * (t − 2·factor + 1 … t + 2·factor − 1) plus one unit for the rounded means — and the RMS error over
     * the recording stays below {@code rmsMicrovolts} (measured: 2.4 µV for factor 2, 4.4 µV for factor 4).
     */
    private void assertBimodal(int factor, double rmsMicrovolts) throws Exception {
        ScpTestWriter writer = new ScpTestWriter(signal, CODES, AVM_NV, INTERVAL_US)
                .referenceBeat(referenceBeat, BEAT_FIDUCIAL, beats, true).bimodal(factor);
        int[][] residual = writer.residual();
        Ecg ecg = readBuilt(writer, "bimodal" + factor + ".scp");
        assertEquals(500.0, ecg.fs(), "bimodal data come back at the full rate of section 5");
        assertEquals(signal[0].length, ecg.length());
        assertEquals("yes, decimation factor " + factor, ecg.source().properties().get("scp.bimodal_compression"));
        boolean[] fullRate = new boolean[signal[0].length];
        for (ScpTestWriter.Beat q : beats) {
            for (int t = q.protectedStart(); t <= q.protectedEnd(); t++) {
                fullRate[t - 1] = true;
            }
        }
        double sumSquares = 0;
        int count = 0;
        for (int i = 0; i < LEADS.length; i++) {
            float[] lead = ecg.lead(LEADS[i]);
            for (int t = 0; t < lead.length; t++) {
                double got = lead[t] / 0.0025;
                double error = got - signal[i][t];
                int lead0 = i;
                int t0 = t;
                if (fullRate[t]) {
                    assertEquals(signal[i][t], got, 1e-3, () -> LEADS[lead0] + " protected sample " + t0);
                    continue;
                }
                int lo = Integer.MAX_VALUE;
                int hi = Integer.MIN_VALUE;
                for (int k = Math.max(0, t - 2 * factor + 1); k <= Math.min(lead.length - 1, t + 2 * factor - 1); k++) {
                    lo = Math.min(lo, residual[i][k]);
                    hi = Math.max(hi, residual[i][k]);
                }
                int bound = hi - lo + 1;
                assertTrue(Math.abs(error) <= bound, () -> LEADS[lead0] + " sample " + t0 + ": error " + error
                        + " units, bound " + bound);
                sumSquares += error * error;
                count++;
            }
        }
        double rmsUv = Math.sqrt(sumSquares / count) * 2.5;
        assertTrue(rmsUv < rmsMicrovolts, "RMS error " + rmsUv + " µV outside protected zones");
    }

    @Test
    void interpretationMeasurementsAndDeviceAreReadButNotThePatient() throws Exception {
        Ecg ecg = readBuilt(new ScpTestWriter(signal, CODES, AVM_NV, INTERVAL_US)
                .interpretation(800, "Sinus rhythm"), "interpreted.scp");
        Map<String, Double> m = ScpEcgReaderTest.measurements(ecg);
        assertEquals(75.0, m.get("hr_bpm"), "60000 / 800 ms");
        assertEquals(150.0, m.get("pr_ms"));
        assertEquals(100.0, m.get("qrs_ms"));
        assertEquals(400.0, m.get("qt_ms"));
        assertEquals(50.0, m.get("p_axis_deg"));
        assertEquals(60.0, m.get("qrs_axis_deg"));
        assertFalse(m.containsKey("t_axis_deg"), "999 means undefined");
        assertEquals(List.of("Sinus rhythm", "SR; NORM"), ecg.statements(), "section 8, then section 11");
        assertEquals("Acme TEST01, software Firmware 3.2", ecg.source().device());
        assertEquals("2024-05-17T10:30:15", ecg.source().acquisitionTime());
        String all = ecg.source().toString() + ecg.source().properties() + ecg.source().notes() + ecg.warnings();
        assertFalse(all.contains("Doe"), all);
        assertFalse(all.contains("PATIENT-42"), all);
    }
}
