package org.exchangeai.core.io.scp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of {@code scp/Example.scp} and of records built by {@link ScpTestWriter}: every
 * damage gives an {@link EcgReadException} whose reason names what is wrong; nothing hangs, nothing
 * throws anything else, nothing allocates beyond what the file's bytes can justify.
 */
class ScpCorruptFilesTest {

    @TempDir
    Path dir;

    private static byte[] example() throws Exception {
        return Files.readAllBytes(TestData.data("scp/Example.scp"));
    }

    /** Byte offset of a section's header, found through section 0. */
    private static int sectionOffset(byte[] b, int id) {
        int len0 = (int) ScpBytes.u32(b, 10);
        for (int p = 22; p + 10 <= 6 + len0; p += 10) {
            if (ScpBytes.u16(b, p) == id && ScpBytes.u32(b, p + 2) > 0) {
                return (int) ScpBytes.u32(b, p + 6) - 1;
            }
        }
        throw new AssertionError("no section " + id);
    }

    private static int pointer(byte[] b, int id) {
        int len0 = (int) ScpBytes.u32(b, 10);
        for (int p = 22; p + 10 <= 6 + len0; p += 10) {
            if (ScpBytes.u16(b, p) == id) {
                return p;
            }
        }
        throw new AssertionError("no pointer " + id);
    }

    private String reason(byte[] content) throws Exception {
        Path file = dir.resolve("damaged.scp");
        Files.write(file, content);
        EcgReadException e = assertThrows(EcgReadException.class,
                () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> new ScpEcgReader().read(file,
                        ReadOptions.DEFAULT)));
        assertEquals(file.toString(), e.file());
        return e.reason();
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "expected '" + part + "' in: " + text);
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] b = example();
        String r = reason(Arrays.copyOf(b, b.length / 2));
        assertContains(r, "truncated");
        assertContains(r, Integer.toString(b.length));
        assertContains(reason(Arrays.copyOf(b, 10)), "truncated");
    }

    @Test
    void flippedByteFailsTheRecordCrc() throws Exception {
        byte[] b = example();
        b[sectionOffset(b, 6) + 200] ^= 0x10;
        assertContains(reason(b), "SCP record CRC mismatch");
    }

    @Test
    void flippedByteUnderAValidRecordCrcFailsTheSectionCrc() throws Exception {
        byte[] b = example();
        b[sectionOffset(b, 6) + 200] ^= 0x10;
        ScpTestWriter.put16(b, 0, ScpBytes.crc(b, 2, b.length));
        assertContains(reason(b), "SCP section 6 CRC mismatch");
    }

    @Test
    void sectionLengthsThatDisagree() throws Exception {
        byte[] b = example();
        int p = pointer(b, 6);
        ScpTestWriter.put32(b, p + 2, ScpBytes.u32(b, p + 2) + 2);
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "SCP section 6 length disagrees: section 0 says 30086 bytes, the section header says 30084");
    }

    @Test
    void sectionPointingPastTheEnd() throws Exception {
        byte[] b = example();
        ScpTestWriter.put32(b, pointer(b, 7) + 6, b.length - 10);
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "extends past the end");
    }

    @Test
    void absurdLeadCount() throws Exception {
        byte[] b = example();
        b[sectionOffset(b, 3) + 16] = (byte) 255;
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "section 3 declares 255 leads");
    }

    @Test
    void absurdSampleCounts() throws Exception {
        byte[] b = example();
        int s3 = sectionOffset(b, 3) + 16;
        for (int i = 0; i < 12; i++) {
            ScpTestWriter.put32(b, s3 + 2 + 9 * i + 4, 0xFFFFFFF0L);
        }
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "beyond the reader's limit");

        for (int i = 0; i < 12; i++) {
            ScpTestWriter.put32(b, s3 + 2 + 9 * i + 4, 2_000_000);
        }
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "2000000 samples cannot be coded in");
    }

    @Test
    void leadByteCountsBeyondTheSection() throws Exception {
        byte[] b = example();
        ScpTestWriter.put16(b, sectionOffset(b, 6) + 16 + 6, 65535);
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "section 6 lead byte counts add up to");
    }

    @Test
    void huffmanCodeRunningPastTheData() throws Exception {
        int[][] x = {new int[500], new int[500]};
        for (int t = 0; t < 500; t++) {
            x[0][t] = (int) (100 * Math.sin(t / 20.0));
            x[1][t] = t % 50;
        }
        byte[] b = new ScpTestWriter(x, new int[] {1, 2}, 5000, 2000).declareExtraSamples(40).write();
        String r = reason(b);
        assertContains(r, "section 6 lead I");
        assertContains(r, "Huffman data ends");
    }

    @Test
    void uncodedLeadShorterThanDeclared() throws Exception {
        int[][] x = {new int[300]};
        byte[] b = new ScpTestWriter(x, new int[] {2}, 5000, 2000).coding(ScpTestWriter.Coding.RAW_16_BIT)
                .declareExtraSamples(10).write();
        assertContains(reason(b), "section 6 lead II holds 600 bytes, fewer than the 620");
    }

    @Test
    void huffmanTableSwitchingToAMissingTable() throws Exception {
        int[][] x = {new int[100]};
        byte[] b = new ScpTestWriter(x, new int[] {1}, 5000, 2000).coding(ScpTestWriter.Coding.SECTION_2_TABLES)
                .write();
        int s2 = sectionOffset(b, 2) + 16;
        ScpTestWriter.put16(b, s2 + 4 + 9 * 5 + 3, 3);
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "Huffman table 1 switches to table 3, but section 2 holds 2");
    }

    @Test
    void referenceBeatFlagWithoutReferenceBeat() throws Exception {
        byte[] b = example();
        int s3 = sectionOffset(b, 3) + 16;
        b[s3 + 1] |= 1;
        ScpTestWriter.fixCrcs(b);
        assertContains(reason(b), "section 3 flags reference-beat subtraction");
    }

    /**
     * Random damage under valid CRCs (so that it reaches the decoders): 200 copies of a record with
     * reference beat, protected zones and bimodal compression, each with 1–4 random bytes changed
     * anywhere after the record header. Each copy is read or refused with an {@link EcgReadException}, quickly.
     */
    @Test
    void randomDamageNeverEscapesAsAnotherException() throws Exception {
        int n = 1200;
        int[][] x = new int[3][n];
        for (int t = 0; t < n; t++) {
            x[0][t] = (int) (300 * Math.exp(-Math.pow((t % 400 - 200) / 6.0, 2)) + 20 * Math.sin(t / 30.0));
            x[1][t] = x[0][t] / 2 + t % 7;
            x[2][t] = -x[0][t];
        }
        int[][] beat = new int[3][100];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(x[i], 150, beat[i], 0, 100);
        }
        java.util.List<ScpTestWriter.Beat> qrs = java.util.List.of(new ScpTestWriter.Beat(151, 201, 250, 191, 212),
                new ScpTestWriter.Beat(551, 601, 650, 591, 612), new ScpTestWriter.Beat(951, 1001, 1050, 991, 1012));
        byte[] good = new ScpTestWriter(x, new int[] {1, 2, 3}, 5000, 2000).coding(ScpTestWriter.Coding.SECTION_2_TABLES)
                .referenceBeat(beat, 51, qrs, true).bimodal(2).write();
        Path file = dir.resolve("fuzz.scp");
        Files.write(file, good);
        new ScpEcgReader().read(file, ReadOptions.DEFAULT);
        int from = 6;
        int to = good.length;
        Random random = new Random(1064);
        int refused = 0;
        for (int k = 0; k < 200; k++) {
            byte[] b = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b[from + random.nextInt(to - from)] = (byte) random.nextInt(256);
            }
            ScpTestWriter.fixCrcs(b);
            Files.write(file, b);
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> new ScpEcgReader().read(file, ReadOptions.DEFAULT));
            } catch (Exception e) {
                if (!(e instanceof EcgReadException refusal)) {
                    throw e;
                }
                refused++;
                assertTrue(refusal.reason() != null && !refusal.reason().isBlank());
            }
        }
        assertTrue(refused > 0, "some damage must be detected");
    }
}
