package org.exchangeai.core.io.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MATLAB files. Expected values: {@code ../shared/golden/cpsc_A1983/raw.npy} and
 * {@code c21_E07500/raw.npy} (written by the golden reference reader, independent of this code);
 * shapes, sex and age as printed by SciPy's {@code loadmat}: A1980 and A1982 are 12×5000
 * (10 s at 500 Hz), A1983 is 12×7500; A1983 is male, 49 years.
 */
class MatReaderTest {

    @TempDir
    Path tmp;

    @Test
    void cpscStructMatchesGolden() throws Exception {
        Path file = TestData.data("mat/cpsc2018/A1983.mat");
        assertTrue(new MatReader().detect(file, Formats.head(file)));
        Ecg ecg = Formats.read(file, ReadOptions.DEFAULT);
        assertEquals("MAT", ecg.source().format());
        assertEquals(LeadNames.STANDARD_12, ecg.leads());
        assertEquals(7500, ecg.length());
        assertEquals(500.0, ecg.fs());
        assertEquals(15.0, ecg.durationSeconds());
        assertEquals("CPSC 2018", ecg.source().properties().get("layout"));
        assertEquals("ECG.data", ecg.source().properties().get("variable"));
        assertEquals("Male", ecg.source().properties().get("sex"));
        assertEquals("49", ecg.source().properties().get("age"));
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("CPSC 2018 database")));
        assertClose(golden("cpsc_A1983"), ecg, 1e-6);
        for (String other : new String[] {"A1980", "A1982"}) {
            Ecg e = Formats.read(TestData.data("mat/cpsc2018/" + other + ".mat"), ReadOptions.DEFAULT);
            assertEquals(10.0, e.durationSeconds(), other);
            assertEquals(12, e.leadCount());
        }
        Ecg a1980 = Formats.read(TestData.data("mat/cpsc2018/A1980.mat"), ReadOptions.DEFAULT);
        assertEquals(0.20186721f, a1980.get(0, 0), 1e-7f, "first value of ECG.data as SciPy prints it");
    }

    @Test
    void challengeV4MatrixReadStandaloneWithAdcGain() throws Exception {
        Path file = TestData.data("mat/challenge2021/E07500.mat");
        assertFalse(new MatReader().detect(file, Formats.head(file)), "its .hea beside it makes it a WFDB signal file");
        Ecg ecg = new MatReader().read(file, ReadOptions.DEFAULT.withAdcGain(1000.0));
        assertEquals("4", ecg.source().properties().get("mat_version"));
        assertEquals("val", ecg.source().properties().get("variable"));
        assertEquals(500.0, ecg.fs(), "5000 samples: 10-s rule");
        assertClose(golden("c21_E07500"), ecg, 1e-6);
        // alone in a folder, the same bytes are detected as MAT
        Path alone = tmp.resolve("E07500.mat");
        Files.copy(file, alone);
        assertTrue(new MatReader().detect(alone, Formats.head(alone)));
        Ecg unscaled = Formats.read(alone, ReadOptions.DEFAULT);
        assertEquals(-68f, unscaled.get(0, 0), "int16 value as stored");
        assertTrue(unscaled.warnings().stream().anyMatch(w -> w.contains("--adc-gain")), unscaled.warnings().toString());
    }

    /** Fixtures written once by SciPy {@code savemat} from the pattern {@code lead*100 + (t % 50) - 25}. */
    @Test
    void standaloneV5MatricesWithRateVariableAndEitherOrientation() throws Exception {
        Path compressed = Path.of(getClass().getResource("/mat/v5_val_with_fs.mat").toURI());
        assertTrue(new MatReader().detect(compressed, Formats.head(compressed)));
        Ecg ecg = Formats.read(compressed, ReadOptions.DEFAULT.withAdcGain(1000.0));
        assertEquals(250.0, ecg.fs(), "from the variable fs");
        assertEquals(0.282f, ecg.get(3, 7), 1e-7f);
        assertEquals(1000, ecg.length());
        Path samplesFirst = Path.of(getClass().getResource("/mat/v5_samples_by_leads.mat").toURI());
        Ecg s = Formats.read(samplesFirst, ReadOptions.DEFAULT.withFs(100.0));
        assertEquals("samples x leads", s.source().properties().get("orientation"));
        assertEquals(0.282f, s.get(3, 7), 1e-7f);
    }

    @Test
    void corruptInputsGiveClearErrors() throws Exception {
        MatReader r = new MatReader();
        ReadOptions fs = ReadOptions.DEFAULT.withFs(500.0);
        byte[] v4 = Files.readAllBytes(TestData.data("mat/challenge2021/E07500.mat"));
        Path truncated = write("trunc.mat", Arrays.copyOf(v4, v4.length - 100));
        assertEquals("truncated: MATLAB v4 matrix 'val' (12x5000) needs 120000 bytes, the file holds 119900 after its header",
                assertThrows(EcgReadException.class, () -> Formats.read(truncated, fs)).reason());
        byte[] absurd = Arrays.copyOf(v4, 200);
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putInt(4, Integer.MAX_VALUE).putInt(8, Integer.MAX_VALUE);
        Path huge = write("huge.mat", absurd);
        assertTrue(assertThrows(EcgReadException.class, () -> Formats.read(huge, fs)).reason().startsWith("truncated"));
        byte[] v5 = Files.readAllBytes(TestData.data("mat/cpsc2018/A1980.mat"));
        Path cut = write("cut.mat", Arrays.copyOf(v5, v5.length / 2));
        assertTrue(assertThrows(EcgReadException.class, () -> Formats.read(cut, fs)).reason().startsWith("truncated MATLAB v5 file: data element 1"));
        Path headerOnly = write("header.mat", Arrays.copyOf(v5, 128));
        assertTrue(assertThrows(EcgReadException.class, () -> Formats.read(headerOnly, fs)).reason()
                .startsWith("no matrix shaped like a recording"));
        byte[] noise = new byte[10000];
        new Random(5).nextBytes(noise);
        Path random = write("random.mat", noise);
        assertThrows(EcgReadException.class, () -> Formats.read(random, fs));
        assertEquals("not a MATLAB v4 or v5 file (no valid matrix header)",
                assertThrows(EcgReadException.class, () -> r.read(random, fs)).reason());
        Path empty = write("empty.mat", new byte[0]);
        assertThrows(EcgReadException.class, () -> Formats.read(empty, fs));
        assertEquals("file is empty", assertThrows(EcgReadException.class, () -> r.read(empty, fs)).reason());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static Ecg golden(String record) throws EcgReadException {
        return new NpyReader().read(TestData.golden(record + "/raw.npy"), ReadOptions.DEFAULT.withFs(500.0));
    }

    private static void assertClose(Ecg expected, Ecg actual, double tol) {
        assertEquals(expected.leads(), actual.leads());
        assertEquals(expected.length(), actual.length());
        double worst = 0;
        for (int i = 0; i < expected.leadCount(); i++) {
            for (int t = 0; t < expected.length(); t++) {
                worst = Math.max(worst, Math.abs(expected.get(i, t) - actual.get(i, t)));
            }
        }
        assertTrue(worst <= tol, "max abs difference " + worst + " mV");
    }
}
