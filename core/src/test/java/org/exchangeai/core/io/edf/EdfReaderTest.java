package org.exchangeai.core.io.edf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EDF/EDF+/BDF. Expected physical values of {@code edf/0000050.ECG.edf} come from an independent
 * decoder: BioSig's {@code save2gdf -CSV} (Debian biosig-tools), first 2000 samples of each
 * signal committed as {@code edf/0000050.ECG.biosig-first2000.csv} (6 significant digits). The
 * BDF fixture is BioSig's own conversion of the first 2 s ({@code save2gdf -f=BDF [0,2]}), its
 * expected values BioSig's decoding of that BDF ({@code save2gdf -CSV}, limb leads). The
 * digital values must equal the integers of {@code csv/0000050.ECG.csv} (data README). The
 * EDF+ file is built here byte by byte following the EDF+ specification (Kemp & Olivan 2003).
 */
class EdfReaderTest {

    @TempDir
    Path tmp;

    @Test
    void sharedEdfMatchesBiosigAndWarnsAboutScaling() throws Exception {
        Path file = TestData.data("edf/0000050.ECG.edf");
        assertTrue(new EdfReader().detect(file, Formats.head(file)));
        Ecg ecg = Formats.read(file, ReadOptions.DEFAULT);
        assertEquals("EDF", ecg.source().format());
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(800.0, ecg.fs());
        assertEquals(37855, ecg.length());
        assertEquals("2020-11-16T21:44:39", ecg.source().acquisitionTime());
        assertEquals(65535.0 / 2000.0, ecg.source().gains()[0], 1e-12);
        List<String[]> rows = Files.readAllLines(Path.of(getClass().getResource("/edf/0000050.ECG.biosig-first2000.csv").toURI()))
                .stream().skip(1).map(l -> l.split(",")).toList();
        assertEquals(2000, rows.size());
        for (int t = 0; t < rows.size(); t++) {
            for (int lead = 0; lead < 12; lead++) {
                double expected = Double.parseDouble(rows.get(t)[lead]);
                assertEquals(expected, ecg.get(lead, t), 5e-6 * Math.max(1, Math.abs(expected)),
                        "lead " + lead + " sample " + t);
            }
        }
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.startsWith("header scaling looks implausible")
                && w.contains("30.5 uV per digital unit")), ecg.warnings().toString());
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.startsWith("6 signal(s) are flat")
                && w.endsWith("V1, V2, V3, V4, V5, V6")), ecg.warnings().toString());
    }

    @Test
    void digitalValuesEqualTheSharedCsvIntegers() throws Exception {
        Ecg edf = Formats.read(TestData.data("edf/0000050.ECG.edf"), ReadOptions.DEFAULT);
        Ecg csv = Formats.read(TestData.data("csv/0000050.ECG.csv"), new ReadOptions(800.0, "mV", 1.0, null));
        double[] gains = edf.source().gains();
        double[] baselines = edf.source().baselines();
        for (int lead = 0; lead < 6; lead++) {
            for (int t = 0; t < edf.length(); t++) {
                long digital = Math.round(edf.get(lead, t) * gains[lead] + baselines[lead]);
                assertEquals((long) csv.get(lead, t), digital, "lead " + edf.leads().get(lead) + " sample " + t);
            }
        }
    }

    @Test
    void biosigBdfConversionReadsLikeTheEdf() throws Exception {
        Path bdf = Path.of(getClass().getResource("/edf/0000050.ECG.first2s.biosig.bdf").toURI());
        assertTrue(new EdfReader().detect(bdf, Formats.head(bdf)));
        Ecg b = Formats.read(bdf, ReadOptions.DEFAULT);
        assertEquals("BDF+", b.source().properties().get("variant"));
        assertEquals(1600, b.length());
        List<String[]> rows = Files.readAllLines(Path.of(getClass().getResource("/edf/0000050.ECG.first2s.biosig.bdf.csv").toURI()))
                .stream().skip(1).map(l -> l.split(",")).toList();
        assertEquals(1600, rows.size());
        Ecg edf = Formats.read(TestData.data("edf/0000050.ECG.edf"), ReadOptions.DEFAULT);
        double quantum = 2000.0 / 65535;
        for (int t = 0; t < 1600; t++) {
            for (int lead = 0; lead < 6; lead++) {
                double expected = Double.parseDouble(rows.get(t)[lead]);
                assertEquals(expected, b.get(lead, t), 5e-6 * Math.max(1, Math.abs(expected)), "lead " + lead + " sample " + t);
                // BioSig's EDF-to-BDF conversion re-rounds the digital values: within one unit of the EDF
                assertEquals(edf.get(lead, t), b.get(lead, t), quantum * 1.01, "lead " + lead + " sample " + t);
            }
        }
    }

    @Test
    void edfPlusAnnotationsAndMixedRates() throws Exception {
        // 3 records of 1 s: "ECG I" and "ECG II" at 500 Hz in uV, "Resp" at 100 Hz, annotations
        EdfBuilder e = new EdfBuilder("EDF+C", 3, 1.0);
        e.signal("ECG I", "uV", -3200, 3200, -32000, 32000, 500);
        e.signal("ECG II", "uV", -3200, 3200, -32000, 32000, 500);
        e.signal("Resp", "mV", -10, 10, -32768, 32767, 100);
        e.signal("EDF Annotations", "", -1, 1, -32768, 32767, 30);
        Path file = tmp.resolve("plus.edf");
        Files.write(file, e.bytes(r -> new String[] {"+" + r + "\u0014\u0014\0",
                r == 1 ? "+1.5\u00150.2\u0014Beat\u0014\0" : ""}));
        Ecg ecg = Formats.read(file, ReadOptions.DEFAULT);
        assertEquals(500.0, ecg.fs());
        assertEquals(1500, ecg.length());
        assertEquals(List.of("I", "II", "III", "aVR", "aVL", "aVF"), ecg.leads());
        assertTrue(ecg.derivedLeads().contains("III"));
        // digital d = 10*t+sig at sample t; physical = d * 0.1 uV
        assertEquals(0.1 * (10 * 7 + 0) / 1000, ecg.get(0, 7), 1e-7);
        assertEquals(0.1 * (10 * 1200 % 30000 + 1) / 1000, ecg.get(1, 1200), 1e-7);
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("Resp (100 Hz)")), ecg.warnings().toString());
        assertEquals(List.of(new Annotation(750, "\"", null, "Beat (duration 0.2 s)", 0)), ecg.annotations());
        assertTrue(Double.isNaN(ecg.source().gains()[2]), "derived III has no gain");
    }

    @Test
    void unknownRecordCountIsComputed() throws Exception {
        EdfBuilder e = new EdfBuilder("", -1, 0.5);
        e.signal("I", "mV", -5, 5, -2048, 2047, 250);
        Path file = tmp.resolve("open.edf");
        Files.write(file, e.bytes(4));
        Ecg ecg = Formats.read(file, ReadOptions.DEFAULT);
        assertEquals(1000, ecg.length());
        assertEquals(500.0, ecg.fs());
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("4 computed from the file size")));
        byte[] partial = Files.readAllBytes(file);
        Path cut = tmp.resolve("open-cut.edf");
        Files.write(cut, Arrays.copyOf(partial, partial.length - 3));
        assertEquals("number of data records is -1 (unknown) and the 1997 data bytes are not a whole number of "
                + "500-byte records", assertThrows(EcgReadException.class, () -> Formats.read(cut, ReadOptions.DEFAULT)).reason());
    }

    @Test
    void corruptInputsGiveClearErrors() throws Exception {
        EdfReader r = new EdfReader();
        byte[] good = Files.readAllBytes(TestData.data("edf/0000050.ECG.edf"));
        Path truncated = write("trunc.edf", Arrays.copyOf(good, good.length - 25));
        assertEquals("truncated: the header declares 37855 data records of 24 bytes (908520 bytes), the file holds "
                + "908495 data bytes (37853 whole records)",
                assertThrows(EcgReadException.class, () -> Formats.read(truncated, ReadOptions.DEFAULT)).reason());
        byte[] badHeader = good.clone();
        System.arraycopy("3072    ".getBytes(StandardCharsets.US_ASCII), 0, badHeader, 184, 8);
        Path hdr = write("hdr.edf", badHeader);
        assertEquals("header size field says 3072 bytes, but 12 signals need 256 x (12 + 1) = 3328",
                assertThrows(EcgReadException.class, () -> r.read(hdr, ReadOptions.DEFAULT)).reason());
        byte[] absurd = good.clone();
        System.arraycopy("99999999".getBytes(StandardCharsets.US_ASCII), 0, absurd, 236, 8);
        Path huge = write("huge.edf", absurd);
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(huge, ReadOptions.DEFAULT)).reason()
                .startsWith("truncated: the header declares 99999999 data records"));
        byte[] zero = good.clone();
        System.arraycopy("1000.00 ".getBytes(StandardCharsets.US_ASCII), 0, zero, 256 + 12 * (16 + 80 + 8), 8);
        Path zeroRange = write("zero.edf", zero);
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(zeroRange, ReadOptions.DEFAULT)).reason()
                .contains("zero digital or physical range"));
        Path headerOnly = write("head.edf", Arrays.copyOf(good, 300));
        assertTrue(assertThrows(EcgReadException.class, () -> Formats.read(headerOnly, ReadOptions.DEFAULT)).reason()
                .startsWith("truncated: the header needs 3328 bytes"));
        byte[] noise = new byte[5000];
        new Random(9).nextBytes(noise);
        Path random = write("random.edf", noise);
        assertFalse(r.detect(random, noise));
        assertThrows(EcgReadException.class, () -> Formats.read(random, ReadOptions.DEFAULT));
        assertTrue(assertThrows(EcgReadException.class, () -> r.read(random, ReadOptions.DEFAULT)).reason()
                .startsWith("not an EDF/BDF file"));
        Path empty = write("empty.edf", new byte[0]);
        assertEquals("file is empty", assertThrows(EcgReadException.class, () -> r.read(empty, ReadOptions.DEFAULT)).reason());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Writes EDF files field by field; digital value of signal s at sample t is (10·t + s) mod 30000. */
    private static final class EdfBuilder {
        private final String reserved;
        private final long records;
        private final double duration;
        private final List<Object[]> signals = new java.util.ArrayList<>();

        EdfBuilder(String reserved, long records, double duration) {
            this.reserved = reserved;
            this.records = records;
            this.duration = duration;
        }

        void signal(String label, String dim, double pMin, double pMax, int dMin, int dMax, int n) {
            signals.add(new Object[] {label, dim, pMin, pMax, dMin, dMax, n});
        }

        byte[] bytes(int actualRecords) {
            return bytes(actualRecords, r -> new String[] {"+" + r + "\u0014\u0014\0", ""});
        }

        byte[] bytes(java.util.function.IntFunction<String[]> tals) {
            return bytes((int) records, tals);
        }

        private byte[] bytes(int actualRecords, java.util.function.IntFunction<String[]> tals) {
            int ns = signals.size();
            StringBuilder h = new StringBuilder();
            h.append(pad("0", 8)).append(pad("X X X X", 80)).append(pad("Startdate 02-JAN-2024 X X X", 80))
                    .append("02.01.2410.11.12").append(pad(String.valueOf(256 * (ns + 1)), 8)).append(pad(reserved, 44))
                    .append(pad(String.valueOf(records), 8)).append(pad(String.valueOf(duration), 8))
                    .append(pad(String.valueOf(ns), 4));
            int[] widths = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
            int[] column = {0, -1, 1, 2, 3, 4, 5, -1, 6, -1};
            for (int f = 0; f < widths.length; f++) {
                for (Object[] s : signals) {
                    Object v = column[f] < 0 ? "" : s[column[f]];
                    String text = v instanceof Double d ? (d == Math.rint(d) ? String.valueOf(d.longValue()) : d.toString())
                            : String.valueOf(v);
                    h.append(pad(text, widths[f]));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
            int[] t = new int[ns];
            for (int r = 0; r < actualRecords; r++) {
                for (int s = 0; s < ns; s++) {
                    Object[] sig = signals.get(s);
                    int n = (Integer) sig[6];
                    if (sig[0].equals("EDF Annotations")) {
                        byte[] a = new byte[2 * n];
                        byte[] text = String.join("", tals.apply(r)).getBytes(StandardCharsets.UTF_8);
                        System.arraycopy(text, 0, a, 0, text.length);
                        out.writeBytes(a);
                        continue;
                    }
                    for (int j = 0; j < n; j++, t[s]++) {
                        int d = (10 * t[s] + s) % 30000;
                        out.write(d & 0xff);
                        out.write(d >> 8 & 0xff);
                    }
                }
            }
            return out.toByteArray();
        }

        private static String pad(String s, int width) {
            return (s + " ".repeat(width)).substring(0, width);
        }
    }
}
