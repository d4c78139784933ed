package org.exchangeai.core.io.vendorxml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Philips SierraECG 1.03 ({@code philips/129DYPRG.XML}) and PhilipsECG 1.04
 * ({@code philips/ecg_900657176_1.xml}).
 *
 * <p>There is no second export of these recordings, so the decoding is checked against facts that
 * a wrong decoder could not meet by chance: the heart rate counted from the decoded lead II equals
 * the rate the device wrote into the file (41 and 120 bpm); the rebuilt limb leads obey Einthoven
 * and Goldberger; every channel ends with the same 1 mV (200 units of 5 µV) calibration pulse at
 * samples 5350–5449 between exact zeros; and every channel has exactly 5500 samples (11 000 ms at
 * 500 Hz). Measurements and statements are pinned to the values written in the XML.
 *
 * <p>Einthoven holds within one unit (5 µV) at every sample of the 1.04 file, where the stored III
 * residual is always 0. The 1.03 file (HeartStart MRx) stores residuals of −2…+2 units, so its III
 * differs from II − I by up to 2 units at 54 of 5380 samples, and aVL and aVF (rebuilt from that III)
 * differ from I − II/2 and II − I/2 by up to 2 units at 74 and 80 samples; the test allows 2 units
 * there and checks that at least 98 % of the samples are within one unit. The calibration pulse
 * (the same 1 mV in every lead) is left out of these checks.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PhilipsXmlReaderTest {

    private static final Path V103 = TestData.data("philips/129DYPRG.XML");
    private static final Path V104 = TestData.data("philips/ecg_900657176_1.xml");
    private static final double UNIT_MV = 0.005;
    private static final int CAL_START = 5350;
    private static final int CAL_END = 5449;

    @TempDir
    Path tmp;

    private static Ecg read(Path p) throws EcgReadException {
        return new PhilipsXmlReader().read(p, ReadOptions.DEFAULT);
    }

    @Test
    void version103HasTwelveLeadsOf5500Samples() throws Exception {
        Ecg ecg = read(V103);
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(500.0, ecg.fs());
        assertEquals(5500, ecg.length());
        // first decoded units: I 48, II 117, rebuilt III = 117 − 48 − 0 = 69
        assertEquals(0.240f, ecg.get(0, 0), 1e-6f);
        assertEquals(0.585f, ecg.get(1, 0), 1e-6f);
        assertEquals(0.345f, ecg.get(2, 0), 1e-6f);
        assertEquals("HeartstartMRx (machine 0001)", ecg.source().device());
        assertEquals("2011-12-01T07:27:34", ecg.source().acquisitionTime());
        assertEquals("1.03", ecg.source().properties().get("document_version"));
        assertEquals("XLI", ecg.source().properties().get("compression"));
        assertNull(ecg.representativeBeat(), "the 1.03 file has no repbeats");
    }

    @Test
    void version104HasFifteenLeads() throws Exception {
        Ecg ecg = read(V104);
        List<String> expected = new ArrayList<>(LeadNames.STANDARD_12);
        expected.addAll(List.of("V3R", "V4R", "V7"));
        assertEquals(expected, ecg.leads());
        assertEquals(5500, ecg.length());
        assertEquals(-0.095f, ecg.get(0, 0), 1e-6f);
        assertEquals("PageWriter Touch (machine 46440)", ecg.source().device());
        assertEquals("1.04", ecg.source().properties().get("document_version"));
        for (String missing : List.of("V3R", "V4R", "V7")) {
            float[] lead = ecg.lead(missing);
            for (int t = 0; t < CAL_START; t++) {
                assertEquals(0f, lead[t], "the device reports " + missing + " missing; it is flat");
            }
        }
    }

    @Test
    void heartRateCountedFromLeadIIMatchesTheFile() throws Exception {
        for (Path p : List.of(V103, V104)) {
            Ecg ecg = read(p);
            double stated = measurement(ecg, "hr_bpm");
            double counted = countedRate(ecg.lead("II"), ecg.fs(), CAL_START - 50);
            assertEquals(stated, counted, 2.0, p.getFileName() + ": counted " + counted + " bpm");
        }
    }

    /**
     * R peaks: samples whose distance from the median is at least 60 % of the largest distance
     * and the largest within ±200 ms; rate = 60 / mean RR.
     */
    private static double countedRate(float[] x, double fs, int end) {
        float[] sorted = Arrays.copyOf(x, end);
        Arrays.sort(sorted);
        float median = sorted[end / 2];
        double[] d = new double[end];
        double max = 0;
        for (int t = 0; t < end; t++) {
            d[t] = Math.abs(x[t] - median);
            max = Math.max(max, d[t]);
        }
        int window = (int) (0.2 * fs);
        List<Integer> peaks = new ArrayList<>();
        for (int t = 0; t < end; t++) {
            if (d[t] < 0.6 * max) {
                continue;
            }
            boolean isMax = true;
            for (int k = Math.max(0, t - window); k < Math.min(end, t + window + 1) && isMax; k++) {
                isMax = d[k] <= d[t];
            }
            if (isMax && (peaks.isEmpty() || t - peaks.get(peaks.size() - 1) > window)) {
                peaks.add(t);
            }
        }
        assertTrue(peaks.size() >= 3, "too few R peaks: " + peaks);
        double meanRr = (peaks.get(peaks.size() - 1) - peaks.get(0)) / fs / (peaks.size() - 1);
        return 60.0 / meanRr;
    }

    @Test
    void rebuiltLimbLeadsObeyEinthovenAndGoldberger() throws Exception {
        Map<Path, Double> tolerance = Map.of(V104, 1.0, V103, 2.0);
        for (Path p : List.of(V103, V104)) {
            Ecg ecg = read(p);
            float[] i = ecg.lead("I");
            float[] ii = ecg.lead("II");
            float[][] rebuilt = {ecg.lead("III"), ecg.lead("aVR"), ecg.lead("aVL"), ecg.lead("aVF")};
            String[] names = {"III", "aVR", "aVL", "aVF"};
            int[] withinOne = new int[4];
            int counted = 0;
            for (int t = 0; t < ecg.length(); t++) {
                if (t >= CAL_START - 10 && t <= CAL_END + 10) {
                    continue; // the pulse is the same 1 mV in every lead, not a body signal
                }
                counted++;
                double[] ideal = {ii[t] - i[t], -(i[t] + ii[t]) / 2.0, i[t] - ii[t] / 2.0, ii[t] - i[t] / 2.0};
                for (int k = 0; k < 4; k++) {
                    double units = Math.abs(rebuilt[k][t] - ideal[k]) / UNIT_MV;
                    assertTrue(units <= tolerance.get(p) + 1e-3,
                            p.getFileName() + " " + names[k] + " at " + t + " is " + units + " units off");
                    if (units <= 1 + 1e-3) {
                        withinOne[k]++;
                    }
                }
            }
            for (int k = 0; k < 4; k++) {
                assertTrue(withinOne[k] >= 0.98 * counted,
                        p.getFileName() + " " + names[k] + ": only " + withinOne[k] + " of " + counted + " within one unit");
            }
        }
    }

    /** Halving truncates toward zero: I = −1, II = −2, residual 0 gives aVR = −(−3/2) = 1, where floor would give 2. */
    @Test
    void limbLeadHalvingTruncatesTowardZero() {
        int[][] u = {{-1}, {-2}, {0}, {0}, {0}, {0}};
        PhilipsXmlReader.rebuildLimbLeads(u);
        assertEquals(-1, u[2][0]);   // III = II − I − 0
        assertEquals(1, u[3][0]);    // aVR = −0 − (−3 / 2) = 1
        assertEquals(0, u[4][0]);    // aVL = (−1 − (−1)) / 2 − 0
        assertEquals(-1, u[5][0]);   // aVF = (−2 + −1) / 2 = −1 (floor: −2)
    }

    @Test
    void everyLeadEndsWithAPositiveOneMillivoltCalibrationPulse() throws Exception {
        for (Path p : List.of(V103, V104)) {
            Ecg ecg = read(p);
            assertEquals("1.000 mV at samples 5350-5449", ecg.source().properties().get("calibration_pulse"));
            for (int lead = 0; lead < ecg.leadCount(); lead++) {
                for (int t = CAL_START; t <= CAL_END; t++) {
                    assertEquals(1.0f, ecg.get(lead, t), 1e-6f, ecg.leads().get(lead) + " at " + t);
                }
                for (int t = CAL_START - 10; t < CAL_START; t++) {
                    assertEquals(0f, ecg.get(lead, t), ecg.leads().get(lead) + " before the pulse");
                }
                for (int t = CAL_END + 1; t <= CAL_END + 10; t++) {
                    assertEquals(0f, ecg.get(lead, t), ecg.leads().get(lead) + " after the pulse");
                }
            }
        }
    }

    @Test
    void measurementsAndStatements() throws Exception {
        Ecg a = read(V103);
        assertEquals(41.0, measurement(a, "hr_bpm"));
        assertEquals(151.0, measurement(a, "pr_ms"));
        assertEquals(135.0, measurement(a, "qrs_ms"));
        assertEquals(476.0, measurement(a, "qt_ms"));
        assertEquals(393.0, measurement(a, "qtc_ms"));
        assertEquals(66.0, measurement(a, "p_axis_deg"));
        assertEquals(-21.0, measurement(a, "qrs_axis_deg"));
        assertEquals(59.0, measurement(a, "t_axis_deg"));
        assertEquals(List.of(
                "Sinus bradycardia (rate< 50)",
                "Nonspecific intraventricular conduction delay (QRSd >115mS, not LBBB/RBBB)",
                "Inferior infarct, acute (LCx) (ST>0.10mV, II III aVF, STd V1-V3)",
                ">>> Acute MI <<<",
                "ABNORMAL ECG"), a.statements());
        Ecg b = read(V104);
        assertEquals(120.0, measurement(b, "hr_bpm"));
        assertEquals(164.0, measurement(b, "pr_ms"));
        assertEquals(100.0, measurement(b, "qrs_ms"));
        assertEquals(352.0, measurement(b, "qt_ms"));
        assertEquals(498.0, measurement(b, "qtc_ms"));
        assertEquals(443.0, measurement(b, "qtc_fridericia_ms"));
        assertEquals(52.0, measurement(b, "qrs_axis_deg"));
        assertEquals("PEDIATRIC ECG INTERPRETATION", b.statements().get(0));
        assertTrue(b.statements().contains("SINUS TACHYCARDIA (V-rate>119)"), b.statements().toString());
        assertTrue(b.statements().contains("MISSING LEAD(S): V7,V3R,V4R"), b.statements().toString());
    }

    @Test
    void repbeatsBecomeTheRepresentativeBeat() throws Exception {
        Ecg beat = read(V104).representativeBeat();
        assertNotNull(beat);
        assertEquals(LeadNames.STANDARD_12, beat.leads());
        // 1200 stored values per lead, the last 600 are the fill value 32767
        assertEquals(600, beat.length());
        assertEquals(0f, beat.get(0, 0));
        // lead I, values 40 41 43 before the fill: 43 × 2.5 µV
        assertEquals(0.1075f, beat.get(0, 599), 1e-6f);
    }

    @Test
    void noPatientIdentityInMetadata() throws Exception {
        for (Path p : List.of(V103, V104)) {
            Ecg ecg = read(p);
            String all = ecg.source().notes() + "" + ecg.source().properties() + ecg.source().device()
                    + ecg.source().acquisitionTime() + ecg.statements() + ecg.measurements() + ecg.warnings();
            for (String identity : List.of("1112010721168bdc", "900657176", "Todd", "4567890", "XCVBHNJMK",
                    "DCFVJMK", "FGHJK", "Anon Site", "GE EMS", "56789")) {
                assertFalse(all.contains(identity), p.getFileName() + " metadata contains " + identity);
            }
        }
    }

    @Test
    void detectedByRootElementAlsoInUtf16() throws Exception {
        assertTrue(Formats.detect(V103) instanceof PhilipsXmlReader);
        assertTrue(Formats.detect(V104) instanceof PhilipsXmlReader);
        Path utf16 = tmp.resolve("utf16.xml");
        Files.writeString(utf16, text(V103).replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\""), StandardCharsets.UTF_16LE);
        assertTrue(Formats.detect(utf16) instanceof PhilipsXmlReader);
        assertEquals(read(V103), read(utf16));
    }

    @Test
    void truncatedXmlIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(V104);
        Path p = tmp.resolve("truncated.xml");
        Files.write(p, Arrays.copyOf(bytes, bytes.length - 3000));
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(p));
        assertTrue(e.reason().startsWith("malformed XML"), e.reason());
    }

    @Test
    void invalidBase64IsRefused() throws Exception {
        String t = text(V103);
        int at = t.indexOf("nbitspersample=\"16\">") + 100;
        String mutated = t.substring(0, at) + '#' + t.substring(at + 1);
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("b64.xml", mutated)));
        assertTrue(e.reason().contains("<parsedwaveforms> is not valid Base64"), e.reason());
    }

    /** Flipping one Base64 character inside compressed data breaks the LZW stream or its length. */
    @Test
    void flippedBase64CharactersAreRefused() throws Exception {
        String t = text(V103);
        int dataStart = t.indexOf("nbitspersample=\"16\">") + "nbitspersample=\"16\">".length();
        int failures = 0;
        for (int offset : new int[] {200, 700, 1500}) {
            int at = dataStart + offset;
            while (!Character.isLetterOrDigit(t.charAt(at))) {
                at++; // a Base64 character, not a line break
            }
            char c = t.charAt(at);
            String mutated = t.substring(0, at) + (c == 'A' ? 'Q' : 'A') + t.substring(at + 1);
            EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("flip" + offset + ".xml", mutated)),
                    "flip at " + offset);
            assertTrue(e.reason().startsWith("XLI chunk 1"), e.reason());
            failures++;
        }
        assertEquals(3, failures);
    }

    @Test
    void chunkRunningPastTheDataIsRefused() throws Exception {
        Path p = mutateWaveformBytes(V103, bytes -> {
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1_000_000);
            return bytes;
        });
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(p));
        assertTrue(e.reason().startsWith("XLI chunk 1 declares 1000000 compressed bytes but"), e.reason());
    }

    @Test
    void missingChannelsAreRefused() throws Exception {
        Path p = mutateWaveformBytes(V104, bytes -> Arrays.copyOf(bytes, bytes.length / 3));
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(p));
        assertTrue(e.reason().contains("XLI chunk"), e.reason());
    }

    @Test
    void lzwCodePastTheDictionaryIsRefused() {
        // first code 1000 (binary 1111101000) while the dictionary holds only the 256 single bytes
        byte[] data = {(byte) 0b11111010, (byte) 0b00000000, 0, 0};
        EcgReadException e = assertThrows(EcgReadException.class,
                () -> PhilipsXli.lzw("f", "XLI chunk 1", data, 0, data.length, 100));
        assertEquals("XLI chunk 1: LZW code 1000 refers past the dictionary (256 entries) at byte 2 of 4", e.reason());
    }

    @Test
    void wrongDeclaredCountsAreRefused() throws Exception {
        String t = text(V104);
        String longer = t.replace("durationperchannel=\"11000\"", "durationperchannel=\"12000\"");
        EcgReadException e1 = assertThrows(EcgReadException.class, () -> read(write("dur.xml", longer)));
        assertEquals("XLI chunk 1 decompresses to 11000 bytes, but its 6000 samples need 12000", e1.reason());
        String leads = t.replace("numberofleads=\"15\"", "numberofleads=\"16\"");
        EcgReadException e2 = assertThrows(EcgReadException.class, () -> read(write("leads.xml", leads)));
        assertEquals("numberofleads 16 does not match the 15 lead labels", e2.reason());
        String resolution = t.replace("<resolution>5</resolution>", "<resolution>-5</resolution>")
                .replace(" resolution=\"5\"", "");
        EcgReadException e3 = assertThrows(EcgReadException.class, () -> read(write("res.xml", resolution)));
        assertEquals("signal resolution must be positive, got -5", e3.reason());
    }

    @Test
    void leadNamedTwiceIsRefused() throws Exception {
        String twice = text(V104).replace("leadlabels=\"I II III", "leadlabels=\"I I III");
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("twice.xml", twice)));
        assertEquals("lead I appears twice (as 'I')", e.reason());
    }

    @Test
    void uncompressedWaveformsAreReadAsStored() throws Exception {
        Ecg original = read(V104);
        // the same samples as plain int16, channel after channel (the limb leads as full signals)
        ByteBuffer buf = ByteBuffer.allocate(15 * 5500 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int lead = 0; lead < 15; lead++) {
            for (int t = 0; t < 5500; t++) {
                buf.putShort((short) Math.round(original.get(lead, t) / UNIT_MV));
            }
        }
        String plain = replaceWaveform(text(V104), Base64.getMimeEncoder().encodeToString(buf.array()))
                .replace("compression=\"XLI\"", "compression=\"None\"");
        Ecg again = read(write("plain.xml", plain));
        assertEquals("none", again.source().properties().get("compression"));
        for (int lead = 0; lead < 15; lead++) {
            assertArrayEquals(original.lead(lead), again.lead(lead), 1e-6f, original.leads().get(lead));
        }
        String shortData = replaceWaveform(text(V104), Base64.getMimeEncoder().encodeToString(Arrays.copyOf(buf.array(), 1000)))
                .replace("compression=\"XLI\"", "compression=\"None\"");
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("plainshort.xml", shortData)));
        assertEquals("uncompressed waveforms hold 1000 bytes, but 15 channels × 5500 samples need 165000", e.reason());
    }

    private static double measurement(Ecg ecg, String name) {
        Map<String, Double> m = new HashMap<>();
        for (Measurement x : ecg.measurements()) {
            m.putIfAbsent(x.name(), x.value());
        }
        assertTrue(m.containsKey(name), "no " + name + " in " + ecg.measurements());
        return m.get(name);
    }

    private static final Pattern WAVEFORM = Pattern.compile("(<parsedwaveforms[^>]*>)([^<]*)(</parsedwaveforms>)");

    private static String replaceWaveform(String xml, String base64) {
        Matcher m = WAVEFORM.matcher(xml);
        assertTrue(m.find());
        return xml.substring(0, m.start(2)) + base64 + xml.substring(m.end(2));
    }

    private Path mutateWaveformBytes(Path source, UnaryOperator<byte[]> change) throws IOException {
        String xml = text(source);
        Matcher m = WAVEFORM.matcher(xml);
        assertTrue(m.find());
        byte[] bytes = Base64.getMimeDecoder().decode(m.group(2));
        return write("mutated.xml", replaceWaveform(xml, Base64.getMimeEncoder().encodeToString(change.apply(bytes))));
    }

    private static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
