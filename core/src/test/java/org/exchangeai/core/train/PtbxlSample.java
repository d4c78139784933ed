package org.exchangeai.core.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;

/**
 * Small real training data for tests: PTB-XL recordings from {@code ../shared/data/ptbxl/npy500}
 * (float32 [5000, 12] at 500 Hz, documented in the data README) averaged over blocks of five samples
 * to 100 Hz, giving the [12, 1000] input of the reference models, with labels from
 * {@code labels.csv}.
 */
final class PtbxlSample {

    record Recording(String file, String label, float[][] signal) {
    }

    private PtbxlSample() {
    }

    /** The first {@code perClass} recordings of each listed label, in labels.csv order. */
    static List<Recording> load(List<String> labels, int perClass) throws IOException {
        List<String> lines = Files.readAllLines(TestData.data("ptbxl/labels.csv"));
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<Recording> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/") || !labels.contains(f[1])) {
                continue;
            }
            if (taken.merge(f[1], 1, Integer::sum) > perClass) {
                continue;
            }
            out.add(new Recording(f[0], f[1], decimate(readNpy(TestData.data("ptbxl/" + f[0])))));
        }
        return out;
    }

    /** Reads a little-endian float32 C-order [5000, 12] .npy file as [lead][t]. */
    static float[][] readNpy(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        int headerLen = major == 1 ? buf.getShort(8) & 0xffff : buf.getInt(8);
        int start = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(b, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<f4'") || !header.contains("(5000, 12)") || header.contains("'fortran_order': True")) {
            throw new IOException(file + ": unexpected npy header " + header);
        }
        float[][] out = new float[12][5000];
        buf.position(start);
        for (int t = 0; t < 5000; t++) {
            for (int lead = 0; lead < 12; lead++) {
                out[lead][t] = buf.getFloat();
            }
        }
        return out;
    }

    static float[][] decimate(float[][] x) {
        float[][] out = new float[x.length][x[0].length / 5];
        for (int lead = 0; lead < x.length; lead++) {
            for (int t = 0; t < out[lead].length; t++) {
                float s = 0;
                for (int k = 0; k < 5; k++) {
                    s += x[lead][5 * t + k];
                }
                out[lead][t] = s / 5;
            }
        }
        return out;
    }

    /** Stacks recordings into a row-major [n, 12, 1000] buffer. */
    static float[] batch(List<Recording> recs) {
        return batch(recs, recs.get(0).signal()[0].length);
    }

    /** Stacks the first {@code len} samples of each recording into a row-major [n, 12, len] buffer. */
    static float[] batch(List<Recording> recs, int len) {
        int leads = recs.get(0).signal().length;
        float[] out = new float[recs.size() * leads * len];
        int p = 0;
        for (Recording r : recs) {
            for (float[] lead : r.signal()) {
                System.arraycopy(lead, 0, out, p, len);
                p += len;
            }
        }
        return out;
    }
}
