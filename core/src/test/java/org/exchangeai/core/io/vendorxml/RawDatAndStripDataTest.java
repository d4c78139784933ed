package org.exchangeai.core.io.vendorxml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.io.numeric.RawDatReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original platform's header-less {@code .dat} and StripData XML. A PTB-XL WFDB format-16
 * signal file (12 interleaved int16 leads, 1000 units/mV, baseline 0 per its header) is exactly
 * that raw layout: read on its own it must equal {@code ../shared/golden/ptbxl_00001_lr/raw.npy}.
 * The XML is built here from the integers of {@code csv/0000050.ECG.csv} (5 µV units), so it must
 * equal the CSV read with {@code --adc-gain 200}.
 */
class RawDatAndStripDataTest {

    @TempDir
    Path tmp;

    @Test
    void rawDatEqualsGolden() throws Exception {
        Path wfdbSignal = TestData.data("ptbxl/records100/00000/00001_lr.dat");
        assertFalse(new RawDatReader().detect(wfdbSignal, Formats.head(wfdbSignal)), "its .hea makes it WFDB");
        Path raw = tmp.resolve("00001_lr.dat");
        Files.copy(wfdbSignal, raw);
        assertTrue(new RawDatReader().detect(raw, Formats.head(raw)));
        Ecg ecg = Formats.read(raw, ReadOptions.DEFAULT);
        assertEquals("RAW-DAT", ecg.source().format());
        assertEquals(100.0, ecg.fs(), "1000 samples: 10-s rule");
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        Ecg golden = new NpyReader().read(TestData.golden("ptbxl_00001_lr/raw.npy"), ReadOptions.DEFAULT.withFs(100.0));
        for (int i = 0; i < 12; i++) {
            for (int t = 0; t < 1000; t++) {
                assertEquals(golden.get(i, t), ecg.get(i, t), 1e-7, "lead " + i + " t " + t);
            }
        }
        Ecg uv = Formats.read(raw, new ReadOptions(250.0, "uV", null, null));
        assertEquals(250.0, uv.fs());
        assertEquals(ecg.get(3, 10), uv.get(3, 10), 1e-7);
        Ecg gain = Formats.read(raw, ReadOptions.DEFAULT.withAdcGain(500.0));
        assertEquals(2 * ecg.get(3, 10), gain.get(3, 10), 1e-6);
    }

    @Test
    void rawDatCorruptInputs() throws Exception {
        RawDatReader r = new RawDatReader();
        byte[] b = Files.readAllBytes(TestData.data("ptbxl/records100/00000/00001_lr.dat"));
        Path odd = tmp.resolve("odd.dat");
        Files.write(odd, Arrays.copyOf(b, b.length - 5));
        assertFalse(r.detect(odd, Formats.head(odd)));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(odd, ReadOptions.DEFAULT)).reason()
                .startsWith("size 23995 bytes is not a multiple of 24"));
        Path empty = tmp.resolve("empty.dat");
        Files.write(empty, new byte[0]);
        assertEquals("file is empty", assertThrows(EcgReadException.class, () -> r.read(empty, ReadOptions.DEFAULT)).reason());
        Path shortFile = tmp.resolve("short.dat");
        Files.write(shortFile, new byte[24 * 777]);
        assertTrue(assertThrows(EcgReadException.class, () -> Formats.read(shortFile, ReadOptions.DEFAULT)).reason()
                .startsWith("sampling rate unknown: pass --fs"));
    }

    private String stripXml(int n, String declaredCount, boolean withResolution) throws Exception {
        List<String> lines = Files.readAllLines(TestData.data("csv/0000050.ECG.csv")).subList(0, n);
        String[] names = {"I", "II", "III", "aVR", "aVL", "aVF"};
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"ISO8859-1\"?>\n<CardiologyXML>\n"
                + "<PatientInfo><Name><FamilyName>Never read</FamilyName></Name></PatientInfo>\n"
                + "<DeviceInfo><Desc>CardioSoft</Desc></DeviceInfo>\n"
                + "<RestingECGMeasurements><VentricularRate units=\"BPM\">61</VentricularRate>"
                + "<QRSDuration units=\"ms\">94</QRSDuration><RAxis units=\"degrees\">-12</RAxis>\n"
                + "<MedianSamples><NumberOfLeads>6</NumberOfLeads><SampleRate units=\"Hz\">500</SampleRate>"
                + "<ChannelSampleCountTotal>3</ChannelSampleCountTotal><Resolution units=\"uVperLsb\">5</Resolution>");
        for (String lead : names) {
            x.append("<WaveformData lead=\"").append(lead).append("\">1,2,3</WaveformData>");
        }
        x.append("</MedianSamples></RestingECGMeasurements>\n<Interpretation><Diagnosis><DiagnosisText>Sinus rhythm"
                + "</DiagnosisText></Diagnosis></Interpretation>\n<StripData>\n<NumberOfLeads>6</NumberOfLeads>\n"
                + "<SampleRate units=\"Hz\">800</SampleRate>\n<ChannelSampleCountTotal>" + declaredCount
                + "</ChannelSampleCountTotal>\n");
        if (withResolution) {
            x.append("<Resolution units=\"uVperLsb\">5</Resolution>\n");
        }
        for (int lead = 0; lead < 6; lead++) {
            x.append("<WaveformData lead=\"").append(names[lead]).append("\">");
            for (int t = 0; t < n; t++) {
                x.append(t == 0 ? "" : ",").append(t > 0 && t % 16 == 0 ? "\n\t\t" : "").append(lines.get(t).split(",")[lead]);
            }
            x.append("</WaveformData>\n");
        }
        return x.append("</StripData>\n</CardiologyXML>\n").toString();
    }

    @Test
    void stripDataXmlEqualsTheCsv() throws Exception {
        Path xml = tmp.resolve("strip.xml");
        Files.writeString(xml, stripXml(2000, "2000", true), StandardCharsets.ISO_8859_1);
        assertTrue(new StripDataXmlReader().detect(xml, Formats.head(xml)));
        Ecg ecg = Formats.read(xml, ReadOptions.DEFAULT);
        assertEquals("StripData XML", ecg.source().format());
        assertEquals(800.0, ecg.fs());
        assertEquals(2000, ecg.length());
        Ecg csv = Formats.read(TestData.data("csv/0000050.ECG.csv"), new ReadOptions(800.0, "mV", 200.0, null));
        assertEquals(csv.leads(), ecg.leads());
        for (int i = 0; i < 6; i++) {
            for (int t = 0; t < 2000; t++) {
                assertEquals(csv.get(i, t), ecg.get(i, t), 1e-7, "lead " + i + " t " + t);
            }
        }
        assertTrue(ecg.measurements().containsAll(List.of(new Measurement("hr_bpm", 61, "bpm"),
                new Measurement("qrs_ms", 94, "ms"), new Measurement("qrs_axis_deg", -12, "deg"))));
        assertEquals(List.of("Sinus rhythm"), ecg.statements());
        assertEquals("CardioSoft", ecg.source().device());
        assertEquals(3, ecg.representativeBeat().length());
        assertEquals(0.015f, ecg.representativeBeat().get(0, 2), 1e-7f);
        assertFalse(ecg.toString().contains("Never read"));
        assertTrue(ecg.source().notes().stream().noneMatch(n -> n.contains("Never read")));
    }

    @Test
    void stripDataCorruptInputs() throws Exception {
        StripDataXmlReader r = new StripDataXmlReader();
        Path mismatch = tmp.resolve("count.xml");
        Files.writeString(mismatch, stripXml(100, "5000", true));
        assertEquals("StripData declares ChannelSampleCountTotal 5000 but the leads hold 100 samples",
                assertThrows(EcgReadException.class, () -> Formats.read(mismatch, ReadOptions.DEFAULT)).reason());
        String good = stripXml(100, "100", false);
        Path noRes = tmp.resolve("nores.xml");
        Files.writeString(noRes, good);
        Ecg defaultGain = r.read(noRes, ReadOptions.DEFAULT);
        assertEquals(-0.020f, defaultGain.get(0, 0), 1e-7f, "1000 units per mV without Resolution");
        Path truncated = tmp.resolve("trunc.xml");
        Files.writeString(truncated, good.substring(0, good.length() / 2));
        assertTrue(assertThrows(EcgReadException.class, () -> Formats.read(truncated, ReadOptions.DEFAULT)).reason()
                .startsWith("malformed XML"));
        Path badNumber = tmp.resolve("bad.xml");
        Files.writeString(badNumber, good.replace(">-20,", ">-2x0,"));
        assertEquals("unreadable number '-2x0' in WaveformData of lead I, value 1",
                assertThrows(EcgReadException.class, () -> r.read(badNumber, ReadOptions.DEFAULT)).reason());
        Path uneven = tmp.resolve("uneven.xml");
        Files.writeString(uneven, good.replaceFirst("<WaveformData lead=\"II\">-25,", "<WaveformData lead=\"II\">"));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(uneven, ReadOptions.DEFAULT)).reason()
                .contains("lead II has 99 samples"));
        Path noStrip = tmp.resolve("nostrip.xml");
        Files.writeString(noStrip, "<CardiologyXML><PatientInfo/></CardiologyXML>");
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(noStrip, ReadOptions.DEFAULT)).reason()
                .startsWith("no StripData element"));
        Path entity = tmp.resolve("xxe.xml");
        Files.writeString(entity, "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<CardiologyXML><StripData><WaveformData lead=\"I\">&e;</WaveformData></StripData></CardiologyXML>");
        assertThrows(EcgReadException.class, () -> r.read(entity, ReadOptions.DEFAULT.withFs(100.0)));
        byte[] noise = new byte[3000];
        new Random(2).nextBytes(noise);
        Path random = tmp.resolve("random.xml");
        Files.write(random, noise);
        assertFalse(r.detect(random, noise));
        assertThrows(EcgReadException.class, () -> r.read(random, ReadOptions.DEFAULT));
        Path empty = tmp.resolve("empty.xml");
        Files.write(empty, new byte[0]);
        assertEquals("file is empty", assertThrows(EcgReadException.class, () -> r.read(empty, ReadOptions.DEFAULT)).reason());
    }
}
