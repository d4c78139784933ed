package org.exchangeai.core.io.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DicomReader} on the real Mortara 12-lead ECG waveform file {@code ../shared/data/dicom/waveform_ecg.dcm}.
 *
 * <p>Where the expected numbers came from: an independent decoder, pydicom 2.3.1 (Debian
 * {@code python3-pydicom}) with numpy, was run once on the file. It wrote
 * {@code fixtures/dicom/waveform_ecg.json} (group labels, sizes, rate, per-channel source codes and
 * meanings, sensitivity, correction factor, baseline, units, the sum, minimum and maximum of every
 * channel over all samples in mV, and the numeric and text annotations) and
 * {@code fixtures/dicom/group{0,1}_first500_mV.csv} (the first 500 samples of every channel of
 * both multiplex groups in mV, from {@code Dataset.waveform_array}, divided by 1000 for µV).
 * pydicom adds the baseline before scaling while PS3.3 adds it after; every baseline in this
 * file is 0, so both agree here.
 *
 * <p>Implicit VR and undefined-length sequences and items are proven by re-encoding the same file
 * ({@link DicomEncoder}) and requiring the same recording; damaged copies must fail with an
 * {@link EcgReadException} that says why.
 */
class DicomReaderTest {

    private static final Path FILE = TestData.data("dicom/waveform_ecg.dcm");
    private static JsonNode expected;
    private static Ecg ecg;
    private static byte[] original;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readOnce() throws Exception {
        try (InputStream in = DicomReaderTest.class.getResourceAsStream("/fixtures/dicom/waveform_ecg.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        ecg = Formats.read(FILE, ReadOptions.DEFAULT);
        original = Files.readAllBytes(FILE);
    }

    @Test
    void detectedByContent() throws IOException {
        assertInstanceOf(DicomReader.class, Formats.detect(FILE));
        assertFalse(new DicomReader().detect(FILE, new byte[64]));
    }

    @Test
    void rhythmGroupIsTheRecording() {
        JsonNode g = expected.get("groups").get(0);
        assertEquals("RHYTHM", g.get("label").asText());
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(g.get("fs").asDouble(), ecg.fs());
        assertEquals(g.get("samples").asInt(), ecg.length());
        assertEquals(10000, ecg.length());
        assertTrue(ecg.derivedLeads().isEmpty(), "all 12 leads are stored");
    }

    @Test
    void samplesEqualIndependentDecoder() throws IOException {
        compareWithFixture(ecg, expected.get("groups").get(0));
    }

    @Test
    void medianBeatIsTheRepresentativeBeat() throws IOException {
        Ecg beat = ecg.representativeBeat();
        assertNotNull(beat);
        JsonNode g = expected.get("groups").get(1);
        assertEquals("MEDIAN BEAT", g.get("label").asText());
        assertEquals(1200, beat.length());
        assertEquals(1000.0, beat.fs());
        assertEquals(LeadNames.STANDARD_12, beat.leads());
        compareWithFixture(beat, g);
    }

    @Test
    void scalingAndMetadataFromTheFile() {
        SourceInfo s = ecg.source();
        assertEquals("DICOM", s.format());
        assertEquals("uV", s.units());
        assertEquals(1000.0, s.originalFs());
        JsonNode g = expected.get("groups").get(0);
        for (int i = 0; i < 12; i++) {
            double perUnit = g.get("sensitivity").get(i).asDouble() * g.get("correction").get(i).asDouble();
            assertEquals(1.0 / perUnit, s.gains()[i], 1e-12, "1.25 uV per unit gives 0.8 units per uV");
            assertEquals(0.0, s.baselines()[i], 0.0);
        }
        assertEquals(expected.get("manufacturer").asText() + " " + expected.get("model").asText(), s.device());
        assertEquals("2013-01-25T10:59:19", s.acquisitionTime());
        assertTrue(s.properties().get("sopClass").startsWith(expected.get("sopClass").asText()));
        assertEquals(expected.get("transferSyntax").asText(), s.properties().get("transferSyntax"));
        assertTrue(s.properties().get("medianGroup").contains("MEDIAN BEAT"));
    }

    @Test
    void measurementsAndStatementsFromAnnotations() {
        Map<String, Double> got = new HashMap<>();
        for (Measurement m : ecg.measurements()) {
            got.put(m.name(), m.value());
        }
        Map<String, String> canonical = Map.of("PR Interval", "pr_ms", "QRS Duration", "qrs_ms", "QT Interval", "qt_ms",
                "QTc Interval", "qtc_ms", "P Axis", "p_axis_deg", "QRS Axis", "qrs_axis_deg", "T Axis", "t_axis_deg",
                "RR Interval", "rr_ms", "PP Interval", "pp_ms");
        List<String> texts = new ArrayList<>();
        int numeric = 0;
        for (JsonNode a : expected.get("annotations")) {
            if (a.has("text")) {
                texts.add(a.get("text").asText());
            } else {
                String name = canonical.get(a.get("meaning").asText());
                assertNotNull(name, "fixture concept " + a.get("meaning"));
                if (a.get("value").asDouble() == 0) {
                    // an interval of 0 ms is the device saying it did not measure it
                    assertFalse(got.containsKey(name), name);
                    assertEquals(name, ecg.source().properties().get("measurementsStatedAsZero"));
                    continue;
                }
                assertEquals(a.get("value").asDouble(), got.get(name), 0.0, name);
                numeric++;
            }
        }
        assertEquals(8, numeric);
        assertEquals(numeric, ecg.measurements().size());
        assertFalse(got.containsKey("pp_ms"), "PP interval is stated as 0 ms");
        assertEquals(161.0, got.get("pr_ms"));
        assertEquals(368.0, got.get("qt_ms"));
        assertEquals(texts, ecg.statements());
        assertEquals(List.of("RITMO SINUSALE", "ECG NORMALE"), ecg.statements());
    }

    @Test
    void noPatientIdentityInMetadata() {
        SourceInfo s = ecg.source();
        String all = s.notes() + " " + s.properties() + " " + s.device() + " " + s.acquisitionTime() + " "
                + ecg.statements() + " " + ecg.warnings() + " " + ecg.measurements();
        for (String identity : List.of("642341", "19710123", "Anonymous", "Galliera", "13002689")) {
            assertFalse(all.contains(identity), identity + " leaked into " + all);
        }
    }

    @Test
    void implicitVrAndUndefinedLengthsGiveTheSameRecording() throws Exception {
        DicomParser.DicomFile parsed = DicomParser.parse(original, "original");
        String sop = DicomReader.ECG_12_LEAD;
        byte[] implicitDefined = DicomEncoder.file(DicomParser.IMPLICIT_VR_LITTLE_ENDIAN, sop,
                new DicomEncoder(false, false).encode(parsed.body()));
        byte[] implicitUndefined = DicomEncoder.file(DicomParser.IMPLICIT_VR_LITTLE_ENDIAN, sop,
                new DicomEncoder(false, true).encode(parsed.body()));
        byte[] explicitUndefined = DicomEncoder.file(DicomParser.EXPLICIT_VR_LITTLE_ENDIAN, sop,
                new DicomEncoder(true, true).encode(parsed.body()));
        for (byte[] variant : List.of(implicitDefined, implicitUndefined, explicitUndefined)) {
            Ecg other = read(variant);
            assertEquals(ecg, other);
            assertEquals(ecg.representativeBeat(), other.representativeBeat());
            assertEquals(ecg.measurements(), other.measurements());
            assertEquals(ecg.statements(), other.statements());
        }
        assertEquals(DicomParser.IMPLICIT_VR_LITTLE_ENDIAN, read(implicitUndefined).source().properties().get("transferSyntax"));
    }

    @Test
    void unsupportedTransferSyntaxesAreRefused() throws Exception {
        DicomParser.DicomFile parsed = DicomParser.parse(original, "original");
        byte[] body = new DicomEncoder(true, false).encode(parsed.body());
        assertReason(DicomEncoder.file("1.2.840.10008.1.2.1.99", DicomReader.ECG_12_LEAD, body), "deflated");
        assertReason(DicomEncoder.file("1.2.840.10008.1.2.2", DicomReader.ECG_12_LEAD, body), "big endian");
        assertReason(DicomEncoder.file("1.2.840.10008.1.2.4.50", DicomReader.ECG_12_LEAD, body), "not supported");
    }

    @Test
    void otherSopClassesAreRefused() throws Exception {
        assertReason(replaceAll(original, DicomReader.ECG_12_LEAD, "1.2.840.10008.5.1.4.1.1.12.1"), "DICOM image");
        assertReason(replaceAll(original, DicomReader.ECG_12_LEAD, "1.2.840.10008.5.1.4.1.1.104.1"), "PDF");
        // General and ambulatory ECG are read like the 12-lead class
        assertEquals(ecg, read(replaceAll(original, DicomReader.ECG_12_LEAD, DicomReader.ECG_GENERAL)));
        assertEquals(ecg, read(replaceAll(original, DicomReader.ECG_12_LEAD, DicomReader.ECG_AMBULATORY)));
    }

    private static final String HEMODYNAMIC = "1.2.840.10008.5.1.4.1.1.9.2.1";

    @Test
    void ecgLeadsAreReadFromAnotherWaveformClassWithAWarning() throws Exception {
        Ecg other = read(replaceAll(original, DicomReader.ECG_12_LEAD, HEMODYNAMIC));
        assertEquals(ecg, other);
        assertEquals(ecg.leads(), other.leads());
        assertEquals(ecg.representativeBeat(), other.representativeBeat());
        assertEquals(ecg.measurements(), other.measurements());
        String warning = "DICOM SOP class " + HEMODYNAMIC + " (Hemodynamic Waveform Storage) is not an ECG waveform class;"
                + " only its channels coded as ECG leads are read";
        List<String> expectedWarnings = new ArrayList<>(ecg.warnings());
        expectedWarnings.add(0, warning);
        assertEquals(expectedWarnings, other.warnings());
        assertEquals(HEMODYNAMIC + " (Hemodynamic Waveform Storage)", other.source().properties().get("sopClass"));
    }

    @Test
    void aNonEcgChannelInAnotherWaveformClassIsReportedNotMadeALead() throws Exception {
        // V6 relabelled in both groups as a pressure channel (an MDC code outside the ECG lead block), as a
        // hemodynamic recording holds beside its ECG leads; it stays in µV so that only its code tells it apart
        byte[] copy = relabelV6AsPressure(replaceAll(original, DicomReader.ECG_12_LEAD, HEMODYNAMIC));
        Ecg other = read(copy);
        List<String> leads = new ArrayList<>(ecg.leads());
        leads.remove("V6");
        assertEquals(leads, other.leads());
        for (String lead : leads) {
            assertTrue(java.util.Arrays.equals(ecg.lead(lead), other.lead(lead)), lead);
        }
        assertTrue(other.warnings().contains("multiplex group 1 'RHYTHM' channel 12 (Pressure [2:18944 MDC]) is not coded"
                + " as an ECG lead; it is left out"), other.warnings().toString());
        assertFalse(other.representativeBeat().leads().contains("V6"));
        // in an ECG class the same file keeps its eleven coded leads and the voltage channel under its own name
        Ecg inEcgClass = read(relabelV6AsPressure(original));
        assertTrue(inEcgClass.leads().contains("Pressure"), inEcgClass.leads().toString());
    }

    @Test
    void anotherWaveformClassWithoutEcgChannelsIsRefused() throws Exception {
        // every channel source moved to a private coding scheme: nothing is coded as an ECG lead any more
        byte[] copy = replaceAll(replaceAll(original, DicomReader.ECG_12_LEAD, HEMODYNAMIC), "SCPECG", "99PRIV", 20);
        assertReason(copy, "DICOM Hemodynamic Waveform Storage (SOP class " + HEMODYNAMIC
                + ") holds no ECG channel: no channel source is coded as an ECG lead");
        assertReason(copy, "Lead I (Einthoven) [5.6.3-9-1 99PRIV]");
    }

    /** Rewrites V6's channel source (code, scheme and meaning, at their stored lengths) in every group. */
    private static byte[] relabelV6AsPressure(byte[] data) {
        byte[] from = "5.6.3-9-8 \u0008\u0000\u0002\u0001SH\u0006\u0000SCPECG\u0008\u0000\u0003\u0001SH\u0004\u00001.3 \u0008\u0000\u0004\u0001LO\u0008\u0000Lead V6 "
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] to = "2:18944   \u0008\u0000\u0002\u0001SH\u0006\u0000MDC   \u0008\u0000\u0003\u0001SH\u0004\u00001.3 \u0008\u0000\u0004\u0001LO\u0008\u0000Pressure"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(from.length, to.length);
        byte[] copy = data.clone();
        int count = 0;
        for (int i = 0; i + from.length <= copy.length; i++) {
            if (java.util.Arrays.equals(copy, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, copy, i, to.length);
                count++;
            }
        }
        assertEquals(2, count, "V6 is defined in the rhythm and the median-beat group");
        return copy;
    }

    @Test
    void truncatedCopiesFailClearly() throws Exception {
        for (int length : new int[] {0, 100, 131, 140, 200, 400, 1500, original.length / 2, original.length - 2,
                original.length - 1}) {
            byte[] cut = java.util.Arrays.copyOf(original, length);
            EcgReadException e = assertThrows(EcgReadException.class, () -> read(cut), "cut at " + length);
            assertTrue(e.reason().contains("truncated") || e.reason().contains("not a DICOM")
                    || e.reason().contains("no file meta"), "cut at " + length + ": " + e.reason());
        }
    }

    @Test
    void wrongCountsFailClearly() throws Exception {
        DicomParser.DicomFile parsed = DicomParser.parse(original, "original");
        DicomDataset rhythm = parsed.body().sequence(DicomDataset.tag(0x5400, 0x0100)).get(0);
        int samples = rhythm.element(DicomDataset.tag(0x003A, 0x0010)).offset();
        int channels = rhythm.element(DicomDataset.tag(0x003A, 0x0005)).offset();
        assertReason(withInt32(original, samples, 10001), "truncated: multiplex group 1 'RHYTHM' Waveform Data holds 240000 bytes");
        assertReason(withInt32(original, samples, 9999), "size mismatch");
        assertReason(withInt32(original, samples, 0), "Number of Waveform Samples");
        byte[] thirteen = original.clone();
        thirteen[channels] = 13;
        assertReason(thirteen, "declares 13 channels but defines 12");
    }

    @Test
    void absurdLengthsFailWithoutAllocating() throws Exception {
        DicomParser.DicomFile parsed = DicomParser.parse(original, "original");
        DicomDataset body = parsed.body();
        DicomDataset rhythm = body.sequence(DicomDataset.tag(0x5400, 0x0100)).get(0);
        int waveformLength = rhythm.element(DicomDataset.tag(0x5400, 0x1010)).offset() - 4;
        int sequenceLength = body.element(DicomDataset.tag(0x5400, 0x0100)).offset() - 4;
        int annotationsLength = body.element(DicomDataset.tag(0x0040, 0xB020)).offset() - 4;
        assertReason(withInt32(original, waveformLength, 0x7FFFFFF0L), "declares 2147483632 bytes");
        assertReason(withInt32(original, sequenceLength, 0xFFFFFFF0L), "truncated");
        assertReason(withInt32(original, annotationsLength, 0xFFFFFFFEL), "truncated");
        // an undefined length where the file has none: the items never end
        EcgReadException e = assertThrows(EcgReadException.class,
                () -> read(withInt32(original, waveformLength, 0xFFFFFFFFL)));
        assertTrue(e.reason().contains("undefined length"), e.reason());
    }

    @Test
    void flippedBytesNeverEscapeAsOtherErrors() throws Exception {
        Random random = new Random(20260126L);
        int failures = 0;
        DicomDataset rhythm = DicomParser.parse(original, "original").body()
                .sequence(DicomDataset.tag(0x5400, 0x0100)).get(0);
        int structured = rhythm.element(DicomDataset.tag(0x5400, 0x1010)).offset();
        for (int i = 0; i < 150; i++) {
            byte[] copy = original.clone();
            // most flips go to the structured part before the rhythm samples, a few into the samples
            int pos = i % 5 != 0 ? random.nextInt(structured) : random.nextInt(copy.length);
            copy[pos] ^= (byte) (1 << random.nextInt(8));
            try {
                DicomReader.read(copy, "flipped");
            } catch (EcgReadException e) {
                failures++;
                assertFalse(e.reason().isBlank());
            }
        }
        assertTrue(failures > 0, "some flips must be caught");
    }

    private void compareWithFixture(Ecg actual, JsonNode group) throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/dicom/" + group.get("firstSamplesFile").asText())) {
            lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        }
        int channels = group.get("channels").asInt();
        List<String> leads = new ArrayList<>();
        for (JsonNode m : group.get("channelMeanings")) {
            leads.add(LeadNames.normalize(m.asText().replace(" (Einthoven)", "").replace("Lead ", "")));
        }
        assertEquals(501, lines.size());
        for (int t = 0; t < 500; t++) {
            String[] cells = lines.get(t + 1).split(",");
            assertEquals(channels, cells.length);
            for (int c = 0; c < channels; c++) {
                assertEquals(Double.parseDouble(cells[c]), actual.get(actual.indexOf(leads.get(c)), t), 1e-6,
                        leads.get(c) + " sample " + t);
            }
        }
        for (int c = 0; c < channels; c++) {
            float[] lead = actual.lead(leads.get(c));
            double sum = 0;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : lead) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(group.get("sum_mV").get(c).asDouble(), sum, 1e-3, leads.get(c) + " sum over all samples");
            assertEquals(group.get("min_mV").get(c).asDouble(), min, 1e-6, leads.get(c) + " min");
            assertEquals(group.get("max_mV").get(c).asDouble(), max, 1e-6, leads.get(c) + " max");
        }
    }

    private Ecg read(byte[] bytes) throws Exception {
        Path p = Files.createTempFile(tmp, "variant", ".dcm");
        Files.write(p, bytes);
        return new DicomReader().read(p, ReadOptions.DEFAULT);
    }

    private void assertReason(byte[] bytes, String part) {
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(bytes));
        assertTrue(e.reason().contains(part), "expected '" + part + "' in: " + e.reason());
    }

    private static byte[] withInt32(byte[] data, int offset, long value) {
        byte[] copy = data.clone();
        for (int i = 0; i < 4; i++) {
            copy[offset + i] = (byte) (value >>> (8 * i));
        }
        return copy;
    }

    /** Replaces every occurrence of a UID, padding with NULs to the same length (UIDs are NUL-padded). */
    private static byte[] replaceAll(byte[] data, String from, String to) {
        return replaceAll(data, from, to, 2);
    }

    private static byte[] replaceAll(byte[] data, String from, String to, int atLeast) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        assertTrue(t.length <= f.length + 1);
        byte[] copy = data.clone();
        int count = 0;
        outer:
        for (int i = 0; i + f.length < copy.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (copy[i + j] != f[j]) {
                    continue outer;
                }
            }
            // a shorter UID is padded with NULs over the original's length and its own pad byte
            byte[] padded = java.util.Arrays.copyOf(t, t.length == f.length ? f.length : f.length + 1);
            System.arraycopy(padded, 0, copy, i, padded.length);
            count++;
        }
        assertTrue(count >= atLeast, from + " found " + count + " times");
        return copy;
    }
}
