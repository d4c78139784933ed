package org.exchangeai.core.io.wfdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link WfdbReader} on the real WFDB records in {@code ../shared/data}. */
class WfdbReaderTest {

    private final WfdbReader reader = new WfdbReader();

    /**
     * MIT-BIH record 100, format 212. The first three bytes of {@code 100.dat} are
     * {@code E3 33 F3}: sample 0 (MLII) = {@code E3 | (3 << 8)} = 0x3E3 = 995, sample 1 (V5) =
     * {@code F3 | (3 << 8)} = 0x3F3 = 1011, which are also the header's initial values. With
     * baseline 1024 and gain 200/mV: MLII = (995 − 1024) / 200 = −0.145 mV, V5 = (1011 − 1024) /
     * 200 = −0.065 mV. Sample 1 of both leads (bytes {@code E3 33 F3} again) is the same.
     */
    @Test
    void record100Format212() throws Exception {
        Ecg ecg = reader.read(TestData.data("wfdb/100.hea"), ReadOptions.DEFAULT);
        assertEquals(360.0, ecg.fs());
        assertEquals(650000, ecg.length());
        assertEquals(List.of("V5", "MLII"), ecg.leads());
        assertEquals(-0.145f, ecg.get(ecg.indexOf("MLII"), 0), 1e-7);
        assertEquals(-0.065f, ecg.get(ecg.indexOf("V5"), 0), 1e-7);
        assertEquals(-0.145f, ecg.get(ecg.indexOf("MLII"), 1), 1e-7);
        assertTrue(ecg.warnings().isEmpty(), ecg.warnings().toString());
        assertEquals("WFDB", ecg.source().format());
        assertEquals("mV", ecg.source().units());
        assertEquals(200.0, ecg.source().gains()[0]);
        assertEquals(1024.0, ecg.source().baselines()[1]);
        assertTrue(ecg.source().notes().contains("69 M 1085 1629 x1"), ecg.source().notes().toString());
    }

    /**
     * PhysioNet/CinC Challenge 2020 headers: {@code E00009.mat 12 500 5000 05-May-2020 14:50:55}
     * names the record with its file's extension and writes the date before the time as
     * DD-Mon-YYYY. Both are read, with warnings, and the date is kept. Sample 0 of lead I is
     * the header's initial value over its gain (E00009: -58 / 4880 mV; A5432: 74 / 1000 mV).
     */
    @Test
    void challenge2020HeadersWithExtensionAndMonthNameDate() throws Exception {
        Ecg e = reader.read(TestData.data("wfdb/challenge2020/E00009.hea"), ReadOptions.DEFAULT);
        assertEquals(500.0, e.fs());
        assertEquals(5000, e.length());
        assertEquals(LeadNames.STANDARD_12, e.leads());
        assertEquals("2020-05-05T14:50:55", e.source().acquisitionTime());
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("05-May-2020")), e.warnings().toString());
        assertTrue(e.warnings().stream().anyMatch(w -> w.contains("file extension")), e.warnings().toString());
        assertEquals(headerInitialValue("wfdb/challenge2020/E00009.hea", 0) / 4880.0, e.get(0, 0), 1e-7);
        Ecg a = reader.read(TestData.data("wfdb/challenge2020/A5432.hea"), ReadOptions.DEFAULT);
        assertEquals("2020-05-12T12:33:59", a.source().acquisitionTime());
        assertEquals(headerInitialValue("wfdb/challenge2020/A5432.hea", 0) / 1000.0, a.get(0, 0), 1e-7);
        Ecg q = reader.read(TestData.data("wfdb/challenge2020/Q0017.hea"), ReadOptions.DEFAULT);
        assertEquals(28934, q.length());
    }

    /**
     * A multi-segment record whose segments hold the ECG at 4 samples per frame (212x4, 500 Hz)
     * beside 125 Hz signals (MIMIC record 041). Expected values are the segment headers' own
     * initial values over the gain of 2000/mV: III at sample 0 = 168 / 2000, I at the first
     * sample of segment 2 (frame 1000, sample 4000) = -64 / 2000. Pressure signals are left
     * out; the header checksums agree (no checksum warning).
     */
    @Test
    void multiSegmentWithSeveralSamplesPerFrame() throws Exception {
        Ecg e = reader.read(TestData.data("wfdb/multisegment-041s/041s.hea"), ReadOptions.DEFAULT);
        assertEquals(500.0, e.fs());
        assertEquals(8000, e.length());
        assertEquals(168 / 2000f, e.get(e.indexOf("III"), 0), 1e-7);
        assertEquals(-64 / 2000f, e.get(e.indexOf("I"), 4000), 1e-7);
        assertFalse(e.hasLead("ABP"));
        assertFalse(e.warnings().stream().anyMatch(w -> w.contains("checksum")), e.warnings().toString());
    }

    private static int headerInitialValue(String header, int signal) throws IOException {
        List<String> lines = Files.readAllLines(TestData.data(header)).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        return Integer.parseInt(lines.get(1 + signal).trim().split("\\s+")[5]);
    }

    /**
     * MIT-BIH 100.atr, decoded independently by a 25-line decoder of the MIT annotation format
     * ({@code annot(5)}) run once: 2274 annotations — one rhythm annotation {@code +} with aux
     * text {@code (N} at sample 18, then 2273 beats (2239 N, 33 A, 1 V); first beat at 77,
     * then 370, 662, 946; last at 649991.
     */
    @Test
    void record100Annotations() throws Exception {
        Ecg ecg = reader.read(TestData.data("wfdb/100.hea"), ReadOptions.DEFAULT);
        List<Annotation> a = ecg.annotations();
        assertEquals(2274, a.size());
        assertEquals(new Annotation(18, "+", null, "(N", 0), a.get(0));
        assertEquals(new Annotation(77, "N", null, null, 0), a.get(1));
        assertEquals(370, a.get(2).sample());
        assertEquals(662, a.get(3).sample());
        assertEquals(946, a.get(4).sample());
        assertEquals(649991, a.get(a.size() - 1).sample());
        assertEquals(2273, a.stream().filter(x -> WfdbAnnotationReader.isBeat(x.code())).count());
        assertEquals(2239, a.stream().filter(x -> x.code().equals("N")).count());
        assertEquals(33, a.stream().filter(x -> x.code().equals("A")).count());
        assertEquals(1, a.stream().filter(x -> x.code().equals("V")).count());
    }

    /** The raw golden arrays are the same records read by an independent WFDB decoder (golden README). */
    @ParameterizedTest
    @CsvSource({
        "ludb/data/2.hea, ludb_2",
        "ludb/data/8.hea, ludb_8",
        "ludb/data/10.hea, ludb_10",
        "wfdb/muse-sinus.hea, muse_sinus",
        "ptbxl/records100/00000/00001_lr.hea, ptbxl_00001_lr",
        "mat/challenge2021/E07500.hea, c21_E07500",
        "mat/challenge2021/HR06000.hea, c21_HR06000",
        "mat/challenge2021/JS20000.hea, c21_JS20000",
    })
    void matchesGoldenRaw(String header, String golden) throws Exception {
        Ecg ecg = reader.read(TestData.data(header), ReadOptions.DEFAULT);
        double[][] raw = readNpy2d(TestData.golden(golden + "/raw.npy"));
        assertEquals(raw.length, ecg.length());
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertTrue(ecg.derivedLeads().isEmpty());
        double worst = 0;
        for (int lead = 0; lead < 12; lead++) {
            for (int t = 0; t < raw.length; t++) {
                worst = Math.max(worst, Math.abs(ecg.get(lead, t) - raw[t][lead]));
            }
        }
        // float32 storage: 1e-6 mV is below half an ulp of values up to 8 mV
        assertTrue(worst <= 1e-6, "largest difference " + worst + " mV");
        assertTrue(ecg.warnings().isEmpty(), ecg.warnings().toString());
    }

    /**
     * PTB s0010_re: 12 leads in {@code .dat} and Frank leads vx, vy, vz in {@code .xyz}, format
     * 16, gain 2000/mV, baseline 0. The first frame's digital values are the header's initial
     * values (−489 … 390 and −3, 120, −18), so the first samples are those ÷ 2000.
     */
    @Test
    void s0010TwoSignalFiles() throws Exception {
        Ecg ecg = reader.read(TestData.data("wfdb/s0010_re.hea"), ReadOptions.DEFAULT);
        assertEquals(1000.0, ecg.fs());
        assertEquals(38400, ecg.length());
        List<String> expected = List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6",
                "X", "Y", "Z");
        assertEquals(expected, ecg.leads());
        int[] first = {-489, -458, 31, 474, -260, -214, -88, -241, -112, 212, 393, 390, -3, 120, -18};
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i] / 2000.0, ecg.get(i, 0), 1e-7, expected.get(i));
        }
        assertTrue(ecg.warnings().isEmpty(), ecg.warnings().toString());
        assertTrue(ecg.source().notes().contains("age: 81"));
        assertEquals("s0010_re.dat,s0010_re.xyz", ecg.source().properties().get("signal_files"));
    }

    /**
     * a103l: MATLAB v4 file read as format 16 from byte 24. The header's initial values are
     * −171 (II, gain 7247/mV) and 9127 (V, gain 10520/mV); PLETH (units NU) is not a voltage and
     * is left out. Header comments give the alarm.
     */
    @Test
    void a103lFromMatWithOffset() throws Exception {
        Ecg ecg = reader.read(TestData.data("wfdb/a103l.hea"), ReadOptions.DEFAULT);
        assertEquals(250.0, ecg.fs());
        assertEquals(82500, ecg.length());
        assertEquals(List.of("II", "V"), ecg.leads());
        assertEquals(-171 / 7247.0, ecg.get(0, 0), 1e-7);
        assertEquals(9127 / 10520.0, ecg.get(1, 0), 1e-7);
        assertEquals(List.of("Asystole", "False alarm"), ecg.source().notes());
        assertEquals(1, ecg.warnings().size(), ecg.warnings().toString());
        assertTrue(ecg.warnings().get(0).contains("PLETH"));
    }

    /**
     * muse-sinus is read exactly as declared (gain 200/mV), 5x too large as ../shared/data/README.md
     * documents; the first sample of lead I is its initial value −10, i.e. −0.05 mV.
     */
    @Test
    void museSinusAsDeclared() throws Exception {
        Ecg ecg = reader.read(TestData.data("wfdb/muse-sinus.hea"), ReadOptions.DEFAULT);
        assertEquals(-0.05f, ecg.get(0, 0), 1e-7);
        assertEquals("2023-04-29T22:41:16", ecg.source().acquisitionTime());
        float[] range = ecg.amplitudeRange();
        float max = Math.max(-range[0], range[1]);
        assertTrue(max > 7.5, "V4 reaches about 8 mV as declared, got " + max);
    }

    /** The README's promise: every signal's 16-bit sum equals its header checksum (no warning). */
    @Test
    void checksumsAgreeForAllSharedHeaders() throws Exception {
        List<Path> headers;
        try (var walk = Files.walk(TestData.data(""))) {
            headers = walk.filter(p -> p.toString().endsWith(".hea")).sorted().toList();
        }
        assertTrue(headers.size() > 80, "found " + headers.size());
        for (Path h : headers) {
            Ecg ecg = reader.read(h, ReadOptions.DEFAULT);
            for (String w : ecg.warnings()) {
                assertFalse(w.contains("checksum"), h + ": " + w);
            }
        }
    }

    /**
     * LUDB record 10: 12 per-lead annotation files, 786 marks in all; {@code 10.ii} holds 66
     * (22 onsets, 22 offsets, 8 QRS peaks N, 7 P peaks, 7 T peaks) starting
     * ( 682, N 704, ) 729, ( 806, t 851, ) 890, ( 1061, p 1090, ) 1130. Numbers from an
     * independent 20-line decoder of the MIT annotation format ({@code annot(5)}) run once.
     */
    @Test
    void ludbPerLeadAnnotations() throws Exception {
        Ecg ecg = reader.read(TestData.data("ludb/data/10.hea"), ReadOptions.DEFAULT);
        assertEquals(786, ecg.annotations().size());
        assertTrue(ecg.annotations().stream().allMatch(a -> a.lead() != null));
        for (String lead : LeadNames.STANDARD_12) {
            assertTrue(ecg.annotations().stream().anyMatch(a -> lead.equals(a.lead())), lead);
        }
        List<Annotation> ii = ecg.annotations().stream().filter(a -> "II".equals(a.lead())).toList();
        assertEquals(66, ii.size());
        String[] codes = {"(", "N", ")", "(", "t", ")", "(", "p", ")"};
        long[] at = {682, 704, 729, 806, 851, 890, 1061, 1090, 1130};
        for (int i = 0; i < codes.length; i++) {
            assertEquals(new Annotation(at[i], codes[i], "II", null, 0), ii.get(i));
        }
        assertEquals(22, ii.stream().filter(a -> a.code().equals("(")).count());
        assertEquals(8, ii.stream().filter(a -> a.code().equals("N")).count());
        assertEquals(7, ii.stream().filter(a -> a.code().equals("p")).count());
        assertEquals(7, ii.stream().filter(a -> a.code().equals("t")).count());
    }

    @Test
    void detectsHeadersByContent() throws Exception {
        Path h = TestData.data("wfdb/100.hea");
        assertTrue(reader.detect(h, Files.readAllBytes(h)));
        Path m = TestData.data("wfdb/muse-sinus.hea");
        assertTrue(reader.detect(m, Files.readAllBytes(m)));
        // a signal file named directly is recognised through the header beside it that names it
        Path dat = TestData.data("wfdb/100.dat");
        assertTrue(reader.detect(dat, Formats.head(dat)));
        assertEquals(reader.read(h, ReadOptions.DEFAULT), reader.read(dat, ReadOptions.DEFAULT));
        Path atr = TestData.data("wfdb/100.atr");
        assertFalse(reader.detect(atr, Formats.head(atr)));
        assertEquals(reader.name(), Formats.detect(h).name());
    }

    @Test
    void companionsClaimSignalAndAnnotationFiles() {
        List<Path> c = reader.companions(TestData.data("ludb/data/10.hea"));
        List<String> names = c.stream().map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("10.avf", "10.avl", "10.avr", "10.dat", "10.i", "10.ii", "10.iii", "10.v1", "10.v2",
                "10.v3", "10.v4", "10.v5", "10.v6"), names);
        List<String> r100 = reader.companions(TestData.data("wfdb/100.hea")).stream()
                .map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("100.atr", "100.dat"), r100);
        List<String> a103 = reader.companions(TestData.data("wfdb/a103l.hea")).stream()
                .map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("a103l.mat"), a103);
    }

    /** A folder scan reads each record once, through its header; signal and annotation files are claimed. */
    @Test
    void folderScansReadEachRecordOnce() throws Exception {
        List<String> ludb = Formats.scan(List.of(TestData.data("ludb/data"))).recordings().stream()
                .map(e -> e.file().getFileName().toString()).toList();
        assertEquals(60, ludb.size());
        assertTrue(ludb.stream().allMatch(n -> n.endsWith(".hea")), ludb.toString());
        List<ReadResult> wfdb = Formats.readAll(List.of(TestData.data("wfdb")), ReadOptions.DEFAULT);
        // the Challenge 2020 headers name their .mat signal files, which are claimed, not read twice
        assertEquals(List.of("100.hea", "a103l.hea", "A5432.hea", "E00009.hea", "Q0017.hea", "data_8_4.hea",
                        "041s.hea", "multi.hea", "muse-sinus.hea", "s0010_re.hea"),
                wfdb.stream().map(r -> r.file().getFileName().toString()).toList());
        assertTrue(wfdb.stream().allMatch(ReadResult::ok),
                wfdb.stream().filter(r -> !r.ok()).map(ReadResult::toString).toList().toString());
        List<String> challenge = Formats.scan(List.of(TestData.data("mat/challenge2021"))).recordings().stream()
                .map(e -> e.file().getFileName().toString()).toList();
        assertEquals(21, challenge.size());
        assertTrue(challenge.stream().allMatch(n -> n.endsWith(".hea")), challenge.toString());
    }

    /** A tiny reader of little-endian float64 2-D NumPy arrays (format version 1, C or Fortran order). */
    static double[][] readNpy2d(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((byte) 0x93, b[0]);
        int headerLen = buf.getShort(8) & 0xffff;
        String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<f8'"), header);
        boolean fortran = header.contains("'fortran_order': True");
        Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
        assertTrue(m.find(), header);
        int rows = Integer.parseInt(m.group(1));
        int cols = Integer.parseInt(m.group(2));
        double[][] out = new double[rows][cols];
        int start = 10 + headerLen;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int index = fortran ? c * rows + r : r * cols + c;
                out[r][c] = buf.getDouble(start + 8 * index);
            }
        }
        assertNotNull(out);
        return out;
    }
}
