package org.exchangeai.core.io.scp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Section 3 of some writers numbers the samples from 0 (lead range 0–N−1) where EN 1064 numbers
 * them from 1. A copy of each shared record with its ranges rewritten that way (section and record
 * CRCs recomputed, as a writer would have) must read as the same signal, with a warning.
 * {@code test.scp} uses reference-beat subtraction, so a misplaced range would misplace the beat.
 */
class ScpZeroBasedRangeTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ECG_20060620_112352_197001138994.SCP", "Example.scp", "test.scp"})
    void zeroBasedRangesReadAsTheSameSamples(String name) throws Exception {
        Path original = TestData.data("scp/" + name);
        byte[] b = Files.readAllBytes(original);
        int s3 = sectionData(b, 3);
        int leads = ScpBytes.u8(b, s3);
        long first = ScpBytes.u32(b, s3 + 2);
        long last = ScpBytes.u32(b, s3 + 6);
        assertEquals(1, first, "the shared file is 1-based");
        for (int i = 0; i < leads; i++) {
            int p = s3 + 2 + 9 * i;
            ScpTestWriter.put32(b, p, ScpBytes.u32(b, p) - 1);
            ScpTestWriter.put32(b, p + 4, ScpBytes.u32(b, p + 4) - 1);
        }
        ScpTestWriter.fixCrcs(b);
        Path copy = dir.resolve(name);
        Files.write(copy, b);

        ScpEcgReader reader = new ScpEcgReader();
        Ecg expected = reader.read(original, ReadOptions.DEFAULT);
        Ecg actual = reader.read(copy, ReadOptions.DEFAULT);
        assertEquals(expected, actual);
        assertEquals(expected.representativeBeat(), actual.representativeBeat());
        assertEquals(expected.measurements(), actual.measurements());
        String warning = "section 3 numbers the samples from 0, against the standard's 1 (all " + leads
                + " leads, e.g. " + actual.leads().get(0) + " 0–" + (last - 1) + "); read as the same " + last
                + " samples numbered from 1";
        List<String> warnings = new ArrayList<>(expected.warnings());
        assertTrue(actual.warnings().contains(warning), actual.warnings().toString());
        warnings.add(warning);
        assertEquals(warnings.size(), actual.warnings().size(), actual.warnings().toString());
    }

    /** Byte offset of a section's data (after its 16-byte header), found through section 0. */
    private static int sectionData(byte[] b, int id) {
        int len0 = (int) ScpBytes.u32(b, 10);
        for (int p = 22; p + 10 <= 6 + len0; p += 10) {
            if (ScpBytes.u16(b, p) == id && ScpBytes.u32(b, p + 2) > 0) {
                return (int) ScpBytes.u32(b, p + 6) - 1 + 16;
            }
        }
        throw new AssertionError("no section " + id);
    }
}
