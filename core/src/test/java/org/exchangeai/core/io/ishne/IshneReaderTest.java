package org.exchangeai.core.io.ishne;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.io.wfdb.WfdbReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IshneReader} and {@link IshneWriter}. No public ISHNE sample file is available, so the test
 * file is built here from a real recording: LUDB record 10 ({@code ../shared/data/ludb/data/10.dat},
 * format 16, 12 leads × 5000 samples at 500 Hz), read directly from its bytes with the gains and
 * baselines of {@code 10.hea}. The WFDB header's initial values and 16-bit checksums are checked
 * first, so the source samples are known to be read right; the result is also compared with
 * {@link WfdbReader} on the same record.
 *
 * <p>Where the expected numbers came from: the ISHNE standard (Badilini et al., Ann Noninvasive
 * Electrocardiol 1998): header offsets, lead specification codes (Table 1: I = 5 … aVF = 10,
 * V1 = 11 … V6 = 16, X/Y/Z = 2/3/4), lead quality codes (Table 2), amplitude resolution in nV,
 * and the header CRC, CRC-16/CCITT with initial value 0xFFFF, whose published check value for the
 * ASCII string {@code 123456789} is 0x29B1. Each LUDB lead is stored as its digital value minus the
 * WFDB baseline, with a resolution of round(10⁶ / gain) nV, so the stored integers must come back
 * exactly and the amplitudes must equal LUDB's within the rounding of the resolution (at most 0.5 nV per unit).
 */
class IshneReaderTest {

    private static final Path HEADER = TestData.data("ludb/data/10.hea");
    private static final Path SIGNAL = TestData.data("ludb/data/10.dat");
    private static final List<Integer> STANDARD_CODES = List.of(5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

    private static List<String> ludbNames;
    private static double[] gains;
    private static int[] baselines;
    private static short[][] digital;
    private static short[][] stored;
    private static int[] resolution;
    private static byte[] built;

    @TempDir
    Path tmp;

    @BeforeAll
    static void buildFromLudb() throws IOException {
        List<String> lines = Files.readAllLines(HEADER).stream().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        String[] record = lines.get(0).trim().split("\\s+");
        int signals = Integer.parseInt(record[1]);
        int n = Integer.parseInt(record[3]);
        assertEquals(12, signals);
        assertEquals(5000, n);
        ludbNames = new ArrayList<>();
        gains = new double[signals];
        baselines = new int[signals];
        int[] initial = new int[signals];
        int[] checksum = new int[signals];
        for (int s = 0; s < signals; s++) {
            String[] f = lines.get(1 + s).trim().split("\\s+");
            assertEquals("16", f[1]);
            String g = f[2];
            gains[s] = Double.parseDouble(g.substring(0, g.indexOf('(')));
            baselines[s] = Integer.parseInt(g.substring(g.indexOf('(') + 1, g.indexOf(')')));
            initial[s] = Integer.parseInt(f[5]);
            checksum[s] = Integer.parseInt(f[6]);
            ludbNames.add(f[8]);
        }
        ByteBuffer dat = ByteBuffer.wrap(Files.readAllBytes(SIGNAL)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2L * signals * n, dat.capacity());
        digital = new short[signals][n];
        for (int t = 0; t < n; t++) {
            for (int s = 0; s < signals; s++) {
                digital[s][t] = dat.getShort();
            }
        }
        stored = new short[signals][n];
        resolution = new int[signals];
        for (int s = 0; s < signals; s++) {
            int sum = 0;
            for (short v : digital[s]) {
                sum += v;
            }
            assertEquals(checksum[s], (short) sum, "WFDB checksum of " + ludbNames.get(s));
            assertEquals(initial[s], digital[s][0], "WFDB initial value of " + ludbNames.get(s));
            resolution[s] = (int) Math.round(1e6 / gains[s]);
            for (int t = 0; t < n; t++) {
                int v = digital[s][t] - baselines[s];
                stored[s][t] = (short) v;
                assertEquals(v, stored[s][t]);
            }
        }
        built = IshneWriter.encode(new IshneWriter.Recording(500, ludbNames, resolution, null, stored, "LUDB digital",
                LocalDateTime.of(2026, 1, 26, 9, 30, 15)));
    }

    @Test
    void realRecordingRoundTripsExactly() throws Exception {
        Path p = write(built);
        assertInstanceOf(IshneReader.class, Formats.detect(p));
        Ecg ecg = Formats.read(p, ReadOptions.DEFAULT);
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(500.0, ecg.fs());
        assertEquals(5000, ecg.length());
        assertTrue(ecg.derivedLeads().isEmpty());
        for (int s = 0; s < 12; s++) {
            String lead = LeadNames.normalize(ludbNames.get(s));
            float[] mv = ecg.lead(lead);
            double unit = resolution[s] * 1e-6;
            for (int t = 0; t < mv.length; t++) {
                assertEquals(stored[s][t], Math.round(mv[t] / unit), lead + " stored value at " + t);
                assertEquals((float) (stored[s][t] * unit), mv[t], 0f, lead + " at " + t);
                double ludbMv = (digital[s][t] - baselines[s]) / gains[s];
                double rounding = Math.abs(resolution[s] * gains[s] * 1e-6 - 1);
                assertEquals(ludbMv, mv[t], Math.abs(ludbMv) * rounding * 1.001 + 1e-6, lead + " vs LUDB at " + t);
            }
        }
        assertEquals("2026-01-26T09:30:15", ecg.source().acquisitionTime());
        assertEquals("LUDB digital", ecg.source().device());
        assertEquals("ISHNE", ecg.source().format());
    }

    @Test
    void agreesWithTheWfdbReaderOnTheSameRecord() throws Exception {
        Ecg wfdb = Formats.read(HEADER, ReadOptions.DEFAULT);
        Ecg ishne = read(built);
        assertEquals(wfdb.leads(), ishne.leads());
        assertEquals(wfdb.length(), ishne.length());
        for (int s = 0; s < 12; s++) {
            String lead = LeadNames.normalize(ludbNames.get(s));
            float[] a = wfdb.lead(lead);
            float[] b = ishne.lead(lead);
            double rounding = Math.abs(resolution[s] * gains[s] * 1e-6 - 1);
            for (int t = 0; t < a.length; t++) {
                assertEquals(a[t], b[t], Math.abs(a[t]) * rounding * 1.001 + 1e-5, lead + " at " + t);
            }
        }
    }

    @Test
    void leadCodesAndResolutionsFollowTheStandard() throws Exception {
        ByteBuffer h = ByteBuffer.wrap(built).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(12, h.getShort(156));
        for (int i = 0; i < 12; i++) {
            assertEquals(STANDARD_CODES.get(i).shortValue(), h.getShort(158 + 2 * i), ludbNames.get(i));
            assertEquals(resolution[i], h.getShort(206 + 2 * i) & 0xFFFF);
        }
        assertEquals(770, resolution[0], "LUDB record 10 lead i: gain 1299/mV is 770 nV per unit");
        assertEquals(500, h.getShort(272));
        Ecg ecg = new IshneReader().read(write(built), ReadOptions.DEFAULT);
        for (int i = 0; i < 12; i++) {
            int k = ecg.indexOf(ludbNames.get(i));
            assertEquals(1.0 / resolution[i], ecg.source().gains()[k], 1e-15);
        }
        // another order and the orthogonal leads: I, V2 and X come back under their names
        short[][] three = {stored[7], stored[0], stored[0].clone()};
        Ecg xyz = new IshneReader().read(write(IshneWriter.encode(new IshneWriter.Recording(500,
                List.of("V2", "X", "I"), new int[] {1000, 2500, 770}, new int[] {1, 3, 5}, three, null, null))),
                ReadOptions.DEFAULT);
        assertEquals(List.of("I", "V2", "X"), xyz.leads());
        assertEquals(stored[7][100] * 1e-3, xyz.get(1, 100), 1e-6);
        assertEquals(stored[0][100] * 2.5e-3, xyz.get(2, 100), 1e-6);
        assertEquals("frequent noise", xyz.source().properties().get("quality.X"));
        assertEquals("frequent disconnect", xyz.source().properties().get("quality.I"));
        assertEquals(2, xyz.warnings().size(), xyz.warnings().toString());
        assertEquals(null, xyz.source().acquisitionTime());
    }

    @Test
    void crcIsCcittOverHeaderAndVariableBlock() {
        assertEquals(0x29B1, IshneReader.crc("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
        ByteBuffer h = ByteBuffer.wrap(built).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(IshneReader.crc(built, 10, 522), h.getShort(8) & 0xFFFF);
    }

    @Test
    void flippedHeaderByteIsACrcMismatch() throws Exception {
        for (int pos : new int[] {8, 9, 10, 30, 160, 272, 300, 521}) {
            byte[] copy = built.clone();
            copy[pos] ^= 0x10;
            assertReason(copy, "ISHNE header CRC mismatch");
        }
    }

    @Test
    void wrongCountsAndAbsurdValuesFailClearly() throws Exception {
        assertReason(withCrc(putInt(built, 14, 5001)), "truncated: the header declares 5001 samples per lead");
        assertReason(withCrc(putInt(built, 14, 4999)), "size mismatch");
        assertReason(withCrc(putInt(built, 14, 0x7FFFFFFF)), "truncated");
        assertReason(withCrc(putInt(built, 14, 0)), "declares 0 samples");
        assertReason(withCrc(putShort(built, 156, 0)), "number of leads is 0");
        assertReason(withCrc(putShort(built, 156, 13)), "number of leads is 13");
        assertReason(withCrc(putShort(built, 156, 11)), "size mismatch");
        assertReason(withCrc(putShort(built, 272, 0)), "sampling rate is 0 Hz");
        assertReason(withCrc(putShort(built, 206, 0)), "resolution of 0 nV");
        assertReason(withCrc(putShort(built, 158, 42)), "unknown lead specification code 42");
        assertReason(withCrc(putShort(built, 158, -9)), "marked absent");
        assertReason(withCrc(putShort(built, 160, 5)), "appears twice");
        assertReason(withCrc(putInt(built, 10, 0x7FFFFFF0)), "declares a variable-length block of 2147483632 bytes");
        assertReason(withCrc(putInt(built, 22, 600)), "ECG block offset 600 does not follow");
        assertReason(withCrc(putInt(putInt(built, 10, 0x7FFFF000), 22, 0x7FFFF000 + 522)), "truncated");
        assertReason(withCrc(putInt(built, 18, 600)), "fixes it at 522");
        assertReason(withCrc(putInt(built, 10, -4)), "negative variable-length block");
    }

    @Test
    void truncatedCopiesFailClearly() throws Exception {
        for (int length : new int[] {8, 100, 521, 523, 522 + 1001, built.length / 2, built.length - 1}) {
            byte[] cut = Arrays.copyOf(built, length);
            EcgReadException e = assertThrows(EcgReadException.class, () -> read(cut), "cut at " + length);
            assertTrue(e.reason().contains("truncated") || e.reason().contains("size mismatch"),
                    "cut at " + length + ": " + e.reason());
        }
    }

    @Test
    void flippedHeaderBytesWithValidCrcNeverEscape() throws Exception {
        Random random = new Random(19980701L);
        int failures = 0;
        for (int i = 0; i < 100; i++) {
            byte[] copy = built.clone();
            copy[10 + random.nextInt(512)] ^= (byte) (1 << random.nextInt(8));
            try {
                read(withCrc(copy));
            } catch (EcgReadException e) {
                failures++;
                assertFalse(e.reason().isBlank());
            }
        }
        assertTrue(failures > 0);
    }

    @Test
    void samplesCountedOverAllLeadsAreAcceptedWithAWarning() throws Exception {
        Ecg ecg = read(withCrc(putInt(built, 14, 5000 * 12)));
        assertEquals(5000, ecg.length());
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("over all 12 leads")), ecg.warnings().toString());
        assertEquals(read(built), ecg);
    }

    @Test
    void annotationFileBesideItIsClaimedNotRead() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("holter"));
        Files.write(dir.resolve("rec.ecg"), built);
        Files.write(dir.resolve("rec.ann"), "ANN  1.0".getBytes(StandardCharsets.US_ASCII));
        List<ReadResult> results = Formats.readAll(List.of(dir), ReadOptions.DEFAULT);
        assertEquals(1, results.size(), results.toString());
        assertTrue(results.get(0).ok());
        assertTrue(results.get(0).ecg().warnings().contains("the annotation file rec.ann beside it is not read"));
    }

    @Test
    void subjectFieldsNeverReachTheRecording() throws Exception {
        byte[] copy = built.clone();
        byte[] last = "DOEPATIENT".getBytes(StandardCharsets.US_ASCII);
        byte[] id = "ID-778899".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(last, 0, copy, 68, last.length);
        System.arraycopy(id, 0, copy, 108, id.length);
        copy = putShort(putShort(putShort(copy, 132, 23), 134, 1), 136, 1971);
        Ecg ecg = read(withCrc(copy));
        String all = ecg.source() + " " + ecg.source().notes() + " " + ecg.source().properties() + " " + ecg.warnings();
        assertFalse(all.contains("DOEPATIENT"), all);
        assertFalse(all.contains("778899"), all);
        assertFalse(all.contains("1971"), all);
    }

    @Test
    void ecgWriterQuantisesToTheResolution() throws Exception {
        Ecg original = read(built);
        IshneWriter.Recording r = IshneWriter.fromEcg(original, 500);
        assertEquals(LeadNames.STANDARD_12, r.leads());
        Path p = tmp.resolve("from-ecg.ecg");
        IshneWriter.write(p, r);
        Ecg again = new IshneReader().read(p, ReadOptions.DEFAULT);
        for (int i = 0; i < 12; i++) {
            for (int t = 0; t < again.length(); t += 7) {
                assertEquals(original.get(i, t), again.get(i, t), 0.25e-3 + 1e-6);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> IshneWriter.fromEcg(original, 1));
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "ishne", ".ecg");
        Files.write(p, bytes);
        return p;
    }

    private Ecg read(byte[] bytes) throws Exception {
        return new IshneReader().read(write(bytes), ReadOptions.DEFAULT);
    }

    private void assertReason(byte[] bytes, String part) {
        EcgReadException e = assertThrows(EcgReadException.class, () -> read(bytes));
        assertTrue(e.reason().contains(part), "expected '" + part + "' in: " + e.reason());
    }

    /** Recomputes the header CRC so that a mutation reaches the checks behind it. */
    private static byte[] withCrc(byte[] data) {
        ByteBuffer h = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long varSize = h.getInt(10);
        int end = (int) Math.max(522, Math.min(data.length, 522 + varSize));
        int crc = IshneReader.crc(data, 10, end);
        data[8] = (byte) crc;
        data[9] = (byte) (crc >>> 8);
        return data;
    }

    private static byte[] putInt(byte[] data, int offset, int value) {
        byte[] copy = data.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    private static byte[] putShort(byte[] data, int offset, int value) {
        byte[] copy = data.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
        return copy;
    }
}
