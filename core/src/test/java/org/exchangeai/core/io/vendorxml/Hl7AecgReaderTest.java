package org.exchangeai.core.io.vendorxml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Annotation;
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
 * HL7 aECG on the HL7 reference example {@code ../shared/data/hl7aecg/Example_aECG.xml}.
 *
 * <p>Expected values are computed by hand from the file, value = origin + scale × digit with
 * origin 0 µV and scale 2.5 µV for every lead:
 * <ul>
 *   <li>rhythm lead I, first digits {@code -2 -2 -2}, last {@code -13}: −5 µV = −0.005 mV and
 *       −32.5 µV = −0.0325 mV; lead II, 100th digit {@code 6}: 15 µV = 0.015 mV; V6 last digit
 *       {@code -15}: −0.0375 mV;</li>
 *   <li>representative beat lead I first digit {@code 4}: 0.010 mV; II {@code 52}: 0.130 mV;
 *       aVF {@code 50}: 0.125 mV;</li>
 *   <li>increment 0.002 s → 500 Hz; 5000 digits per rhythm lead, 599 per beat lead;</li>
 *   <li>annotations of the rhythm series: 1 rhythm mark, 12 beats × (beat mark, P onset and
 *       offset, QRS onset and offset, T offset) = 72, then the reader's set of 4 R peaks and
 *       3 QRST intervals (onset and offset) = 10, in all 83; of the representative beat: P and QRS
 *       onset and offset and T offset = 5;</li>
 *   <li>the first beat's P wave spans 091000.122–091000.224 s after 091000.000 → samples 61–112;
 *       the first R peak of the reader is at 332 ms → sample 166 on lead I.</li>
 * </ul>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Hl7AecgReaderTest {

    private static final Path EXAMPLE = TestData.data("hl7aecg/Example_aECG.xml");

    @TempDir
    Path tmp;

    private static Ecg read(Path p) throws EcgReadException {
        return new Hl7AecgReader().read(p, ReadOptions.DEFAULT);
    }

    @Test
    void rhythmIsTwelveLeadsOfFiveThousandSamples() throws Exception {
        Ecg ecg = read(EXAMPLE);
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertTrue(ecg.derivedLeads().isEmpty(), "all 12 leads are stored");
        assertEquals(500.0, ecg.fs(), 1e-9);
        assertEquals(5000, ecg.length());
        assertEquals(-0.005f, ecg.get(0, 0), 1e-7f);
        assertEquals(-0.0325f, ecg.get(0, 4999), 1e-7f);
        assertEquals(0.015f, ecg.get(1, 99), 1e-7f);
        assertEquals(0.1075f, ecg.get(ecg.indexOf("V1"), 0), 1e-7f);
        assertEquals(-0.0375f, ecg.get(ecg.indexOf("V6"), 4999), 1e-7f);
        assertEquals(Hl7AecgReader.NAME, ecg.source().format());
        assertEquals("uV", ecg.source().units());
        // scale 2.5 µV per digit, origin 0 → 0.4 digits per µV, digit 0 at 0 µV, for every lead
        for (int i = 0; i < 12; i++) {
            assertEquals(0.4, ecg.source().gains()[i], 1e-12);
            assertEquals(0.0, ecg.source().baselines()[i], 1e-12);
        }
        assertEquals("2002-11-22T09:10:00", ecg.source().acquisitionTime());
        assertEquals("Mortara Instrument, Inc. ELI250 (software 5.3)", ecg.source().device());
        assertEquals("150", ecg.source().properties().get("lowpass_hz"));
        assertEquals("60", ecg.source().properties().get("notch_hz"));
    }

    @Test
    void representativeBeatsAreTwelveLeadsOf599Samples() throws Exception {
        Ecg beat = read(EXAMPLE).representativeBeat();
        assertNotNull(beat);
        assertEquals(LeadNames.STANDARD_12, beat.leads());
        assertEquals(599, beat.length());
        assertEquals(500.0, beat.fs(), 1e-9);
        assertEquals(0.010f, beat.get(0, 0), 1e-7f);
        assertEquals(0.130f, beat.get(1, 0), 1e-7f);
        assertEquals(0.125f, beat.get(beat.indexOf("aVF"), 0), 1e-7f);
        assertEquals(5, beat.annotations().size());
        // P wave 286–388 ms of the beat → samples 143 and 194
        assertEquals(new Annotation(143, "(", null, "P", 0), beat.annotations().get(0));
        assertEquals(new Annotation(194, ")", null, "P", 0), beat.annotations().get(1));
    }

    @Test
    void annotationsMeasurementsAndStatements() throws Exception {
        Ecg ecg = read(EXAMPLE);
        List<Annotation> a = ecg.annotations();
        assertEquals(83, a.size());
        assertEquals(12, a.stream().filter(x -> x.code().equals("N")).count());
        assertEquals(new Annotation(0, "+", null, "Sinus Rhythm", 0), a.get(0));
        assertTrue(a.contains(new Annotation(61, "(", null, "P", 0)), a.subList(0, 8).toString());
        assertTrue(a.contains(new Annotation(112, ")", null, "P", 0)));
        assertTrue(a.contains(new Annotation(166, "\"", "I", "R peak", 0)));
        // first QRST interval of the reader on lead II: 1068–1482 ms
        assertTrue(a.contains(new Annotation(534, "(", "II", "QRST", 0)));
        assertTrue(a.contains(new Annotation(741, ")", "II", "QRST", 0)));
        assertEquals(List.of("Sinus Rhythm"), ecg.statements());
        Map<String, Double> m = new HashMap<>();
        for (Measurement x : ecg.measurements()) {
            m.put(x.name(), x.value());
        }
        assertEquals(148.0, m.get("pr_ms"));
        assertEquals(120.0, m.get("qrs_ms"));
        assertEquals(420.0, m.get("qt_ms"));
        assertEquals(443.0, m.get("qtc_ms"));
        assertEquals(44.0, m.get("p_axis_deg"));
        assertEquals(-61.0, m.get("qrs_axis_deg"));
        assertEquals(86.0, m.get("t_axis_deg"));
        assertTrue(ecg.warnings().isEmpty(), ecg.warnings().toString());
    }

    @Test
    void noSubjectOrPersonInMetadata() throws Exception {
        Ecg ecg = read(EXAMPLE);
        String all = ecg.source().notes() + "" + ecg.source().properties() + ecg.source().device()
                + ecg.statements() + ecg.annotations() + ecg.warnings();
        for (String identity : List.of("Clark", "19530508", "SBJ-123", "JMK", "KAB", "John", "dizzy", "River City")) {
            assertFalse(all.contains(identity), "metadata contains " + identity);
        }
    }

    @Test
    void detectedByRootElement() throws Exception {
        assertTrue(Formats.detect(EXAMPLE) instanceof Hl7AecgReader);
        assertFalse(new Hl7AecgReader().detect(EXAMPLE, Files.readAllBytes(TestData.data("muse/example1.xml"))));
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(EXAMPLE);
        Path p = tmp.resolve("truncated.xml");
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(p));
        assertTrue(e.reason().startsWith("malformed XML"), e.reason());
    }

    @Test
    void unreadableDigitIsRefused() throws Exception {
        String text = exampleText().replaceFirst("<digits> -2 -2 -2", "<digits> -2 -2 x2");
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("digit.xml", text)));
        assertEquals("RHYTHM series lead I: unreadable digit 'x2' at position 3", e.reason());
    }

    @Test
    void missingDigitIsRefused() throws Exception {
        String text = exampleText().replaceFirst("<digits> 43 43 43", "<digits> 43 43");
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(write("short.xml", text)));
        assertEquals("RHYTHM series: lead V1 has 4999 samples, the leads before it have 5000", e.reason());
    }

    @Test
    void badIncrementAndUnitsAreRefused() throws Exception {
        String text = exampleText();
        String zero = text.replaceFirst("<increment value=\"0.002\" unit=\"s\"/>", "<increment value=\"0\" unit=\"s\"/>");
        EcgReadException e1 = assertThrows(EcgReadException.class, () -> read(write("zero.xml", zero)));
        assertTrue(e1.reason().contains("sampling increment must be a positive time"), e1.reason());
        String unit = text.replaceFirst("<scale value=\"2.5\" unit=\"uV\"/>", "<scale value=\"2.5\" unit=\"furlong\"/>");
        EcgReadException e2 = assertThrows(EcgReadException.class, () -> read(write("unit.xml", unit)));
        assertEquals("RHYTHM series lead I: scale unit 'furlong' is not a voltage unit", e2.reason());
    }

    private static String exampleText() throws IOException {
        return Files.readString(EXAMPLE, StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
