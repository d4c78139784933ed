package org.exchangeai.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files that declare enormous recordings are refused before anything is allocated, within
 * the 512 MiB heap this test runs in (the {@code small-heap} surefire execution): a WFDB record
 * whose header lists thousands of segments, a compressed MATLAB v5 file that unpacks to more than
 * a gigabyte, and a ZIP archive holding a NumPy array of about 1.9 GB. Also the rejections of
 * impossible rates and gains, which name the format and the field. The files are written here,
 * byte by byte, after the layouts of WFDB {@code header(5)}, the MAT-file format (Table 1-1 and
 * the miMATRIX layout) and the NPY format description.
 */
@Tag("small-heap")
class HostileFilesTest {

    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private static EcgReadException refused(Path file) {
        return assertTimeoutPreemptively(QUICK, () -> assertThrows(EcgReadException.class,
                () -> Formats.read(file, ReadOptions.DEFAULT)));
    }

    /** A format-16 segment of 2 signals and 375 000 samples (1.5 MB), listed 3000 times. */
    @Test
    void wfdbHeaderWithThousandsOfSegmentsIsRefusedBeforeReading() throws Exception {
        int n = 375_000;
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("seg.dat").toFile(), "rw")) {
            f.setLength(4L * n);
        }
        Files.writeString(tmp.resolve("seg.hea"), "seg 2 250 " + n + "\nseg.dat 16 200/mV 16 0 0 0 0 I\n"
                + "seg.dat 16 200/mV 16 0 0 0 0 II\n");
        StringBuilder h = new StringBuilder("big/3000 2 250 " + (3000L * n) + "\n");
        for (int i = 0; i < 3000; i++) {
            h.append("seg ").append(n).append('\n');
        }
        Path header = tmp.resolve("big.hea");
        Files.writeString(header, h);
        EcgReadException e = refused(header);
        assertTrue(e.reason().startsWith("WFDB file too large to read: the header lists 3000 segments"), e.reason());
        assertTrue(e.reason().contains("2,250,000,000 values"), e.reason());
    }

    /** About 2 MB of header: 100 000 segment lines naming one 21 600-sample segment. */
    @Test
    void twoMegabyteWfdbHeaderIsRefusedQuickly() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("segment_100s.dat").toFile(), "rw")) {
            f.setLength(2 * 21_600 * 2);
        }
        Files.writeString(tmp.resolve("segment_100s.hea"), "segment_100s 2 360 21600\n"
                + "segment_100s.dat 16 200 16 0 0 0 0 MLII\nsegment_100s.dat 16 200 16 0 0 0 0 V5\n");
        StringBuilder h = new StringBuilder("multi/100000 2 360 " + (100_000L * 21_600) + "\n");
        for (int i = 0; i < 100_000; i++) {
            h.append("segment_100s 21600\n");
        }
        Path header = tmp.resolve("multi.hea");
        Files.writeString(header, h);
        assertTrue(Files.size(header) > 1_900_000, "header of " + Files.size(header) + " bytes");
        EcgReadException e = refused(header);
        assertTrue(e.reason().contains("100000 segments"), e.reason());
        assertTrue(e.reason().contains("more than the"), e.reason());
    }

    /**
     * A MATLAB v5 file of about 1.2 MB whose one compressed variable, a 12 × 100 000 000 int8
     * matrix of zeros, unpacks to 1.2 GB.
     */
    @Test
    void compressedMatlabFileThatUnpacksHugeIsRefused() throws Exception {
        long cols = 100_000_000L;
        long dataBytes = 12 * cols;
        ByteBuffer head = ByteBuffer.allocate(8 + 16 + 16 + 16 + 8).order(ByteOrder.LITTLE_ENDIAN);
        long matrixSize = 16 + 16 + 16 + 8 + dataBytes;
        head.putInt(14).putInt((int) matrixSize);                         // miMATRIX
        head.putInt(6).putInt(8).putInt(8).putInt(0);                     // array flags: mxINT8_CLASS
        head.putInt(5).putInt(8).putInt(12).putInt((int) cols);           // dimensions 12 x 1e8
        head.putInt(1).putInt(3).put("val".getBytes(StandardCharsets.US_ASCII)).put(new byte[5]);
        head.putInt(1).putInt((int) dataBytes);                           // miINT8 data tag
        Deflater d = new Deflater(9);
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 20];
        d.setInput(head.array());
        drain(d, z, buf);
        byte[] zeros = new byte[1 << 22];
        for (long done = 0; done < dataBytes; done += zeros.length) {
            d.setInput(zeros, 0, (int) Math.min(zeros.length, dataBytes - done));
            drain(d, z, buf);
        }
        d.finish();
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        d.end();
        byte[] text = new byte[128];
        byte[] desc = "MATLAB 5.0 MAT-file, written by a test".getBytes(StandardCharsets.US_ASCII);
        java.util.Arrays.fill(text, 0, 116, (byte) ' ');
        System.arraycopy(desc, 0, text, 0, desc.length);
        text[124] = 0;
        text[125] = 1;
        text[126] = 'I';
        text[127] = 'M';
        Path mat = tmp.resolve("huge.mat");
        try (OutputStream out = Files.newOutputStream(mat)) {
            out.write(text);
            ByteBuffer tag = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(15).putInt(z.size());
            out.write(tag.array());
            z.writeTo(out);
        }
        assertTrue(Files.size(mat) < 2_000_000, "file of " + Files.size(mat) + " bytes");
        EcgReadException e = refused(mat);
        assertTrue(e.reason().startsWith("MATLAB v5 file too large to read: its variables unpack to 1,144 MiB"),
                e.reason());
        assertFalse(e.reason().contains("Exception"), e.reason());
    }

    private static void drain(Deflater d, java.io.ByteArrayOutputStream z, byte[] buf) {
        while (!d.needsInput()) {
            z.write(buf, 0, d.deflate(buf));
        }
    }

    /** A ZIP of about 1.9 MB holding a 40 000 000 × 12 int32 array (1.92 GB) of zeros. */
    @Test
    void zipHoldingHugeNumpyArrayIsRefusedWithoutUnpacking() throws Exception {
        long rows = 40_000_000L;
        byte[] header = npyHeader("<i4", "(" + rows + ", 12)");
        Path zip = tmp.resolve("arrays.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.setLevel(9);
            out.putNextEntry(new ZipEntry("small.npy"));
            out.write(npyHeader("<f4", "(5000, 12)"));
            out.write(new byte[5000 * 12 * 4]);
            out.closeEntry();
            out.putNextEntry(new ZipEntry("huge.npy"));
            out.write(header);
            byte[] zeros = new byte[1 << 22];
            long total = rows * 12 * 4;
            for (long done = 0; done < total; done += zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, total - done));
            }
            out.closeEntry();
        }
        assertTrue(Files.size(zip) < 3_000_000, "archive of " + Files.size(zip) + " bytes");
        List<ReadResult> results = assertTimeoutPreemptively(QUICK,
                () -> Formats.readAll(List.of(zip), ReadOptions.DEFAULT));
        assertEquals(2, results.size(), results.toString());
        ReadResult huge = results.stream().filter(r -> r.name().endsWith("huge.npy")).findFirst().orElseThrow();
        assertNull(huge.ecg());
        assertTrue(huge.error().reason().startsWith("ZIP entry too large to read: it unpacks to 1920000128 bytes"),
                huge.error().reason());
        ReadResult small = results.stream().filter(r -> r.name().endsWith("small.npy")).findFirst().orElseThrow();
        assertTrue(small.ok(), "the other entry is still read: " + small.error());
    }

    /** The same array outside an archive (a sparse file): refused from its header's shape. */
    @Test
    void hugeNumpyFileIsRefusedFromItsShape() throws Exception {
        Path npy = tmp.resolve("huge.npy");
        byte[] header = npyHeader("<i4", "(40000000, 12)");
        try (RandomAccessFile f = new RandomAccessFile(npy.toFile(), "rw")) {
            f.write(header);
            f.setLength(header.length + 40_000_000L * 12 * 4);
        }
        EcgReadException e = refused(npy);
        assertTrue(e.reason().startsWith("NPY file too large to read: the array's shape is (40000000, 12), "
                + "12 × 40,000,000 = 480,000,000 values (1,831 MiB), more than the"), e.reason());
    }

    static byte[] npyHeader(String descr, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int len = dict.length() + 1;
        int pad = (64 - (10 + len) % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    @Test
    void impossibleRatesAndGainsAreRefusedWithTheField() throws IOException {
        Path dat = tmp.resolve("r.dat");
        Files.write(dat, new byte[4000]);
        String[][] cases = {
                {"r 1 0 1000\nr.dat 16 200 16 0 0 0 0 II\n", "WFDB header, line 1 (record line): sampling frequency 0 Hz"},
                {"r 1 1e308 1000\nr.dat 16 200 16 0 0 0 0 II\n", "sampling frequency 1e308 Hz is outside"},
                {"r 1 1e-308 1000\nr.dat 16 200 16 0 0 0 0 II\n", "sampling frequency 1e-308 Hz is outside"},
                {"r 1 500 1000\nr.dat 16 1e-320 16 0 0 0 0 II\n", "the ADC gain"},
                {"r 1 500 1000\n../../../../etc/passwd 16 200 16 0 0 0 0 II\n",
                        "signal file '../../../../etc/passwd' is not a plain file name beside the header"},
        };
        for (String[] c : cases) {
            Path hea = tmp.resolve("r.hea");
            Files.writeString(hea, c[0]);
            EcgReadException e = refused(hea);
            assertTrue(e.reason().contains(c[1]), c[0] + " -> " + e.reason());
            assertTrue(e.reason().startsWith("WFDB"), e.reason());
        }
    }
}
