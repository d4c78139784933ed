package org.exchangeai.core.io.wfdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The signal formats of WFDB {@code signal(5)} on small records written here. The byte vectors
 * of {@link #knownBytes} were worked out by hand from the format descriptions in
 * {@code signal(5)} (bit positions noted beside each); the round trips check the decoder
 * against the encoder on random data with odd lengths and several signals per file.
 */
class WfdbSignalFormatTest {

    @TempDir
    Path dir;

    private final WfdbReader reader = new WfdbReader();

    private Path record(String name, String header, byte[] dat) throws Exception {
        Files.write(dir.resolve(name + ".dat"), dat);
        Path hea = dir.resolve(name + ".hea");
        Files.writeString(hea, header, StandardCharsets.US_ASCII);
        return hea;
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    /** Reads one signal stored as {@code format} with gain 1/mV, baseline 0, so mV equal digital values. */
    private float[] readOne(String format, int initial, byte[] dat, int n) throws Exception {
        Path hea = record("f", "f 1 100 " + n + "\nf.dat " + format + " 1/mV 16 0 " + initial + "\n", dat);
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertEquals(n, ecg.length());
        return ecg.lead(0);
    }

    private static float[] floats(double... v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    @Test
    void knownBytes() throws Exception {
        // format 8: differences 5, -2, 127 from the initial value 10
        assertArrayEquals(floats(15, 13, 140), readOne("8", 10, bytes(0x05, 0xfe, 0x7f), 3));
        // format 16: little-endian two's complement
        assertArrayEquals(floats(1, -2, 32767), readOne("16", 0, bytes(0x01, 0x00, 0xfe, 0xff, 0xff, 0x7f), 3));
        // format 24: 0xFFFFFF = -1, 0x123456, 0x800001 = -8388607
        assertArrayEquals(floats(-1, 0x123456, -8388607),
                readOne("24", 0, bytes(0xff, 0xff, 0xff, 0x56, 0x34, 0x12, 0x01, 0x00, 0x80), 3));
        // format 32: 0xFFFFFFFE = -2, 0x12345678
        assertArrayEquals(floats(-2, 0x12345678),
                readOne("32", 0, bytes(0xfe, 0xff, 0xff, 0xff, 0x78, 0x56, 0x34, 0x12), 2));
        // format 61: big-endian
        assertArrayEquals(floats(1, -2), readOne("61", 0, bytes(0x00, 0x01, 0xff, 0xfe), 2));
        // format 80: byte - 128; byte 0 is -128, the invalid value
        assertArrayEquals(floats(0, Double.NaN, 127), readOne("80", 0, bytes(0x80, 0x00, 0xff), 3));
        // format 160: little-endian unsigned - 32768
        assertArrayEquals(floats(0, -32767, 32767),
                readOne("160", 0, bytes(0x00, 0x80, 0x01, 0x00, 0xff, 0xff), 3));
        // format 212: s0 = b0 | (b1 & 0x0F) << 8, s1 = b2 | (b1 & 0xF0) << 4; odd final sample in two bytes
        assertArrayEquals(floats(-1, 2047, 5), readOne("212", 0, bytes(0xff, 0x7f, 0xff, 0x05, 0x00), 3));
        // format 212: 0x800 = -2048 is invalid
        assertArrayEquals(floats(Double.NaN, 0), readOne("212", 0, bytes(0x00, 0x08, 0x00), 2));
        // format 310: words w0 = 0x1802, w1 = 0x07FE: s0 = w0 bits 1-10 = 1, s1 = w1 bits 1-10 = 0x3FF = -1,
        // s2 = (w0 >> 11) | (w1 >> 11) << 5 = 3
        assertArrayEquals(floats(1, -1, 3), readOne("310", 0, bytes(0x02, 0x18, 0xfe, 0x07), 3));
        // format 310: third sample 0x200 = -512 (invalid) from the top bits of the second word
        assertArrayEquals(floats(0, 0, Double.NaN), readOne("310", 0, bytes(0x00, 0x00, 0x00, 0x80), 3));
        // format 311: word 0x003FFC01: bits 0-9 = 1, 10-19 = 0x3FF = -1, 20-29 = 3
        assertArrayEquals(floats(1, -1, 3), readOne("311", 0, bytes(0x01, 0xfc, 0x3f, 0x00), 3));
    }

    /** Random digital values of two signals in one file, odd frame count, through encoder and reader. */
    @ParameterizedTest
    @EnumSource(WfdbSignalFormat.class)
    void roundTrip(WfdbSignalFormat format) throws Exception {
        Random random = new Random(format.code());
        int frames = 101;
        int[][] values = new int[2][frames];
        int lo = format == WfdbSignalFormat.DIFFERENCE_8 ? -3000 : format.minValue();
        int hi = format == WfdbSignalFormat.DIFFERENCE_8 ? 3000 : format.maxValue();
        int[] stream = new int[2 * frames];
        int[] initial = new int[2];
        for (int s = 0; s < 2; s++) {
            int running = 0;
            for (int t = 0; t < frames; t++) {
                int v;
                if (format == WfdbSignalFormat.DIFFERENCE_8) {
                    int step = random.nextInt(255) - 127;
                    v = t == 0 ? random.nextInt(200) - 100 : running + step;
                    if (t == 0) {
                        initial[s] = v - 7;
                    }
                    stream[2 * t + s] = t == 0 ? 7 : step;
                } else {
                    v = t == 0 ? hi : t == 1 ? lo : lo + (int) (random.nextDouble() * ((double) hi - lo));
                    stream[2 * t + s] = v;
                }
                running = v;
                values[s][t] = v;
            }
        }
        byte[] dat = format.encode(stream, stream.length);
        assertEquals(format.bytesFor(stream.length), dat.length);
        String header = "r 2 100 " + frames + "\n"
                + "r.dat " + format.code() + " 1/mV 16 0 " + initial[0] + " " + checksum(values[0]) + " 0 I\n"
                + "r.dat " + format.code() + " 1/mV 16 0 " + initial[1] + " " + checksum(values[1]) + " 0 II\n";
        Ecg ecg = reader.read(record("r", header, dat), ReadOptions.DEFAULT);
        assertEquals(frames, ecg.length());
        assertTrue(ecg.warnings().isEmpty(), ecg.warnings().toString());
        for (int s = 0; s < 2; s++) {
            for (int t = 0; t < frames; t++) {
                assertEquals((float) values[s][t], ecg.get(s, t), "signal " + s + " sample " + t);
            }
        }
    }

    private static int checksum(int[] v) {
        int sum = 0;
        for (int x : v) {
            sum += x;
        }
        return (short) sum;
    }

    @Test
    void checksumMismatchIsAWarning() throws Exception {
        Path hea = record("c", "c 1 100 2\nc.dat 16 100/mV 16 0 1 99 0 I\n", bytes(1, 0, 2, 0));
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertEquals(1, ecg.warnings().size());
        assertTrue(ecg.warnings().get(0).contains("checksum"), ecg.warnings().get(0));
    }

    /** Signal I has 2 samples per frame, II one: frames are [I, I, II]; II repeats at the higher rate. */
    @Test
    void samplesPerFrame() throws Exception {
        byte[] dat = bytes(1, 0, 2, 0, 10, 0, 3, 0, 4, 0, 20, 0);
        Path hea = record("s", "s 2 100 2\ns.dat 16x2 1/mV 16 0 0 0 0 I\ns.dat 16 1/mV 16 0 0 0 0 II\n", dat);
        // annotation times count frames; at the doubled rate frame 1 is sample 2
        Files.write(dir.resolve("s.atr"), WfdbWriter.encodeAnnotations(List.of(
                new org.exchangeai.core.ecg.Annotation(1, "N", null, null, 0))));
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertEquals(List.of(new org.exchangeai.core.ecg.Annotation(2, "N", null, null, 0)), ecg.annotations());
        assertEquals(200.0, ecg.fs());
        assertArrayEquals(new float[] {1, 2, 3, 4}, ecg.lead("I"));
        assertArrayEquals(new float[] {10, 10, 20, 20}, ecg.lead("II"));
        assertEquals("2", ecg.source().properties().get("samples_per_frame"));
    }

    /** Skew 1 on II: II's sample t is stored in frame t + 1; past the last frame it is NaN. */
    @Test
    void skew() throws Exception {
        byte[] dat = bytes(1, 0, 10, 0, 2, 0, 20, 0, 3, 0, 30, 0);
        Path hea = record("k", "k 2 100 3\nk.dat 16 1/mV 16 0 0 0 0 I\nk.dat 16:1 1/mV 16 0 0 0 0 II\n", dat);
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertArrayEquals(new float[] {1, 2, 3}, ecg.lead("I"));
        assertArrayEquals(new float[] {20, 30, Float.NaN}, ecg.lead("II"));
    }

    /** Format 0 declares a signal that no file stores: it is NaN, with a warning. */
    @Test
    void nullSignal() throws Exception {
        Path hea = record("n", "n 2 100 2\nn.dat 16 1/mV 16 0 5 11 0 I\n~ 0 1/mV 16 0 0 0 0 V1\n", bytes(5, 0, 6, 0));
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertArrayEquals(new float[] {5, 6}, ecg.lead("I"));
        assertArrayEquals(new float[] {Float.NaN, Float.NaN}, ecg.lead("V1"));
        assertTrue(ecg.warnings().get(0).contains("format 0"), ecg.warnings().toString());
    }

    /** Byte offset, baseline, units in µV and a gain of 0 (the WFDB default 200). */
    @Test
    void offsetBaselineUnitsDefaultGain() throws Exception {
        byte[] dat = bytes(0xaa, 0xbb, 0xcc, 0xe8, 0x03, 0x00, 0x00);
        Path hea = record("o", "o 2 500 1\no.dat 16+3 2(-1000)/uV 16 0\no.dat 16+3 0 16 0\n", dat);
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        // (1000 - (-1000)) / 2 uV = 1000 uV = 1 mV; (0 - 0) / 200 mV = 0
        assertEquals(1.0f, ecg.get(0, 0), 1e-7);
        assertEquals(0.0f, ecg.get(1, 0));
    }

    /**
     * Fixed-layout multi-segment record: segment a (4 samples, gain 1), a null segment of 2,
     * segment b (3 samples, gain 2).
     */
    @Test
    void multiSegmentFixedLayout() throws Exception {
        Files.writeString(dir.resolve("a.hea"), "a 1 100 4\na.dat 16 1/mV 16 0 0 0 0 V1\n");
        Files.write(dir.resolve("a.dat"), bytes(1, 0, 2, 0, 3, 0, 4, 0));
        Files.writeString(dir.resolve("b.hea"), "b 1 100 3\nb.dat 16 2/mV 16 0 0 0 0 V1\n");
        Files.write(dir.resolve("b.dat"), bytes(2, 0, 4, 0, 6, 0));
        Path hea = dir.resolve("m.hea");
        Files.writeString(hea, "m/3 1 100 9\na 4\n~ 2\nb 3\n");
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertArrayEquals(new float[] {1, 2, 3, 4, Float.NaN, Float.NaN, 1, 2, 3}, ecg.lead("V1"));
        List<String> companions = reader.companions(hea).stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("a.hea", "a.dat", "b.hea", "b.dat"), companions);
    }

    /** Variable layout: the layout segment names I and II; segment y lacks I, which is NaN there. */
    @Test
    void multiSegmentVariableLayout() throws Exception {
        Files.writeString(dir.resolve("v_layout.hea"), "v_layout 2 100 0\n~ 0 1/mV 16 0 0 0 0 I\n~ 0 1/mV 16 0 0 0 0 II\n");
        Files.writeString(dir.resolve("x.hea"), "x 2 100 2\nx.dat 16 1/mV 16 0 0 0 0 I\nx.dat 16 1/mV 16 0 0 0 0 II\n");
        Files.write(dir.resolve("x.dat"), bytes(1, 0, 10, 0, 2, 0, 20, 0));
        Files.writeString(dir.resolve("y.hea"), "y 1 100 2\ny.dat 16 1/mV 16 0 0 0 0 II\n");
        Files.write(dir.resolve("y.dat"), bytes(30, 0, 40, 0));
        Path hea = dir.resolve("v.hea");
        Files.writeString(hea, "v/3 2 100 4\nv_layout 0\nx 2\ny 2\n");
        Ecg ecg = reader.read(hea, ReadOptions.DEFAULT);
        assertArrayEquals(new float[] {1, 2, Float.NaN, Float.NaN}, ecg.lead("I"));
        assertArrayEquals(new float[] {10, 20, 30, 40}, ecg.lead("II"));
    }
}
