package org.exchangeai.core.io.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exchangeai.core.TestData;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZIP archives built here from the shared recordings; expectations are those of reading the files directly. */
class ArchivesTest {

    @TempDir
    Path tmp;

    private Path zip(String name, Map<String, byte[]> entries) throws Exception {
        Path z = tmp.resolve(name);
        try (OutputStream os = Files.newOutputStream(z); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zos.putNextEntry(new ZipEntry(e.getKey()));
                zos.write(e.getValue());
                zos.closeEntry();
            }
        }
        return z;
    }

    private static byte[] shared(String rel) throws Exception {
        return Files.readAllBytes(TestData.data(rel));
    }

    @Test
    void readsRecordingsAndExposesLabels() throws Exception {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("set/npy500/195.npy", shared("ptbxl/npy500/195.npy"));
        entries.put("set/cpsc/A1983.mat", shared("mat/cpsc2018/A1983.mat"));
        entries.put("set/broken.npy", Arrays.copyOf(shared("ptbxl/npy500/887.npy"), 1000));
        entries.put("set/labels.csv", "file_name,label,ICD-10\nnpy500/195.npy,CD,I45.9\ncpsc/A1983.mat,Normal,\n".getBytes());
        entries.put("set/README.md", "notes".getBytes());
        Path z = zip("data.zip", entries);
        assertTrue(Archives.isZip(z));
        List<ReadResult> results = Formats.readAll(List.of(z), ReadOptions.DEFAULT);
        assertEquals(List.of(z + "!/set/broken.npy", z + "!/set/cpsc/A1983.mat", z + "!/set/npy500/195.npy"),
                results.stream().map(ReadResult::name).toList(), "the archive as given, then the entry");
        ReadResult npy = results.get(2);
        assertTrue(npy.ok());
        assertEquals(500.0, npy.ecg().fs());
        assertEquals(z + "!/set/npy500/195.npy", npy.ecg().source().file());
        assertEquals(Formats.read(TestData.data("ptbxl/npy500/195.npy"), ReadOptions.DEFAULT), npy.ecg());
        assertEquals(7500, results.get(1).ecg().length());
        assertFalse(results.get(0).ok());
        assertEquals(z + "!/set/broken.npy", results.get(0).error().file());
        assertTrue(results.get(0).error().reason().startsWith("truncated"));
        assertFalse(Files.exists(npy.file()), "unpacked files are removed after reading");

        try (Archives.Expanded x = Archives.expand(z)) {
            assertNotNull(x.labels());
            Labels labels = Labels.read(x.labels());
            Path base = x.labels().getParent();
            assertEquals("CD", labels.find(base.relativize(x.recordings().get(2).file()).toString()).label());
            assertTrue(x.skipped().stream().anyMatch(s -> s.file().getFileName().toString().equals("README.md")));
        }
    }

    @Test
    void archiveInsideAScannedFolderIsExpanded() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("upload"));
        Path z = folder.resolve("batch.zip");
        Files.move(zip("batch.zip", Map.of("a/887.npy", shared("ptbxl/npy500/887.npy"))), z);
        Files.copy(TestData.data("ptbxl/npy500/195.npy"), folder.resolve("195.npy"));
        List<ReadResult> results = Formats.readAll(List.of(folder), ReadOptions.DEFAULT);
        assertEquals(List.of(folder.resolve("195.npy").toString(), z + "!/a/887.npy"),
                results.stream().map(ReadResult::name).toList());
        assertTrue(results.stream().allMatch(ReadResult::ok));
        Formats.Scan.Entry entry = Formats.scan(List.of(folder)).recordings().get(1);
        assertEquals(1, Formats.readEntry(entry, ReadOptions.DEFAULT).size(), "readEntry expands too");
    }

    /**
     * A copy of a ZIP whose central directory states another uncompressed size for one entry, as a
     * ZIP bomb or a damaged archive may: readers that trust it allocate or unpack that much.
     */
    static byte[] withStatedSize(byte[] zip, String entry, long size) {
        byte[] copy = zip.clone();
        byte[] name = entry.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int p = 0; p + 46 <= copy.length; p++) {
            if (copy[p] == 'P' && copy[p + 1] == 'K' && copy[p + 2] == 1 && copy[p + 3] == 2) {
                int nameLength = (copy[p + 28] & 0xff) | (copy[p + 29] & 0xff) << 8;
                if (nameLength == name.length && Arrays.equals(copy, p + 46, p + 46 + nameLength, name, 0, name.length)) {
                    for (int i = 0; i < 4; i++) {
                        copy[p + 24 + i] = (byte) (size >>> (8 * i));
                    }
                    return copy;
                }
            }
        }
        throw new AssertionError(entry + " not in the central directory");
    }

    @Test
    void unsafeOrOversizedArchivesAreRefused() throws Exception {
        // entries that leave the folder are refused one by one, by name; the others are read
        Path slip = zip("slip.zip", Map.of("../evil.npy", new byte[] {1, 2, 3}, "/tmp/evil.npy", new byte[] {1},
                "x.npy", shared("ptbxl/npy500/195.npy")));
        try (Archives.Expanded x = Archives.expand(slip)) {
            assertEquals(List.of("slip.zip!/x.npy"), x.recordings().stream().map(Formats.Scan.Entry::name).toList());
            assertEquals(List.of("slip.zip!/../evil.npy", "slip.zip!//tmp/evil.npy"),
                    x.refused().stream().map(ReadResult::name).sorted().toList());
            for (ReadResult r : x.refused()) {
                assertTrue(r.error().reason().contains("points outside the archive folder (an absolute or '../' path);"
                        + " refused, not unpacked"), r.error().reason());
                assertEquals(r.name(), r.error().file());
            }
        }
        assertFalse(Files.exists(tmp.getParent().resolve("evil.npy")));
        assertFalse(Files.exists(Path.of("/tmp/evil.npy")));
        // an entry whose directory states more than any recording is stored in: refused without unpacking
        Path stated = tmp.resolve("stated.zip");
        Files.write(stated, withStatedSize(Files.readAllBytes(zip("big.zip", Map.of("big.npy", new byte[1000]))),
                "big.npy", 0x7FFFFFF0L));
        try (Archives.Expanded x = Archives.expand(stated)) {
            assertEquals(List.of(), x.recordings());
            assertEquals(1, x.refused().size());
            assertEquals("stated.zip!/big.npy", x.refused().get(0).name());
            assertTrue(x.refused().get(0).error().reason().startsWith("ZIP entry too large to read: it unpacks to"
                    + " 2147483632 bytes"), x.refused().get(0).error().reason());
        }
        Path bomb = zip("bomb.zip", Map.of("zeros.npy", new byte[5_000_000]));
        assertTrue(Files.size(bomb) < 100_000);
        assertEquals("ZIP archive unpacks to more than 1,000,000 bytes; refused (limit for one archive)",
                assertThrows(EcgReadException.class, () -> Archives.expand(bomb, 1_000_000, 10)).reason());
        Path many = zip("many.zip", Map.of("a", new byte[1], "b", new byte[1], "c", new byte[1]));
        assertEquals("archive has 3 entries, more than the limit of 2",
                assertThrows(EcgReadException.class, () -> Archives.expand(many, 1000, 2)).reason());
        byte[] good = Files.readAllBytes(zip("ok.zip", Map.of("x.npy", shared("ptbxl/npy500/195.npy"))));
        Path cut = tmp.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        List<ReadResult> r = Formats.readAll(List.of(cut), ReadOptions.DEFAULT);
        assertEquals(1, r.size());
        assertFalse(r.get(0).ok());
        assertTrue(r.get(0).error().reason().startsWith("malformed ZIP archive"), r.get(0).error().reason());
    }
}
