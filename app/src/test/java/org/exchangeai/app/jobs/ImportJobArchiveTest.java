package org.exchangeai.app.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An uploaded ZIP whose entries the archive layer refuses (a {@code ../} path, an absolute path, an
 * entry whose directory states more than any recording is stored in, as a ZIP bomb does): each
 * refused entry is a named error row of the dataset with its reason, counted in the job result,
 * while the good entry beside them is read.
 */
class ImportJobArchiveTest {

    @TempDir
    Path dir;

    @Test
    void refusedArchiveEntriesAreNamedInTheImportResult() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("upload"));
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("records/195.npy", Files.readAllBytes(TestData.data("ptbxl/npy500/195.npy")));
        entries.put("../escape.npy", new byte[] {1, 2, 3});
        entries.put("/etc/escape.npy", new byte[] {4});
        entries.put("bomb.npy", new byte[1000]);
        byte[] zip = withStatedSize(zip(entries), "bomb.npy", 0x7FFFFFF0L);
        Files.write(folder.resolve("upload.zip"), zip);

        try (Workspace ws = Workspace.open(dir.resolve("ws")); JobRunner jobs = new JobRunner(ws)) {
            Datasets ds = new Datasets(ws);
            long d = ds.create("zip").id();
            long job = jobs.submit("import", "import", "{}", JobRunner.Queue.IO, new ImportJob(ws, d, folder, ReadOptions.DEFAULT));
            long until = System.currentTimeMillis() + 30_000;
            while (!jobs.get(job).orElseThrow().state().finished() && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            JobInfo info = jobs.get(job).orElseThrow();
            assertEquals(JobState.DONE, info.state());
            JsonNode result = new ObjectMapper().readTree(info.result());
            assertEquals(1, result.get("read").asInt());
            assertEquals(3, result.get("failed").asInt());
            assertEquals(3, result.get("refusedEntries").asInt());
            assertTrue(info.message().contains("1 read, 3 failed (3 archive entries refused unread)"), info.message());

            Map<String, Datasets.Recording> rows = new TreeMap<>();
            for (Datasets.Recording r : ds.recordings(d)) {
                rows.put(r.name(), r);
            }
            assertEquals(List.of("upload.zip!/../escape.npy", "upload.zip!//etc/escape.npy", "upload.zip!/bomb.npy",
                    "upload.zip!/records/195.npy"), List.copyOf(rows.keySet()));
            assertTrue(rows.get("upload.zip!/records/195.npy").ok());
            for (String name : List.of("upload.zip!/../escape.npy", "upload.zip!//etc/escape.npy")) {
                assertFalse(rows.get(name).ok());
                assertTrue(rows.get(name).error().contains("points outside the archive folder (an absolute or '../' path);"
                        + " refused, not unpacked"), rows.get(name).error());
            }
            assertTrue(rows.get("upload.zip!/bomb.npy").error().startsWith("ZIP entry too large to read: it unpacks to"
                    + " 2147483632 bytes"), rows.get("upload.zip!/bomb.npy").error());
            assertFalse(Files.exists(dir.resolve("escape.npy")));
            assertFalse(Files.exists(dir.resolve("ws/escape.npy")));
            assertFalse(Files.exists(dir.resolve("ws/tmp/escape.npy")));
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** The ZIP with one entry's uncompressed size in the central directory replaced, as a bomb states it. */
    private static byte[] withStatedSize(byte[] zip, String entry, long size) {
        byte[] copy = zip.clone();
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
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
}
