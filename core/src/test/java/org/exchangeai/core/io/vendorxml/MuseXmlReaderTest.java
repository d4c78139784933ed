package org.exchangeai.core.io.vendorxml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.wfdb.WfdbReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GE MUSE XML on the real files in {@code ../shared/data/muse}.
 *
 * <p>The independent reference is the WFDB record {@code wfdb/muse-sinus.{hea,dat}}, an export of
 * the same recording by other software: its integers are microvolts (the MUSE value rounded to
 * 1 µV), although its header declares 200 units/mV (the "5× gain" quirk in the data README). The
 * test decodes that format-16 file itself from the header's lead order, so it does not depend on
 * the WFDB reader. Measurements and statements are pinned to the values written in the XML.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MuseXmlReaderTest {

    private static final Path SINUS = TestData.data("muse/muse-sinus.xml");
    private static final Path EXAMPLE1 = TestData.data("muse/example1.xml");
    private static final double LSB_UV = 4.88;

    @TempDir
    Path tmp;

    private static Ecg read(Path p) throws EcgReadException {
        return new MuseXmlReader().read(p, ReadOptions.DEFAULT);
    }

    @Test
    void rhythmHasTwelveLeadsWithFourDerived() throws Exception {
        Ecg ecg = read(SINUS);
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(500.0, ecg.fs());
        assertEquals(5000, ecg.length());
        assertEquals(Set.of("III", "aVR", "aVL", "aVF"), ecg.derivedLeads());
        assertEquals(MuseXmlReader.NAME, ecg.source().format());
        assertEquals("MV360", ecg.source().device());
        assertEquals("2023-04-29T22:41:16", ecg.source().acquisitionTime());
        assertEquals("I II V1 V2 V3 V4 V5 V6", ecg.source().properties().get("stored_leads"));
        assertEquals("0.56", ecg.source().properties().get("highpass_hz"));
        // first stored integer of lead I is -2 (bytes FE FF): -2 × 4.88 µV
        assertEquals(-0.00976f, ecg.get(0, 0), 1e-7f);
    }

    /** Every lead equals the WFDB export within one MUSE unit (4.88 µV) after undoing its 5× gain error. */
    @Test
    void equalsWfdbExportWithinOneLsb() throws Exception {
        Ecg ecg = read(SINUS);
        Path hea = TestData.data("wfdb/muse-sinus.hea");
        List<String> lines = Files.readAllLines(hea);
        String[] record = lines.get(0).trim().split("\\s+");
        int nsig = Integer.parseInt(record[1]);
        int nsamp = Integer.parseInt(record[3]);
        List<String> order = new ArrayList<>();
        for (int i = 1; i <= nsig; i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            assertEquals("16", f[1], "the reference is format 16");
            assertTrue(f[2].startsWith("200"), "the header declares 200 units/mV");
            order.add(f[f.length - 1]);
        }
        assertEquals(List.of("I", "II", "III", "AVF", "AVL", "AVR", "V1", "V2", "V3", "V4", "V5", "V6"), order);
        ByteBuffer dat = ByteBuffer.wrap(Files.readAllBytes(TestData.data("wfdb/muse-sinus.dat")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(nsamp * nsig * 2, dat.capacity());
        assertEquals(nsamp, ecg.length());
        double worst = 0;
        for (int t = 0; t < nsamp; t++) {
            for (int s = 0; s < nsig; s++) {
                // declared gain 200/mV → value/200 mV; the true value is a fifth of that: value/1000 mV = value µV
                double wfdbMv = dat.getShort() / 200.0 / 5.0;
                double museMv = ecg.get(ecg.indexOf(order.get(s)), t);
                worst = Math.max(worst, Math.abs(wfdbMv - museMv) * 1000);
            }
        }
        assertTrue(worst <= LSB_UV, "largest difference " + worst + " µV exceeds one LSB");
    }

    /** The same comparison through the project's WFDB reader, which reads the header as declared. */
    @Test
    void equalsWfdbReaderWithinOneLsb() throws Exception {
        Ecg muse = read(SINUS);
        Ecg wfdb = new WfdbReader().read(TestData.data("wfdb/muse-sinus.hea"), ReadOptions.DEFAULT);
        assertEquals(muse.leads(), wfdb.leads());
        assertEquals(muse.length(), wfdb.length());
        double worst = 0;
        for (int lead = 0; lead < muse.leadCount(); lead++) {
            for (int t = 0; t < muse.length(); t++) {
                worst = Math.max(worst, Math.abs(wfdb.get(lead, t) / 5.0 - muse.get(lead, t)) * 1000);
            }
        }
        assertTrue(worst <= LSB_UV, "largest difference " + worst + " µV exceeds one LSB");
    }

    @Test
    void measurementsAndStatementsAsTheDeviceWroteThem() throws Exception {
        Ecg ecg = read(SINUS);
        Map<String, Double> m = new java.util.HashMap<>();
        for (Measurement x : ecg.measurements()) {
            m.put(x.name(), x.value());
        }
        assertEquals(90.0, m.get("hr_bpm"));
        assertEquals(90.0, m.get("atrial_rate_bpm"));
        assertEquals(144.0, m.get("pr_ms"));
        assertEquals(86.0, m.get("qrs_ms"));
        assertEquals(402.0, m.get("qt_ms"));
        assertEquals(491.0, m.get("qtc_ms"));
        assertEquals(48.0, m.get("p_axis_deg"));
        assertEquals(0.0, m.get("qrs_axis_deg"));
        assertEquals(111.0, m.get("t_axis_deg"));
        assertEquals(List.of(
                "Normal Sinus rhythm",
                "Anterior infarct, age undetermined",
                "T wave abnormality, consider lateral ischemia",
                "Abnormal ECG",
                "When compared with ECG of 30-MAR-2023 09:09,",
                "Questionable change in The axis"), ecg.statements());
    }

    @Test
    void medianBecomesRepresentativeBeat() throws Exception {
        Ecg beat = read(SINUS).representativeBeat();
        assertNotNull(beat);
        assertEquals(LeadNames.STANDARD_12, beat.leads());
        assertEquals(600, beat.length());
        assertEquals(500.0, beat.fs());
        // first Median integers: I = 1, II = 10 (from the Base64 "AQAB…" and "CgAK…")
        assertEquals(0.00488f, beat.get(0, 0), 1e-7f);
        assertEquals(0.0488f, beat.get(1, 0), 1e-7f);
        assertEquals(0.0488f - 0.00488f, beat.get(beat.indexOf("III"), 0), 1e-6f);
    }

    @Test
    void noPatientIdentityInMetadata() throws Exception {
        Ecg ecg = read(SINUS);
        String all = String.join("|", ecg.source().notes()) + ecg.source().properties() + ecg.source().device()
                + ecg.source().acquisitionTime() + ecg.statements() + ecg.measurements() + ecg.warnings();
        for (String identity : List.of("081486213", "DOE", "JOHN", "07-08-1979", "1979", "SURGEON", "1003872633",
                "UNIVERSITY OF HOSPITAL", "W721")) {
            assertFalse(all.contains(identity), "metadata contains " + identity + ": " + all);
        }
    }

    @Test
    void secondFileWithoutDiagnosis() throws Exception {
        Ecg ecg = read(EXAMPLE1);
        assertEquals(12, ecg.leadCount());
        assertEquals(5000, ecg.length());
        assertTrue(ecg.statements().isEmpty());
        assertTrue(ecg.measurements().contains(new Measurement("hr_bpm", 48, "bpm")));
        assertEquals("0.16", ecg.source().properties().get("highpass_hz"));
    }

    @Test
    void detectedByRootElement() throws Exception {
        assertTrue(Formats.detect(SINUS) instanceof MuseXmlReader);
        assertTrue(Formats.detect(EXAMPLE1) instanceof MuseXmlReader);
        assertFalse(new MuseXmlReader().detect(tmp, Files.readAllBytes(TestData.data("hl7aecg/Example_aECG.xml"))));
        assertFalse(new MuseXmlReader().detect(tmp, "RestingECG but not XML".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void otherEncodingsGiveTheSameSamples() throws Exception {
        Ecg original = read(SINUS);
        String text = museText();
        Path utf16 = write("utf16.xml", text.replace("encoding=\"ISO-8859-1\"", "encoding=\"UTF-16\""),
                StandardCharsets.UTF_16);
        Path cp1252 = write("cp1252.xml", text.replace("encoding=\"ISO-8859-1\"", "encoding=\"windows-1252\"")
                .replace("Abnormal ECG", "Abnormal ECG – re\u00e9valuer"), Charset.forName("windows-1252"));
        Ecg a = read(utf16);
        Ecg b = read(cp1252);
        assertEquals(original, a);
        assertEquals(original, b);
        assertTrue(b.statements().contains("Abnormal ECG – re\u00e9valuer"), b.statements().toString());
        assertTrue(Formats.detect(utf16) instanceof MuseXmlReader);
    }

    @Test
    void externalEntitiesAreNeverResolved() throws Exception {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String text = museText().replace("<!DOCTYPE RestingECG SYSTEM \"restecg.dtd\">",
                "<!DOCTYPE RestingECG [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>")
                .replace("<StmtText>Abnormal ECG</StmtText>", "<StmtText>Abnormal ECG &xxe;</StmtText>");
        Path p = write("xxe.xml", text, StandardCharsets.ISO_8859_1);
        try {
            Ecg ecg = read(p);
            assertFalse(ecg.statements().toString().contains("TOP-SECRET"), ecg.statements().toString());
        } catch (EcgReadException e) {
            assertFalse(e.getMessage().contains("TOP-SECRET"));
        }
    }

    @Test
    void entityExpansionBombStaysSmall() throws Exception {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE RestingECG [<!ENTITY a0 \"xxxxxxxxxx\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY a").append(i).append(" \"");
            for (int k = 0; k < 10; k++) {
                dtd.append("&a").append(i - 1).append(';');
            }
            dtd.append("\">");
        }
        dtd.append("]>");
        String text = museText().replace("<!DOCTYPE RestingECG SYSTEM \"restecg.dtd\">", dtd.toString())
                .replace("<StmtText>Abnormal ECG</StmtText>", "<StmtText>&a9;</StmtText>");
        Path p = write("bomb.xml", text, StandardCharsets.ISO_8859_1);
        try {
            Ecg ecg = read(p);
            // entity references are not expanded: nothing of the 10^10 characters reaches the statements
            assertTrue(ecg.statements().stream().allMatch(s -> s.length() < 1000), ecg.statements().toString());
        } catch (EcgReadException e) {
            assertTrue(e.reason().contains("malformed XML"), e.reason());
        }
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(SINUS);
        Path p = tmp.resolve("truncated.xml");
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(p));
        assertTrue(e.reason().startsWith("malformed XML"), e.reason());
    }

    @Test
    void flippedBase64CharacterFailsTheCrc() throws Exception {
        String text = museText();
        int at = text.indexOf("<WaveFormData>", text.indexOf("<WaveformType>Rhythm")) + "<WaveFormData>".length() + 40;
        char c = text.charAt(at);
        String mutated = text.substring(0, at) + (c == 'A' ? 'B' : 'A') + text.substring(at + 1);
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("flip.xml", mutated, StandardCharsets.ISO_8859_1)));
        assertTrue(e.reason().contains("bad CRC-32"), e.reason());
        assertTrue(e.reason().contains("Rhythm waveform lead I"), e.reason());
    }

    @Test
    void invalidBase64IsRefused() throws Exception {
        String text = museText();
        int at = text.indexOf("<WaveFormData>", text.indexOf("<WaveformType>Rhythm")) + "<WaveFormData>".length() + 40;
        String mutated = text.substring(0, at) + '*' + text.substring(at + 1);
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("bad64.xml", mutated, StandardCharsets.ISO_8859_1)));
        assertTrue(e.reason().contains("not valid Base64"), e.reason());
    }

    @Test
    void wrongCountsAreRefused() throws Exception {
        String text = museText();
        String samples = text.replaceFirst("<LeadSampleCountTotal>600</LeadSampleCountTotal>",
                "<LeadSampleCountTotal>601</LeadSampleCountTotal>");
        EcgReadException e1 = assertThrows(EcgReadException.class, () -> read(write("count.xml", samples, StandardCharsets.ISO_8859_1)));
        assertTrue(e1.reason().contains("LeadSampleCountTotal says 601"), e1.reason());
        String bytes = text.replaceFirst("<LeadByteCountTotal>10000</LeadByteCountTotal>",
                "<LeadByteCountTotal>20000</LeadByteCountTotal>");
        EcgReadException e2 = assertThrows(EcgReadException.class, () -> read(write("bytes.xml", bytes, StandardCharsets.ISO_8859_1)));
        assertTrue(e2.reason().contains("LeadByteCountTotal says 20000"), e2.reason());
        String leads = text.replaceFirst("<NumberofLeads>8</NumberofLeads>", "<NumberofLeads>12</NumberofLeads>");
        EcgReadException e3 = assertThrows(EcgReadException.class, () -> read(write("leads.xml", leads, StandardCharsets.ISO_8859_1)));
        assertTrue(e3.reason().contains("declares 12 leads but holds 8"), e3.reason());
        String rate = text.replaceFirst("<SampleBase>500</SampleBase>", "<SampleBase>fast</SampleBase>");
        EcgReadException e4 = assertThrows(EcgReadException.class, () -> read(write("rate.xml", rate, StandardCharsets.ISO_8859_1)));
        assertTrue(e4.reason().contains("unreadable number in Median waveform SampleBase"), e4.reason());
    }

    @Test
    void missingRhythmIsRefused() throws Exception {
        String text = museText().replace("<WaveformType>Rhythm</WaveformType>", "<WaveformType>Other</WaveformType>");
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("norhythm.xml", text, StandardCharsets.ISO_8859_1)));
        assertEquals("no <Waveform> of type Rhythm", e.reason());
    }

    private static String museText() throws IOException {
        return Files.readString(SINUS, StandardCharsets.ISO_8859_1);
    }

    private Path write(String name, String text, Charset cs) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, cs);
        return p;
    }
}
