package org.exchangeai.app.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.Formats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import is a set of independent units: a poisoned file in the middle of an upload (one whose
 * decoding runs out of memory, and a WFDB header declaring 3000 segments of 375 000 samples) becomes an error
 * row with its reason, and every other file, before and after it, loose or inside a ZIP, is stored.
 * Unreadable files keep no original in the workspace.
 */
class ImportContainmentTest {

    @TempDir
    Path dir;

    /** Decoding a file named {@code poison*} runs out of memory, as a hostile file did before the limits. */
    static final ImportJob.Reader POISONED = (file, options) -> {
        if (file.getFileName().toString().startsWith("poison")) {
            throw new OutOfMemoryError("Java heap space");
        }
        return Formats.read(file, options);
    };

    @Test
    void aPoisonedFileInTheMiddleLeavesEveryOtherFileStored() throws Exception {
        Path up = Files.createDirectories(dir.resolve("upload"));
        Files.copy(TestData.data("muse/muse-sinus.xml"), up.resolve("a_muse.xml"));
        copyRecord("10", Files.createDirectories(up.resolve("b")));
        Files.copy(TestData.data("muse/muse_ecg1.xml"), up.resolve("poison.xml"));
        writeHugeMultiSegmentHeader(Files.createDirectories(up.resolve("d")));
        copyRecord("104", Files.createDirectories(up.resolve("e")));
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(up.resolve("f.zip")))) {
            for (String[] e : new String[][] {{"first.xml", "muse/muse-sinus.xml"}, {"poison2.xml", "muse/muse_ecg1.xml"},
                    {"last.xml", "muse/muse_ecg1.xml"}}) {
                z.putNextEntry(new ZipEntry(e[0]));
                z.write(Files.readAllBytes(TestData.data(e[1])));
                z.closeEntry();
            }
        }
        Path wsDir = dir.resolve("ws");
        try (Workspace ws = Workspace.open(wsDir)) {
            Datasets datasets = new Datasets(ws);
            long id = datasets.create("poisoned").id();
            Ctx ctx = new Ctx();
            new ImportJob(ws, id, up, org.exchangeai.core.io.ReadOptions.DEFAULT, POISONED).run(ctx);
            Map<String, Recording> rows = datasets.recordings(id).stream()
                    .collect(Collectors.toMap(Recording::name, r -> r));
            for (String ok : List.of("a_muse.xml", "b/10.hea", "e/104.hea", "f.zip!/first.xml", "f.zip!/last.xml")) {
                Recording r = rows.get(ok);
                assertTrue(r != null && r.ok(), ok + " is stored: " + rows.keySet() + " " + ctx.lines);
                assertTrue(ws.files().has(r.signalSha()) && ws.files().has(r.originalSha()), ok);
            }
            Recording poison = rows.get("poison.xml");
            assertEquals("error", poison.status());
            assertTrue(poison.error().startsWith("ran out of memory while decoding"), poison.error());
            assertEquals("error", rows.get("f.zip!/poison2.xml").status());
            Recording huge = rows.get("d/multi.hea");
            assertEquals("error", huge.status(), rows.keySet().toString());
            assertTrue(huge.error().contains("3000 segments") && huge.error().contains("too large"), huge.error());
            for (Recording r : rows.values()) {
                if (!r.ok()) {
                    assertNull(r.originalSha(), r.name() + ": an unreadable file keeps no original");
                }
            }
            assertTrue(ctx.result.contains("\"failed\":3"), ctx.result);
        }
    }

    static void copyRecord(String name, Path to) throws Exception {
        for (String ext : List.of(".hea", ".dat")) {
            Files.copy(TestData.data("ludb/data/" + name + ext), to.resolve(name + ext));
        }
    }

    /**
     * A header listing 3000 segments of 2 × 375 000 samples (the segment a sparse 1.5 MB file):
     * 2.25 billion values declared by 50 kB of text (issue 19's command-line case).
     */
    static void writeHugeMultiSegmentHeader(Path to) throws Exception {
        int n = 375_000;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(to.resolve("seg.dat").toFile(), "rw")) {
            f.setLength(4L * n);
        }
        Files.writeString(to.resolve("seg.hea"), "seg 2 250 " + n + "\nseg.dat 16 200/mV 16 0 0 0 0 I\n"
                + "seg.dat 16 200/mV 16 0 0 0 0 II\n");
        StringBuilder h = new StringBuilder("multi/3000 2 250 " + (3000L * n) + "\n");
        for (int i = 0; i < 3000; i++) {
            h.append("seg ").append(n).append('\n');
        }
        Files.writeString(to.resolve("multi.hea"), h);
    }

    /** The job context of a job run directly. */
    static final class Ctx implements JobContext {
        final List<String> lines = new ArrayList<>();
        String result = "";

        @Override
        public long id() {
            return 1;
        }

        @Override
        public void progress(double fraction, String message) {
        }

        @Override
        public void log(String line) {
            lines.add(line);
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void result(String json) {
            result = json;
        }
    }
}
