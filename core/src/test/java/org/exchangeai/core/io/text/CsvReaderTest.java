package org.exchangeai.core.io.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV reading. Expected numbers are the integers written in the file itself (its first and last
 * lines, checked with a text viewer) divided by the gain the data README states (5 µV per unit,
 * i.e. 200 units per mV); the row count is the file's line count (37 855, as in the EDF header).
 */
class CsvReaderTest {

    @TempDir
    Path tmp;

    private static final ReadOptions DEVICE_UNITS = new ReadOptions(800.0, "mV", 200.0, null);

    @Test
    void readsTheLimbLeadsOfTheSharedCsvAndWarnsAboutEmptyColumns() throws Exception {
        Path file = TestData.data("csv/0000050.ECG.csv");
        assertTrue(new CsvReader().detect(file, Formats.head(file)));
        Ecg ecg = Formats.read(file, DEVICE_UNITS);
        assertEquals(List.of("I", "II", "III", "aVR", "aVL", "aVF"), ecg.leads());
        assertTrue(ecg.derivedLeads().isEmpty(), "all six limb leads are stored, none derived");
        assertEquals(37855, ecg.length());
        assertEquals(800.0, ecg.fs());
        // first line: -20,-25,-5,23,-7,-15
        float[] first = new float[6];
        for (int i = 0; i < 6; i++) {
            first[i] = ecg.get(i, 0);
        }
        assertArrayEquals(new float[] {-0.1f, -0.125f, -0.025f, 0.115f, -0.035f, -0.075f}, first, 1e-7f);
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.startsWith("6 of 12 columns are empty")
                && w.contains("V1, V2, V3, V4, V5, V6")), ecg.warnings().toString());
        assertEquals("adu", ecg.source().units());
        assertEquals(200.0, ecg.source().gains()[0]);
    }

    @Test
    void refusesWithoutSamplingRate() {
        EcgReadException e = assertThrows(EcgReadException.class,
                () -> Formats.read(TestData.data("csv/0000050.ECG.csv"), ReadOptions.DEFAULT));
        assertTrue(e.reason().startsWith("sampling rate unknown: pass --fs"), e.reason());
    }

    @Test
    void warnsWhenIntegerUnitsAreReadAsMillivolts() throws Exception {
        Ecg ecg = Formats.read(TestData.data("csv/0000050.ECG.csv"), ReadOptions.DEFAULT.withFs(800.0));
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("--units uV or --adc-gain")), ecg.warnings().toString());
    }

    @Test
    void headerNamesLeadsInAnyOrderAndTimeColumnGivesRate() throws Exception {
        Path f = write("t.csv", "time;V1;avr;II;I\n0,000;1,5;2;3;4\n0,002;1,25;2;3;4\n0,004;-1e-3;2;3;4\n");
        Ecg ecg = Formats.read(f, ReadOptions.DEFAULT);
        assertEquals(500.0, ecg.fs());
        assertEquals(List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1"), ecg.leads());
        assertEquals(4f, ecg.get(ecg.indexOf("I"), 0));
        assertEquals(2f, ecg.get(ecg.indexOf("aVR"), 2));
        assertArrayEquals(new float[] {1.5f, 1.25f, -0.001f}, ecg.lead("V1"));
        assertEquals(java.util.Set.of("III", "aVL", "aVF"), ecg.derivedLeads());
    }

    @Test
    void tabSeparatedMillisecondColumnAndMicrovolts() throws Exception {
        StringBuilder sb = new StringBuilder("time_ms\tI\tII\n");
        for (int i = 0; i < 10; i++) {
            sb.append(i * 4).append('\t').append(100 * i).append('\t').append(-50).append('\n');
        }
        Ecg ecg = Formats.read(write("t.tsv", sb.toString()), ReadOptions.DEFAULT.withUnits("uV"));
        assertEquals(250.0, ecg.fs());
        assertEquals(0.9f, ecg.get(0, 9), 1e-7f);
        assertEquals(-0.05f, ecg.get(1, 0), 1e-7f);
    }

    @Test
    void oneLeadPerRowIsRecognisedByShape() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int lead = 0; lead < 12; lead++) {
            for (int t = 0; t < 1000; t++) {
                sb.append(t == 0 ? "" : ",").append(lead + t * 0.001);
            }
            sb.append('\n');
        }
        Ecg ecg = Formats.read(write("rows.csv", sb.toString()), ReadOptions.DEFAULT);
        assertEquals(12, ecg.leadCount());
        assertEquals(1000, ecg.length());
        assertEquals(100.0, ecg.fs(), "1000 samples: the documented 10-s rule gives 100 Hz");
        assertTrue(ecg.warnings().stream().anyMatch(w -> w.contains("assumed 100 Hz")));
        assertEquals(3.5f, ecg.get(3, 500), 1e-6f);
    }

    @Test
    void rowLabelledLeads() throws Exception {
        Ecg ecg = Formats.read(write("lab.csv", "II,1,2,3,4,5\nI,0,0,0,0,1\n"), ReadOptions.DEFAULT.withFs(250.0));
        assertEquals("I", ecg.leads().get(0));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, ecg.lead("II"));
    }

    @Test
    void unreadableNumberNamesLineAndColumn() throws Exception {
        Path f = write("bad.csv", "I,II\n1,2\n3,4x\n");
        EcgReadException e = assertThrows(EcgReadException.class, () -> new CsvReader().read(f, ReadOptions.DEFAULT.withFs(100.0)));
        assertEquals("unreadable number '4x' at line 3, column 2", e.reason());
    }

    @Test
    void roundTripThroughCsvWriterIsLossless() throws Exception {
        Ecg source = Formats.read(TestData.data("csv/0000050.ECG.csv"), DEVICE_UNITS);
        Random rnd = new Random(7);
        Ecg.Builder b = Ecg.builder(360.0);
        for (String lead : List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6")) {
            float[] x = new float[997];
            for (int t = 0; t < x.length; t++) {
                x[t] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 4));
            }
            b.lead(lead, x);
        }
        for (Ecg ecg : List.of(source, b.build())) {
            Path out = tmp.resolve("out" + ecg.leadCount() + ".csv");
            CsvWriter.write(ecg, out);
            Ecg back = Formats.read(out, ReadOptions.DEFAULT);
            assertEquals(ecg.fs(), back.fs());
            assertEquals(ecg.leads(), back.leads());
            for (int i = 0; i < ecg.leadCount(); i++) {
                assertArrayEquals(ecg.lead(i), back.lead(i), "lead " + ecg.leads().get(i) + " bit for bit");
            }
        }
    }

    @Test
    void corruptInputsGiveClearErrors() throws Exception {
        CsvReader reader = new CsvReader();
        ReadOptions fs = ReadOptions.DEFAULT.withFs(100.0);
        Path empty = write("empty.csv", "");
        assertEquals("file is empty", assertThrows(EcgReadException.class, () -> Formats.read(empty, fs)).reason());
        Path ragged = write("ragged.csv", "1,2,3\n4,5\n");
        assertEquals("line 2 has 2 fields, expected 3",
                assertThrows(EcgReadException.class, () -> reader.read(ragged, fs)).reason());
        Path headerOnly = write("h.csv", "I,II,III\n");
        assertEquals("header row but no data rows",
                assertThrows(EcgReadException.class, () -> reader.read(headerOnly, fs)).reason());
        Path hole = write("hole.csv", "1,2\n3,\n5,6\n");
        assertEquals("empty value at line 2, column 2",
                assertThrows(EcgReadException.class, () -> reader.read(hole, fs)).reason());
        Path uneven = write("uneven.csv", "time,I\n0,1\n0.01,2\n0.5,3\n");
        assertTrue(assertThrows(EcgReadException.class, () -> reader.read(uneven, ReadOptions.DEFAULT)).reason()
                .startsWith("time column is not uniformly sampled"));
        byte[] random = new byte[4096];
        new Random(1).nextBytes(random);
        Path noise = tmp.resolve("noise.csv");
        Files.write(noise, random);
        assertFalse(reader.detect(noise, Formats.head(noise)));
        assertThrows(EcgReadException.class, () -> Formats.read(noise, fs));
        assertThrows(EcgReadException.class, () -> reader.read(noise, fs));
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
