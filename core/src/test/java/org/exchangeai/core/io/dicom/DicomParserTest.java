package org.exchangeai.core.io.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.EcgReadException;
import org.junit.jupiter.api.Test;

/**
 * {@link DicomParser} and {@link DicomReader} on small General ECG objects written here, for what the
 * real file does not contain: 8-bit signed samples, a non-zero baseline, a correction factor, mV
 * and µV units side by side, an MDC lead code, a channel that is not a voltage, measurements in
 * seconds and per minute, a per-lead measurement, a coded statement, content date and time, and
 * absurd nesting. Expected values are worked out by hand from PS3.3 C.10.9.1.4: value = stored ×
 * Channel Sensitivity × Correction Factor + Channel Baseline, in the sensitivity units.
 */
class DicomParserTest {

    @Test
    void eightBitSamplesWithBaselineCorrectionAndMixedUnits() throws Exception {
        Ecg ecg = DicomReader.read(DicomEncoder.file(DicomParser.EXPLICIT_VR_LITTLE_ENDIAN, DicomReader.ECG_GENERAL,
                generalEcg()), "general.dcm");
        assertEquals(250.0, ecg.fs());
        assertEquals(4, ecg.length());
        assertEquals(List.of("I", "II", "III", "aVR", "aVL", "aVF"), ecg.leads());
        assertTrue(ecg.derivedLeads().contains("III"));
        // I: MDC 2:1, 5 uV x 2.0 + 100 uV baseline
        assertArrayEquals(new float[] {0.110f, -1.180f, 0.100f, 0.200f}, ecg.lead("I"), 1e-6f);
        // II: named only by its meaning, 0.01 mV - 0.05 mV baseline
        assertArrayEquals(new float[] {-0.070f, 1.220f, -0.050f, -0.150f}, ecg.lead("II"), 1e-6f);
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("Ohm")), ecg.warnings().toString());
        assertEquals("mixed", ecg.source().units());
        assertEquals("2024-01-02T10:11:12.5", ecg.source().acquisitionTime());
        Map<String, Measurement> m = new HashMap<>();
        ecg.measurements().forEach(x -> m.put(x.name(), x));
        assertEquals(72.0, m.get("hr_bpm").value());
        assertEquals(400.0, m.get("qt_ms").value(), 1e-9);
        assertEquals("ms", m.get("qt_ms").unit());
        assertEquals(1234.0, m.get("II_r_amplitude_uv").value());
        assertEquals(List.of("Sinus rhythm"), ecg.statements());
    }

    @Test
    void deepNestingIsRefused() {
        Element inner = seq(0x0040, 0xA730);
        for (int i = 0; i < 20; i++) {
            inner = seq(0x0040, 0xA730, inner);
        }
        byte[] file = DicomEncoder.file(DicomParser.EXPLICIT_VR_LITTLE_ENDIAN, DicomReader.ECG_GENERAL, inner.bytes);
        EcgReadException e = assertThrows(EcgReadException.class, () -> DicomParser.parse(file, "deep.dcm"));
        assertTrue(e.reason().contains("nested deeper"), e.reason());
    }

    @Test
    void leadNamesFromCodesAndMeanings() {
        assertEquals("III", DicomReader.leadName("5.6.3-9-61", "SCPECG", "Lead III", 1));
        assertEquals("V4R", DicomReader.leadName("5.6.3-9-12", "SCPECG", null, 1));
        assertEquals("aVF", DicomReader.leadName("2:64", "MDC", "whatever", 1));
        assertEquals("I", DicomReader.leadName(null, null, "Lead I (Einthoven)", 1));
        assertEquals("Pleth", DicomReader.leadName("X1", "99LOCAL", "Pleth", 1));
        assertEquals("channel 3", DicomReader.leadName(null, null, null, 3));
    }

    private static byte[] generalEcg() {
        byte[] samples = {1, -2, 5, -128, 127, 0, 0, 0, 0, 10, -10, 3};
        Element group = item(
                us(0x003A, 0x0005, 3), ul(0x003A, 0x0010, 4), str(0x003A, 0x001A, "DS", "250"),
                seq(0x003A, 0x0200,
                        item(seq(0x003A, 0x0208, item(str(0x0008, 0x0100, "SH", "2:1"), str(0x0008, 0x0102, "SH", "MDC"),
                                        str(0x0008, 0x0104, "LO", "MDC_ECG_LEAD_I"))),
                                str(0x003A, 0x0210, "DS", "5"), seq(0x003A, 0x0211, item(str(0x0008, 0x0100, "SH", "uV"))),
                                str(0x003A, 0x0212, "DS", "2.0"), str(0x003A, 0x0213, "DS", "100")),
                        item(seq(0x003A, 0x0208, item(str(0x0008, 0x0100, "SH", "L2"), str(0x0008, 0x0102, "SH", "99LOCAL"),
                                        str(0x0008, 0x0104, "LO", "Lead II"))),
                                str(0x003A, 0x0210, "DS", "0.01"), seq(0x003A, 0x0211, item(str(0x0008, 0x0100, "SH", "mV"))),
                                str(0x003A, 0x0213, "DS", "-0.05")),
                        item(seq(0x003A, 0x0208, item(str(0x0008, 0x0104, "LO", "Respiration"))),
                                str(0x003A, 0x0210, "DS", "1"), seq(0x003A, 0x0211, item(str(0x0008, 0x0100, "SH", "Ohm"))))),
                us(0x5400, 0x1004, 8), str(0x5400, 0x1006, "CS", "SB"), raw(0x5400, 0x1010, "OB", samples));
        Element annotations = seq(0x0040, 0xB020,
                item(seq(0x0040, 0x08EA, item(str(0x0008, 0x0100, "SH", "/min"))),
                        seq(0x0040, 0xA043, item(str(0x0008, 0x0104, "LO", "Ventricular Heart Rate"))),
                        usPair(0x0040, 0xA0B0, 1, 0), str(0x0040, 0xA30A, "DS", "72")),
                item(seq(0x0040, 0x08EA, item(str(0x0008, 0x0100, "SH", "s"))),
                        seq(0x0040, 0xA043, item(str(0x0008, 0x0104, "LO", "QT Interval"))),
                        str(0x0040, 0xA30A, "DS", "0.4")),
                item(seq(0x0040, 0x08EA, item(str(0x0008, 0x0100, "SH", "uV"))),
                        seq(0x0040, 0xA043, item(str(0x0008, 0x0104, "LO", "R Amplitude"))),
                        usPair(0x0040, 0xA0B0, 1, 2), str(0x0040, 0xA30A, "DS", "1234")),
                item(seq(0x0040, 0xA168, item(str(0x0008, 0x0104, "LO", "Sinus rhythm")))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(str(0x0008, 0x0016, "UI", DicomReader.ECG_GENERAL).bytes);
        out.writeBytes(str(0x0008, 0x0023, "DA", "20240102").bytes);
        out.writeBytes(str(0x0008, 0x0033, "TM", "101112.5").bytes);
        out.writeBytes(annotations.bytes);
        out.writeBytes(seq(0x5400, 0x0100, group).bytes);
        return out.toByteArray();
    }

    /** Encoded bytes of one explicit VR little endian element or item. */
    private record Element(byte[] bytes) {
    }

    private static Element header(int group, int element, String vr, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomEncoder.le16(out, group);
        DicomEncoder.le16(out, element);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (List.of("OB", "OW", "SQ", "UN", "UT").contains(vr)) {
            DicomEncoder.le16(out, 0);
            DicomEncoder.le32(out, value.length);
        } else {
            DicomEncoder.le16(out, value.length);
        }
        out.writeBytes(value);
        return new Element(out.toByteArray());
    }

    private static Element str(int group, int element, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        if (v.length % 2 != 0) {
            v = java.util.Arrays.copyOf(v, v.length + 1);
            v[v.length - 1] = (byte) (vr.equals("UI") ? 0 : ' ');
        }
        return header(group, element, vr, v);
    }

    private static Element us(int group, int element, int value) {
        return header(group, element, "US", new byte[] {(byte) value, (byte) (value >>> 8)});
    }

    private static Element usPair(int group, int element, int a, int b) {
        return header(group, element, "US", new byte[] {(byte) a, (byte) (a >>> 8), (byte) b, (byte) (b >>> 8)});
    }

    private static Element ul(int group, int element, long value) {
        return header(group, element, "UL", new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16),
                (byte) (value >>> 24)});
    }

    private static Element raw(int group, int element, String vr, byte[] value) {
        return header(group, element, vr, value);
    }

    private static Element item(Element... elements) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Element e : elements) {
            body.writeBytes(e.bytes);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomEncoder.le16(out, 0xFFFE);
        DicomEncoder.le16(out, 0xE000);
        DicomEncoder.le32(out, body.size());
        out.writeBytes(body.toByteArray());
        return new Element(out.toByteArray());
    }

    private static Element seq(int group, int element, Element... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Element e : items) {
            body.writeBytes(e.bytes().length > 1 && e.bytes()[0] == (byte) 0xFE && e.bytes()[1] == (byte) 0xFF ? e.bytes : item(e).bytes);
        }
        return header(group, element, "SQ", body.toByteArray());
    }
}
