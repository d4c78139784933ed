package org.exchangeai.core.io.numeric;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.exchangeai.core.ecg.Ecg;

/**
 * Writes a recording as a little-endian float32 NumPy array (format version 1.0, C order), in mV,
 * leads in the recording's canonical order.
 */
public final class NpyWriter {

    /** Which dimension comes first. */
    public enum Layout {
        /** {@code [samples, leads]}: rows are time, as PTB-XL arrays and {@code convert} output. */
        SAMPLES_BY_LEADS,
        /** {@code [leads, samples]}: the layout of model input. */
        LEADS_BY_SAMPLES
    }

    private NpyWriter() {
    }

    public static void write(Ecg ecg, Path out, Layout layout) throws IOException {
        int leads = ecg.leadCount();
        int n = ecg.length();
        float[][] data = ecg.samples();
        String shape = layout == Layout.SAMPLES_BY_LEADS ? "(" + n + ", " + leads + ")" : "(" + leads + ", " + n + ")";
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            os.write(header(shape));
            ByteBuffer bb = ByteBuffer.allocate(4 * Math.max(leads, 1024)).order(ByteOrder.LITTLE_ENDIAN);
            if (layout == Layout.SAMPLES_BY_LEADS) {
                ByteBuffer row = ByteBuffer.allocate(4 * leads).order(ByteOrder.LITTLE_ENDIAN);
                for (int t = 0; t < n; t++) {
                    row.clear();
                    for (int i = 0; i < leads; i++) {
                        row.putFloat(data[i][t]);
                    }
                    os.write(row.array(), 0, row.position());
                }
            } else {
                for (float[] lead : data) {
                    for (int t = 0; t < n; t += 1024) {
                        bb.clear();
                        int end = Math.min(n, t + 1024);
                        for (int k = t; k < end; k++) {
                            bb.putFloat(lead[k]);
                        }
                        os.write(bb.array(), 0, bb.position());
                    }
                }
            }
        }
    }

    /** Writes {@code rows} ({@code [rows][columns]}, all rows of one length) as a float32 C-order array. */
    public static void write(float[][] rows, Path out) throws IOException {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        for (float[] row : rows) {
            if (row.length != columns) {
                throw new IllegalArgumentException("rows of " + columns + " and " + row.length + " values");
            }
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            os.write(header("(" + rows.length + ", " + columns + ")"));
            ByteBuffer bb = ByteBuffer.allocate(4 * Math.max(columns, 1)).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : rows) {
                bb.clear();
                for (float v : row) {
                    bb.putFloat(v);
                }
                os.write(bb.array(), 0, bb.position());
            }
        }
    }

    /** Magic, version 1.0, and the header dictionary padded with spaces to a multiple of 64 bytes. */
    static byte[] header(String shape) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        StringBuilder sb = new StringBuilder(dict);
        sb.append(" ".repeat(padded - total)).append('\n');
        byte[] text = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(NpyReader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return bb.array();
    }
}
