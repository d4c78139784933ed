package org.exchangeai.core.io.scp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;

/**
 * The SCP-ECG reader on the shared real files. Expected numbers come from independent sources: the
 * HL7 aECG rendering of the same recording ({@code hl7aecg/Example_aECG.xml}, read here with a plain
 * XML parser, see {@link Hl7Digits}), the CSV export of the same device recording
 * ({@code csv/0000050.ECG.csv}), and the worked Huffman example of the standard.
 */
class ScpEcgReaderTest {

    private static Ecg read(Path p) throws EcgReadException {
        return Formats.read(p, ReadOptions.DEFAULT);
    }

    /**
     * {@code Example.scp} is the HL7 example converted to SCP-ECG (data README, "known quirks"): every
     * rhythm sample of the 12 leads equals origin + scale × digit of the HL7 rhythm sequences
     * (2.5 µV per digit, 500 Hz from the HL7 increment 0.002 s, 5000 digits per lead). Its section 7
     * gives the same PR 148, QRS 120, QT 420, QTc 443 ms and axes 44/−61/86° as the HL7 annotations.
     */
    @Test
    void exampleEqualsTheHl7RenderingOfTheSameRecording() throws Exception {
        Path scp = TestData.data("scp/Example.scp");
        assertEquals("SCP-ECG", Formats.detect(scp).name());
        Ecg ecg = read(scp);
        Hl7Digits hl7 = Hl7Digits.read(TestData.data("hl7aecg/Example_aECG.xml"));

        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(500.0, ecg.fs());
        assertEquals(5000, ecg.length());
        assertEquals(12, hl7.rhythm().size());
        for (Map.Entry<String, double[]> e : hl7.rhythm().entrySet()) {
            float[] lead = ecg.lead(e.getKey());
            double[] microvolts = e.getValue();
            assertEquals(microvolts.length, lead.length, e.getKey());
            for (int t = 0; t < lead.length; t++) {
                assertEquals(microvolts[t] / 1000.0, lead[t], 1e-6, e.getKey() + " sample " + t);
            }
        }
        assertTrue(ecg.derivedLeads().isEmpty(), "all 12 leads are stored");
        assertEquals("2002-11-22T09:10:00", ecg.source().acquisitionTime(), "HL7 head 20021122091000");
        assertTrue(ecg.source().device().contains("ELI250"), ecg.source().device());
        assertEquals("2500", ecg.source().properties().get("scp.rhythm_avm_nv"));
        assertEquals("default table", ecg.source().properties().get("scp.huffman"));
        assertEquals("2", ecg.source().properties().get("scp.difference_encoding"));
        assertEquals(400.0, ecg.source().gains()[0], 1e-9, "2500 nV per unit = 400 units per mV");

        Map<String, Double> m = measurements(ecg);
        assertEquals(148.0, m.get("pr_ms"));
        assertEquals(120.0, m.get("qrs_ms"));
        assertEquals(420.0, m.get("qt_ms"));
        assertEquals(443.0, m.get("qtc_ms"));
        assertEquals(44.0, m.get("p_axis_deg"));
        assertEquals(-61.0, m.get("qrs_axis_deg"));
        assertEquals(86.0, m.get("t_axis_deg"));
        assertNull(m.get("hr_bpm"), "section 7 states RR as 29999 (not computed)");

        // section 5 holds the representative beats: 1198 ms at 500 Hz = 599 samples, as the HL7 beats
        Ecg beat = ecg.representativeBeat();
        assertNotNull(beat);
        assertEquals(599, beat.length());
        for (Map.Entry<String, double[]> e : hl7.beats().entrySet()) {
            float[] lead = beat.lead(e.getKey());
            for (int t = 0; t < lead.length; t++) {
                assertEquals(e.getValue()[t] / 1000.0, lead[t], 1e-6, "beat " + e.getKey() + " sample " + t);
            }
        }
    }

    /** Patient tags (name "Clark", ID "SBJ-123" in section 1 of Example.scp) never reach the recording. */
    @Test
    void patientIdentityIsNotRead() throws Exception {
        Ecg ecg = read(TestData.data("scp/Example.scp"));
        String all = ecg.source().toString() + ecg.source().properties() + ecg.source().notes() + ecg.warnings()
                + ecg.statements();
        assertFalse(all.contains("Clark"), all);
        assertFalse(all.contains("SBJ"), all);
    }

    /**
     * {@code 0000050.ECG.scp} stores 32 767 of its declared 37 855 samples per lead (16-bit byte counts
     * of 65 534), 16-bit values without Huffman coding, 5000 nV per unit, 1250 µs per sample (800 Hz).
     * The stored samples equal rows 0–32 766 of the CSV export (integer units of 5 µV) for the six
     * limb leads; V1–V6 are zero (chest electrodes not connected).
     */
    @Test
    void cappedRecordingEqualsTheCsvExportWithAWarning() throws Exception {
        Ecg ecg = read(TestData.data("scp/0000050.ECG.scp"));
        assertEquals(800.0, ecg.fs());
        assertEquals(32767, ecg.length(), "the stored samples, never padded to 37 855");
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("37855") && w.contains("32767")),
                ecg.warnings().toString());
        assertEquals("37855", ecg.source().properties().get("scp.declared_samples"));
        assertEquals("2020-11-16T21:44:39", ecg.source().acquisitionTime());

        List<String> rows = Files.readAllLines(TestData.data("csv/0000050.ECG.csv"));
        assertEquals(37855, rows.size());
        String[] limb = {"I", "II", "III", "aVR", "aVL", "aVF"};
        float[][] leads = new float[6][];
        for (int c = 0; c < 6; c++) {
            leads[c] = ecg.lead(limb[c]);
        }
        for (int t = 0; t < 32767; t++) {
            String[] cells = rows.get(t).split(",", -1);
            for (int c = 0; c < 6; c++) {
                int expected = Integer.parseInt(cells[c].trim());
                assertEquals(expected * 0.005, leads[c][t], 1e-6, limb[c] + " row " + t);
            }
        }
        for (String v : List.of("V1", "V2", "V3", "V4", "V5", "V6")) {
            for (float x : ecg.lead(v)) {
                assertEquals(0f, x, v);
            }
        }
        assertTrue(ecg.derivedLeads().isEmpty());
    }

    /**
     * The worked example of the default Huffman table in prEN 1064:2002 (annex C), 28 second-difference
     * coded samples, with the printed byte 0xF5 read as 0xF1 and a final zero byte, as the standard's own
     * bit table shows (transcription from the PixelMed SCP-ECG decoder's test).
     */
    @Test
    void defaultTableDecodesTheStandardsWorkedExample() {
        byte[] bits = {(byte) 0xFF, (byte) 0x83, (byte) 0x7F, (byte) 0xE0, (byte) 0xE6, (byte) 0xF1, (byte) 0x53,
            (byte) 0x65, (byte) 0x59, (byte) 0xB6, (byte) 0x5B, (byte) 0x96, (byte) 0x4B, (byte) 0x96, 0};
        int[] d = ScpHuffman.defaultTable().decode(bits, 0, bits.length, 28);
        long[] v = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = d[i];
        }
        ScpSignal.undoDifferences(v, 2);
        assertArrayEquals(new long[] {13, 14, 15, 14, 16, 18, 19, 20, 22, 22, 23, 23, 23, 22, 22, 20, 17, 15, 12, 8,
            6, 3, 1, 0, -2, -2, -3, -3}, v);
    }

    /** Detection is by content: of all shared data files only the SCP records are taken. */
    @Test
    void noOtherSharedFileIsDetectedAsScp() throws Exception {
        ScpEcgReader reader = new ScpEcgReader();
        List<String> detected;
        try (var walk = Files.walk(TestData.shared().resolve("data"))) {
            detected = walk.filter(Files::isRegularFile).filter(p -> {
                try {
                    return reader.detect(p, Formats.head(p));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("0000050.ECG.scp", "ECG_20060620_112352_197001138994.SCP",
                "ECG_20170504_163507_123456789.SCP", "Example.scp", "test.scp"), detected);
        // without the SCPECG mark (as in version 1.x) and without the extension, the record CRC decides
        byte[] b = Files.readAllBytes(TestData.data("scp/Example.scp"));
        Arrays.fill(b, 16, 22, (byte) 0);
        ScpTestWriter.fixCrcs(b);
        Path renamed = Files.createTempFile("scp-without-mark", ".bin");
        try {
            Files.write(renamed, b);
            assertTrue(reader.detect(renamed, Formats.head(renamed)), "found by content, not by name");
            assertEquals(5000, read(renamed).length());
            b[100] ^= 1;
            Files.write(renamed, b);
            assertFalse(reader.detect(renamed, Formats.head(renamed)), "no mark, no name, bad CRC");
        } finally {
            Files.delete(renamed);
        }
    }

    static Map<String, Double> measurements(Ecg ecg) {
        Map<String, Double> m = new java.util.HashMap<>();
        for (Measurement x : ecg.measurements()) {
            m.put(x.name(), x.value());
        }
        return m;
    }
}
