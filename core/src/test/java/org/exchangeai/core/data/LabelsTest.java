package org.exchangeai.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label tables. Expected rows are those written in the shared {@code labels.csv} files (read with a text viewer). */
class LabelsTest {

    @TempDir
    Path tmp;

    @Test
    void challengeLabelsWithMultiLabelsMatchByStem() throws Exception {
        Labels labels = Labels.read(TestData.data("mat/challenge2021/labels.csv"));
        Labels.Row e07500 = labels.find("E07500.hea");
        assertEquals("E07500.mat", e07500.fileName());
        assertEquals(List.of("LAE", "SB"), e07500.labels());
        assertEquals(List.of("I51.7", "R00.1"), e07500.icd10());
        assertEquals("LAE|SB", e07500.label());
        assertTrue(labels.problems().isEmpty());
    }

    @Test
    void ptbxlLabelsMatchByRelativePathWithBlankIcd() throws Exception {
        Labels labels = Labels.read(TestData.data("ptbxl/labels.csv"));
        Labels.Row first = labels.find("records100/00000/00001_lr.hea");
        assertEquals(List.of("NORM"), first.labels());
        assertEquals(List.of(), first.icd10());
        assertEquals(List.of("I45.9"), labels.find("npy500\\195.npy").icd10());
        assertEquals(labels.find("npy500/195.npy"), labels.find("archive.zip!/npy500/195.npy"));
        Labels.Matching m = labels.match(List.of("npy500/195.npy", "npy500/nothing.npy"));
        assertEquals(1, m.matched().size());
        assertEquals(List.of("npy500/nothing.npy"), m.unlabelledRecordings());
        assertEquals(labels.rows().size() - 1, m.unmatchedRows().size());
        assertTrue(labels.classes().containsAll(List.of("NORM", "CD")));
    }

    @Test
    void bomDuplicatesAndProblemsAreReported() throws Exception {
        Path f = tmp.resolve("labels.csv");
        Files.write(f, ("\uFEFFICD-10,file_name,label\nI48.91,a.npy,AFIB\n,b.npy,SR\n,a.npy,SR\nI10,,X\n,c.npy,\n,"
                + "dir/b.npy,SR|STACH\n").getBytes(StandardCharsets.UTF_8));
        Labels labels = Labels.read(f);
        assertEquals(3, labels.rows().size());
        assertEquals(List.of("AFIB"), labels.find("a.npy").labels());
        assertEquals(List.of(
                "line 4: duplicate file_name a.npy (first on line 2); the first row is used",
                "line 5: empty file_name",
                "line 6: no label for c.npy"), labels.problems());
        assertEquals(List.of("SR", "STACH"), labels.find("dir/b.npy").labels());
        assertEquals(List.of("SR"), labels.find("b.hea").labels(), "stem b: the row in the same folder");
        assertNull(labels.find("other/b.hea"), "stem b is ambiguous outside both folders");
    }

    @Test
    void headerIsRequired() throws IOException {
        Path f = tmp.resolve("l.csv");
        Files.writeString(f, "a.npy,AFIB,\n");
        assertTrue(assertThrows(IOException.class, () -> Labels.read(f)).getMessage().contains("lacks [file_name, label, ICD-10]"));
        Path empty = tmp.resolve("e.csv");
        Files.writeString(empty, "");
        assertTrue(assertThrows(IOException.class, () -> Labels.read(empty)).getMessage().contains("empty label file"));
    }
}
