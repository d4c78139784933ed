package org.exchangeai.core.io.wfdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WfdbWriter}: WFDB → WFDB loses nothing; other recordings get 1 µV resolution. */
class WfdbWriterTest {

    @TempDir
    Path dir;

    private final WfdbReader reader = new WfdbReader();

    /**
     * LUDB 10 is format 16 with the leads in canonical order, so writing it back with its own
     * gains and baselines reproduces {@code 10.dat} byte for byte; the annotations come back too.
     */
    @Test
    void ludbRoundTripIsByteIdentical() throws Exception {
        Ecg original = reader.read(TestData.data("ludb/data/10.hea"), ReadOptions.DEFAULT);
        WfdbWriter.write(original, dir, "10");
        assertArrayEquals(Files.readAllBytes(TestData.data("ludb/data/10.dat")), Files.readAllBytes(dir.resolve("10.dat")));
        Ecg again = reader.read(dir.resolve("10.hea"), ReadOptions.DEFAULT);
        assertEquals(original, again);
        assertArrayEquals(original.source().gains(), again.source().gains());
        assertArrayEquals(original.source().baselines(), again.source().baselines());
        assertEquals(original.annotations().size(), again.annotations().size());
        assertEquals(new java.util.HashSet<>(original.annotations()), new java.util.HashSet<>(again.annotations()));
        assertEquals(original.source().notes(), again.source().notes());
        assertTrue(again.warnings().isEmpty(), again.warnings().toString());
    }

    /** Record 100 (format 212, baseline 1024) written as format 16: same samples, same annotations. */
    @Test
    void format212RecordRoundTrip() throws Exception {
        Ecg original = reader.read(TestData.data("wfdb/100.hea"), ReadOptions.DEFAULT);
        WfdbWriter.write(original, dir, "r100");
        Ecg again = reader.read(dir.resolve("r100.hea"), ReadOptions.DEFAULT);
        assertEquals(original, again);
        assertEquals(original.annotations(), again.annotations());
        assertEquals(1024.0, again.source().baselines()[0]);
    }

    /** A recording from elsewhere: 1000 units per mV, so every value comes back within 0.5 µV. */
    @Test
    void otherRecordingsGetMicrovoltResolution() throws Exception {
        float[] i = new float[1000];
        float[] ii = new float[1000];
        for (int t = 0; t < i.length; t++) {
            i[t] = (float) Math.sin(t / 20.0) * 1.234567f;
            ii[t] = (float) Math.cos(t / 30.0) * 2.5f;
        }
        ii[500] = Float.NaN;
        Ecg ecg = Ecg.builder(500).lead("I", i).lead("II", ii).annotation(Annotation.at(100, "N")).build();
        WfdbWriter.write(ecg, dir, "x");
        String header = Files.readString(dir.resolve("x.hea"));
        assertTrue(header.contains("x.dat 16 1000(0)/mV"), header);
        Ecg again = reader.read(dir.resolve("x.hea"), ReadOptions.DEFAULT);
        assertEquals(ecg.leads(), again.leads());
        for (int lead = 0; lead < ecg.leadCount(); lead++) {
            for (int t = 0; t < ecg.length(); t++) {
                float a = ecg.get(lead, t);
                float b = again.get(lead, t);
                if (Float.isNaN(a)) {
                    assertTrue(Float.isNaN(b));
                } else {
                    assertEquals(a, b, 0.0005 + 1e-6, "lead " + lead + " t " + t);
                }
            }
        }
        assertEquals(java.util.List.of(Annotation.at(100, "N")), again.annotations());
    }

    /** Names such as {@code 0000050.ECG} (a file name without its last extension) are valid; spaces are not. */
    @Test
    void recordNames() throws Exception {
        Ecg ecg = Ecg.builder(250).lead("V1", new float[] {0.5f, -0.25f}).build();
        WfdbWriter.write(ecg, dir, "0000050.ECG");
        Ecg again = reader.read(dir.resolve("0000050.ECG.hea"), ReadOptions.DEFAULT);
        assertArrayEquals(ecg.lead("V1"), again.lead("V1"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> WfdbWriter.write(ecg, dir, "my ecg"));
        assertTrue(e.getMessage().contains("no spaces"), e.getMessage());
    }

    /** Amplitudes beyond ±32.767 mV get the largest gain that still fits 16 bits. */
    @Test
    void largeAmplitudesStillFit() throws Exception {
        float[] v = {0f, 100f, -100f, 50f};
        Ecg ecg = Ecg.builder(250).lead("V1", v).build();
        WfdbWriter.write(ecg, dir, "big");
        Ecg again = reader.read(dir.resolve("big.hea"), ReadOptions.DEFAULT);
        for (int t = 0; t < v.length; t++) {
            assertEquals(v[t], again.get(0, t), 0.01);
        }
    }
}
