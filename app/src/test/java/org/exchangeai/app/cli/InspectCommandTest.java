package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    @Test
    void unreadableFileIsReportedByNameAndFailsTheRun(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.edf");
        byte[] bytes = new byte[777];
        new java.util.Random(1).nextBytes(bytes);
        Files.write(junk, bytes);
        Path empty = Files.createFile(dir.resolve("empty.hea"));

        CliRun run = CliRun.of("inspect", "--json", junk.toString(), empty.toString());

        assertEquals(1, run.status());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertEquals(junk.toString(), first.get("file").asText());
        assertTrue(first.has("format") && first.has("leads") && first.has("fs") && first.has("samples")
                && first.has("durationSeconds"));
        assertTrue(first.get("error").asText().contains("not a recognised ECG format"), lines[0]);
        assertTrue(json.readTree(lines[1]).get("error").asText().contains("empty"), lines[1]);
    }

    @Test
    void documentationFilesInAFolderAreSkippedNotFailed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("README.md"), "# notes");
        Files.writeString(dir.resolve("labels.csv"), "file_name,label,ICD-10\na,NORM,\n");
        CliRun run = CliRun.of("inspect", dir.toString());
        assertTrue(run.out().contains("0 recordings read, 0 failed, 2 files skipped"), run.out());
        assertEquals(1, run.status(), "a run that read nothing is not a success");
    }
}
