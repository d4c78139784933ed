package org.exchangeai.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.exchangeai.app.jobs.ImportJob;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.jobs.JobState;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace's temporary folder: archives unpack there, and whatever a killed process left is gone on the next open. */
class WorkspaceTest {

    @TempDir
    Path dir;

    @Test
    void leftoversOfAKilledImportAreRemovedOnOpen() throws Exception {
        try (Workspace ws = Workspace.open(dir)) {
            Path unpacked = Files.createDirectories(dir.resolve("tmp/zip-123/records/sub"));
            Files.write(unpacked.resolve("ludb_2.dat"), new byte[] {1, 2, 3});
            Files.write(dir.resolve("tmp/put-1.part"), new byte[] {4});
        }
        try (Workspace ws = Workspace.open(dir)) {
            try (var s = Files.list(dir.resolve("tmp"))) {
                assertEquals(List.of(), s.toList());
            }
        }
    }

    @Test
    void aZipIsUnpackedInTheWorkspaceAndRemovedAfterTheImport() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("upload"));
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(folder.resolve("records.zip")))) {
            for (String f : List.of("ludb/data/2.hea", "ludb/data/2.dat")) {
                z.putNextEntry(new ZipEntry(f.substring(f.lastIndexOf('/') + 1)));
                z.write(Files.readAllBytes(TestData.data(f)));
                z.closeEntry();
            }
        }
        try (Workspace ws = Workspace.open(dir.resolve("ws")); JobRunner jobs = new JobRunner(ws)) {
            Datasets ds = new Datasets(ws);
            long d = ds.create("zip").id();
            long job = jobs.submit("import", "import", "{}", JobRunner.Queue.IO, new ImportJob(ws, d, folder, ReadOptions.DEFAULT));
            long until = System.currentTimeMillis() + 30_000;
            while (!jobs.get(job).orElseThrow().state().finished() && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            assertEquals(JobState.DONE, jobs.get(job).orElseThrow().state());
            assertEquals(1, ds.get(d).orElseThrow().recordings());
            assertTrue(ds.recordings(d).get(0).ok());
            try (var s = Files.list(dir.resolve("ws/tmp"))) {
                assertEquals(List.of(), s.toList(), "the unpacked archive is removed");
            }
        }
    }
}
