package org.exchangeai.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the little-endian NumPy {@code .npy} files (format 1.0/2.0, {@code <f8} or {@code <f4}; C order,
 * or Fortran order up to 2-D, which several golden {@code raw.npy} files use) that the golden vectors and
 * fixtures are stored in.
 */
public final class Npy {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** Shape and values (as doubles, row-major) of one array. */
    public record Array(int[] shape, double[] data) {
        /** A 2-D array as {@code [rows][cols]}. */
        public double[][] matrix() {
            if (shape.length != 2) {
                throw new IllegalStateException("not 2-D: " + Arrays.toString(shape));
            }
            double[][] m = new double[shape[0]][shape[1]];
            for (int r = 0; r < shape[0]; r++) {
                System.arraycopy(data, r * shape[1], m[r], 0, shape[1]);
            }
            return m;
        }

        /** A 2-D array transposed, {@code [cols][rows]}. */
        public double[][] transposed() {
            double[][] m = new double[shape[1]][shape[0]];
            for (int r = 0; r < shape[0]; r++) {
                for (int c = 0; c < shape[1]; c++) {
                    m[c][r] = data[r * shape[1] + c];
                }
            }
            return m;
        }
    }

    private Npy() {
    }

    public static Array read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a fixture from the test class path. */
    public static Array resource(String name) {
        try (InputStream in = Npy.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Array parse(byte[] bytes) {
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
            throw new IllegalArgumentException("not a .npy file");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else {
            headerLen = bb.getInt(8);
            start = 12;
        }
        String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header);
        boolean fortran = "True".equals(find(ORDER, header));
        String shapeText = find(SHAPE, header).trim();
        int[] shape = shapeText.isEmpty() ? new int[0]
                : Arrays.stream(shapeText.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .mapToInt(Integer::parseInt).toArray();
        int count = 1;
        for (int s : shape) {
            count *= s;
        }
        double[] data = new double[count];
        bb.position(start + headerLen);
        switch (descr) {
            case "<f8" -> {
                for (int i = 0; i < count; i++) {
                    data[i] = bb.getDouble();
                }
            }
            case "<f4" -> {
                for (int i = 0; i < count; i++) {
                    data[i] = bb.getFloat();
                }
            }
            default -> throw new IllegalArgumentException("unsupported dtype " + descr);
        }
        if (fortran && shape.length == 2) {
            // column-major on disk: element (r, c) at c * rows + r
            double[] rowMajor = new double[count];
            for (int r = 0; r < shape[0]; r++) {
                for (int c = 0; c < shape[1]; c++) {
                    rowMajor[r * shape[1] + c] = data[c * shape[0] + r];
                }
            }
            data = rowMajor;
        } else if (fortran && shape.length > 2) {
            throw new IllegalArgumentException("Fortran order supported for 1-D and 2-D arrays only");
        }
        return new Array(shape, data);
    }

    private static String find(Pattern p, String header) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("bad .npy header: " + header);
        }
        return m.group(1);
    }
}
