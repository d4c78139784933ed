package org.exchangeai.core.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.edf.EdfReader;
import org.exchangeai.core.io.numeric.MatReader;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.io.text.CsvReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random damage (overwritten header bytes, truncation, scattered bytes) to real files of
 * the CSV, NPY, MAT and EDF/BDF readers: each read either succeeds or fails with an
 * {@link EcgReadException}; nothing else escapes (no runtime exception, no out-of-memory).
 */
class ResearchFormatsMutationTest {

    @TempDir
    Path tmp;

    private static Path resource(String name) throws Exception {
        return Path.of(ResearchFormatsMutationTest.class.getResource(name).toURI());
    }

    @Test
    void damagedFilesFailCleanly() throws Exception {
        Path csv = tmp.resolve("source.csv");
        Files.write(csv, Files.readAllLines(TestData.data("csv/0000050.ECG.csv")).subList(0, 400));
        List<Object[]> cases = List.of(
                new Object[] {new CsvReader(), csv, "x.csv"},
                new Object[] {new NpyReader(), resource("/npy/i2_be_fortran_leads_first.npy"), "x.npy"},
                new Object[] {new MatReader(), TestData.data("mat/cpsc2018/A1980.mat"), "x.mat"},
                new Object[] {new MatReader(), TestData.data("mat/challenge2021/E07501.mat"), "v4.mat"},
                new Object[] {new MatReader(), resource("/mat/v5_val_with_fs.mat"), "z.mat"},
                new Object[] {new EdfReader(), resource("/edf/0000050.ECG.first2s.biosig.bdf"), "x.bdf"});
        Random rnd = new Random(20240102);
        ReadOptions options = ReadOptions.DEFAULT.withFs(500.0);
        for (Object[] c : cases) {
            EcgFormat format = (EcgFormat) c[0];
            byte[] original = Files.readAllBytes((Path) c[1]);
            Path target = tmp.resolve((String) c[2]);
            for (int i = 0; i < 60; i++) {
                byte[] b = original.clone();
                switch (i % 3) {
                    case 0 -> {
                        for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                            b[rnd.nextInt(Math.min(b.length, 4096))] = (byte) rnd.nextInt(256);
                        }
                    }
                    case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
                    default -> {
                        for (int k = 0; k < 20; k++) {
                            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                        }
                    }
                }
                Files.write(target, b);
                try {
                    format.read(target, options);
                } catch (EcgReadException expected) {
                    // a clear refusal is fine
                } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                    fail(format.name() + " mutation " + i + " of " + c[1] + " escaped as " + e, e);
                }
            }
        }
    }
}
