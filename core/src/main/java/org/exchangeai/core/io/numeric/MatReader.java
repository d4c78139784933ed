package org.exchangeai.core.io.numeric;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * MATLAB {@code .mat} files that are recordings on their own: version 5 (read with mfl-core),
 * including the CPSC 2018 layout (struct {@code ECG} with {@code data} 12×N in mV, {@code sex},
 * {@code age}), and version 4 matrices such as a Challenge {@code val}, parsed here. A
 * {@code .mat} with a WFDB header beside it belongs to that header and is left to the WFDB reader.
 * The signal is the matrix named {@code data}, {@code val}, {@code ecg}, {@code signal} or
 * {@code sig} (else the largest 2-D numeric one); a scalar {@code fs}/{@code freq}/{@code
 * sampling_rate} gives the rate, else {@code --fs}, else the CPSC rate for the CPSC layout,
 * else the 10-s rule.
 */
public final class MatReader implements EcgFormat {

    static final long MAX_BYTES = 512L * 1024 * 1024;
    /** The CPSC 2018 database is recorded at this rate; its files do not store it. */
    static final double CPSC_2018_FS = 500;

    private static final List<String> SIGNAL_NAMES = List.of("data", "val", "ecg", "signal", "signals", "sig", "x");
    private static final Set<String> RATE_NAMES = Set.of("fs", "freq", "sampling_rate", "samplingrate", "srate",
            "sampling_frequency", "samplerate", "sample_rate", "frequency");

    @Override
    public String name() {
        return "MAT";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        if (Headerless.hasWfdbHeader(file)) {
            return false;
        }
        return isV5(head) || isV73(head) || v4Header(head, 0, head.length) != null;
    }

    static boolean isV5(byte[] head) {
        return head.length >= 128 && startsWith(head, "MATLAB 5.0 MAT-file")
                && ((head[126] == 'I' && head[127] == 'M') || (head[126] == 'M' && head[127] == 'I'));
    }

    private static boolean isV73(byte[] head) {
        return head.length >= 128 && startsWith(head, "MATLAB 7.3 MAT-file");
    }

    private static boolean startsWith(byte[] head, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        if (head.length < t.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            if (head[i] != t[i]) {
                return false;
            }
        }
        return true;
    }

    /** One numeric matrix, column-major; {@code owner} is the struct it sits in, or empty. */
    record Numeric(String owner, String name, int rows, int cols, double[] data) {
    }

    /** Everything relevant the file holds. */
    private static final class Contents {
        final List<Numeric> matrices = new ArrayList<>();
        final Map<String, String> texts = new LinkedHashMap<>();
        String layout = "";
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new EcgReadException(name, "file is empty");
            }
            ReadLimits.checkBytes(name, "MATLAB", "the file holds", size, Math.min(MAX_BYTES, ReadLimits.maxRecordingBytes()));
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        Contents c;
        String version;
        if (isV73(bytes)) {
            throw new EcgReadException(name, "MATLAB v7.3 (HDF5) files are not supported; save with -v7 or -v6");
        } else if (isV5(bytes)) {
            checkV5(name, bytes);
            c = readV5(name, file);
            version = "5";
        } else {
            c = readV4(name, bytes);
            version = "4";
        }
        return build(name, c, version, opts);
    }

    private static Contents readV5(String name, Path file) throws EcgReadException {
        Contents c = new Contents();
        try (Mat5File mat = Mat5.readFromFile(file.toFile())) {
            for (MatFile.Entry e : mat.getEntries()) {
                collect(c, "", e.getName(), e.getValue(), 0);
            }
        } catch (java.io.EOFException e) {
            throw new EcgReadException(name, "truncated MATLAB v5 file: it ends inside a data element", e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new EcgReadException(name, "malformed MATLAB v5 file: a data element is inconsistent (wrong size, "
                    + "type or nesting) or of a kind this reader does not take", e);
        }
        return c;
    }

    /** MATLAB v5 data types (Table 1-1 of the MAT-file format). */
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;

    /**
     * Walks the top-level data elements of a v5 file before the library reads it: every tag must
     * fit the file, and each element's unpacked size (a compressed element states it in the tag
     * of its first inflated bytes) must stay within the limit, so that a small compressed file
     * cannot make the reader allocate gigabytes.
     */
    static void checkV5(String name, byte[] b) throws EcgReadException {
        ByteOrder order = b[126] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer bb = ByteBuffer.wrap(b).order(order);
        long limit = ReadLimits.maxRecordingBytes() / 4;
        long unpacked = 0;
        int pos = 128;
        int index = 0;
        while (pos < b.length) {
            index++;
            if (b.length - pos < 8) {
                throw new EcgReadException(name, "truncated MATLAB v5 file: " + (b.length - pos)
                        + " bytes after data element " + (index - 1) + " are too few for a tag");
            }
            int type = bb.getInt(pos);
            long size = bb.getInt(pos + 4) & 0xffffffffL;
            if ((type >>> 16) != 0) {
                // small data element: 2-byte size, 2-byte type, 4 bytes of data
                pos += 8;
                continue;
            }
            if (size > b.length - pos - 8L) {
                throw new EcgReadException(name, "truncated MATLAB v5 file: data element " + index + " (type " + type
                        + ") declares " + size + " bytes, the file holds " + (b.length - pos - 8L) + " after its tag");
            }
            long elementUnpacked = size;
            if (type == MI_COMPRESSED) {
                elementUnpacked = inflatedSize(name, b, pos + 8, (int) size, order, index);
            } else if (type != MI_MATRIX) {
                throw new EcgReadException(name, "malformed MATLAB v5 file: top-level data element " + index
                        + " has type " + type + ", neither a matrix (14) nor compressed (15)");
            }
            unpacked += elementUnpacked;
            ReadLimits.checkBytes(name, "MATLAB v5", "its variables unpack to", unpacked, limit);
            pos += 8 + (int) size;
            if (type != MI_COMPRESSED) {
                pos += (int) ((8 - (size % 8)) % 8);
            }
        }
    }

    /** The size a compressed element unpacks to, from the tag at the start of its inflated bytes. */
    private static long inflatedSize(String name, byte[] b, int from, int length, ByteOrder order, int index)
            throws EcgReadException {
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        try {
            inflater.setInput(b, from, length);
            byte[] tag = new byte[8];
            int got = 0;
            while (got < 8 && !inflater.finished() && !inflater.needsInput()) {
                got += inflater.inflate(tag, got, 8 - got);
            }
            if (got < 8) {
                throw new EcgReadException(name, "malformed MATLAB v5 file: compressed data element " + index
                        + " does not unpack to a data element");
            }
            ByteBuffer t = ByteBuffer.wrap(tag).order(order);
            int type = t.getInt(0);
            long size = t.getInt(4) & 0xffffffffL;
            if (type != MI_MATRIX) {
                throw new EcgReadException(name, "malformed MATLAB v5 file: compressed data element " + index
                        + " holds type " + type + ", not a matrix (14)");
            }
            return 8 + size;
        } catch (java.util.zip.DataFormatException e) {
            throw new EcgReadException(name, "malformed MATLAB v5 file: compressed data element " + index
                    + " is not valid zlib data", e);
        } finally {
            inflater.end();
        }
    }

    /** Struct nesting deeper than this is not searched for the signal. */
    private static final int MAX_DEPTH = 4;

    private static void collect(Contents c, String owner, String name, Array a, int depth) {
        if (a instanceof Struct s && s.getNumElements() == 1 && depth < MAX_DEPTH) {
            List<String> fields = s.getFieldNames();
            List<String> lower = fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList();
            if (owner.isEmpty() && name.equalsIgnoreCase("ECG") && lower.contains("data") && lower.contains("sex")
                    && lower.contains("age")) {
                c.layout = "CPSC 2018";
            }
            for (String f : fields) {
                collect(c, name, f, s.get(f), depth + 1);
            }
        } else if (a instanceof Char ch) {
            c.texts.put(name, ch.getString().trim());
        } else if (a instanceof Matrix m && m.getNumDimensions() == 2) {
            int rows = m.getNumRows();
            int cols = m.getNumCols();
            long n = (long) rows * cols;
            if (n == 0 || n > ReadLimits.maxValues()) {
                return;
            }
            double[] data = new double[(int) n];
            for (int i = 0; i < data.length; i++) {
                data[i] = m.getDouble(i);
            }
            c.matrices.add(new Numeric(owner, name, rows, cols, data));
        }
    }

    /** The fields of a v4 matrix header, or {@code null} when the bytes are no plausible header. */
    record V4Header(ByteOrder order, int precision, int text, int rows, int cols, int imag, int nameLength) {
        int elementSize() {
            return switch (precision) {
                case 0 -> 8;
                case 1, 2 -> 4;
                case 3, 4 -> 2;
                default -> 1;
            };
        }
    }

    static V4Header v4Header(byte[] b, int at, int limit) {
        if (limit - at < 20) {
            return null;
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer bb = ByteBuffer.wrap(b, at, 20).order(order);
            int type = bb.getInt();
            int rows = bb.getInt();
            int cols = bb.getInt();
            int imag = bb.getInt();
            int nameLength = bb.getInt();
            int m = type / 1000;
            int o = type / 100 % 10;
            int p = type / 10 % 10;
            int t = type % 10;
            boolean orderMatches = (m == 0) == (order == ByteOrder.LITTLE_ENDIAN) && m <= 1;
            if (type < 0 || !orderMatches || o != 0 || p > 5 || t > 1 || rows < 0 || cols < 0 || (imag != 0 && imag != 1)
                    || nameLength < 2 || nameLength > 256) {
                continue;
            }
            int nameStart = at + 20;
            if (nameStart + nameLength > limit || b[nameStart + nameLength - 1] != 0) {
                continue;
            }
            boolean printable = true;
            for (int i = nameStart; i < nameStart + nameLength - 1; i++) {
                int ch = b[i] & 0xff;
                if (ch < 33 || ch > 126) {
                    printable = false;
                    break;
                }
            }
            if (printable) {
                return new V4Header(order, p, t, rows, cols, imag, nameLength);
            }
        }
        return null;
    }

    private static Contents readV4(String name, byte[] b) throws EcgReadException {
        Contents c = new Contents();
        int pos = 0;
        while (pos < b.length) {
            V4Header h = v4Header(b, pos, b.length);
            if (h == null) {
                if (pos == 0) {
                    throw new EcgReadException(name, "not a MATLAB v4 or v5 file (no valid matrix header)");
                }
                throw new EcgReadException(name, "malformed MATLAB v4 file: no valid matrix header at byte " + pos
                        + " (" + (b.length - pos) + " bytes left)");
            }
            String var = new String(b, pos + 20, h.nameLength() - 1, StandardCharsets.US_ASCII);
            long n = (long) h.rows() * h.cols();
            long dataBytes = n * h.elementSize() * (1 + h.imag());
            long start = pos + 20L + h.nameLength();
            if (start + dataBytes > b.length) {
                throw new EcgReadException(name, "truncated: MATLAB v4 matrix '" + var + "' (" + h.rows() + "x" + h.cols()
                        + ") needs " + dataBytes + " bytes, the file holds " + (b.length - start) + " after its header");
            }
            if (h.text() == 0 && n > 0) {
                ReadLimits.checkValues(name, "MATLAB v4", "matrix '" + var + "' is " + h.rows() + "x" + h.cols(),
                        h.rows(), h.cols());
                ByteBuffer bb = ByteBuffer.wrap(b).order(h.order());
                double[] data = new double[(int) n];
                int es = h.elementSize();
                for (int i = 0; i < n; i++) {
                    int at = (int) (start + (long) i * es);
                    data[i] = switch (h.precision()) {
                        case 0 -> bb.getDouble(at);
                        case 1 -> bb.getFloat(at);
                        case 2 -> bb.getInt(at);
                        case 3 -> bb.getShort(at);
                        case 4 -> bb.getShort(at) & 0xffff;
                        default -> b[at] & 0xff;
                    };
                }
                c.matrices.add(new Numeric("", var, h.rows(), h.cols(), data));
            }
            pos = (int) (start + dataBytes);
        }
        return c;
    }

    private Ecg build(String name, Contents c, String version, ReadOptions opts) throws EcgReadException {
        Numeric signal = null;
        for (String wanted : SIGNAL_NAMES) {
            for (Numeric m : c.matrices) {
                if (m.name().equalsIgnoreCase(wanted) && isSignalShape(m)) {
                    signal = m;
                    break;
                }
            }
            if (signal != null) {
                break;
            }
        }
        if (signal == null) {
            for (Numeric m : c.matrices) {
                if (isSignalShape(m) && (signal == null || m.data().length > signal.data().length)) {
                    signal = m;
                }
            }
        }
        if (signal == null) {
            List<String> seen = c.matrices.stream().map(m -> m.name() + " " + m.rows() + "x" + m.cols()).toList();
            throw new EcgReadException(name, "no matrix shaped like a recording (leads x samples, at most "
                    + NpyReader.MAX_LEADS + " leads); variables: " + (seen.isEmpty() ? "none numeric" : seen));
        }
        boolean leadsAreRows = signal.rows() < signal.cols();
        int leads = leadsAreRows ? signal.rows() : signal.cols();
        int samples = leadsAreRows ? signal.cols() : signal.rows();
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Double fileFs = null;
        for (Numeric m : c.matrices) {
            if (m.data().length == 1 && RATE_NAMES.contains(m.name().toLowerCase(Locale.ROOT)) && m.data()[0] > 0) {
                fileFs = m.data()[0];
                ReadLimits.checkRate(name, "MATLAB", "variable '" + m.name() + "' (sampling rate)", fileFs);
                notes.add("sampling rate from variable '" + m.name() + "'");
            }
        }
        boolean cpsc = c.layout.equals("CPSC 2018");
        double fs;
        if (fileFs != null) {
            fs = fileFs;
        } else if (opts.fs() != null) {
            fs = opts.fs();
        } else if (cpsc) {
            fs = CPSC_2018_FS;
            warnings.add("sampling rate not stored in the file: 500 Hz, the rate of the CPSC 2018 database whose layout "
                    + "(struct ECG with data, sex, age) this file has; pass --fs if it is another source");
        } else {
            Headerless.Rate r = Headerless.rate(name, opts, samples);
            fs = r.fs();
            warnings.add(r.warning());
        }
        double mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
        List<String> names = Headerless.leadNames(name, opts, leads, warnings);
        float[][] data = new float[leads][samples];
        int rows = signal.rows();
        double[] d = signal.data();
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < signal.cols(); col++) {
                float v = (float) (d[col * rows + r] * mvPerValue);
                if (leadsAreRows) {
                    data[r][col] = v;
                } else {
                    data[col][r] = v;
                }
            }
        }
        String amp = Headerless.amplitudeWarning(opts, Headerless.maxAbs(data));
        if (amp != null) {
            warnings.add(amp);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("mat_version", version);
        props.put("variable", signal.owner().isEmpty() ? signal.name() : signal.owner() + "." + signal.name());
        props.put("orientation", leadsAreRows ? "leads x samples" : "samples x leads");
        if (!c.layout.isEmpty()) {
            props.put("layout", c.layout);
        }
        for (Numeric m : c.matrices) {
            String key = m.name().toLowerCase(Locale.ROOT);
            if (m.data().length == 1 && key.equals("age")) {
                props.put("age", formatNumber(m.data()[0]));
            }
        }
        for (Map.Entry<String, String> t : c.texts.entrySet()) {
            if (t.getKey().equalsIgnoreCase("sex") || t.getKey().equalsIgnoreCase("gender")) {
                props.put("sex", t.getValue());
            }
        }
        if (!opts.describe().isEmpty()) {
            props.put("options", opts.describe());
        }
        Ecg.Builder b = Ecg.builder(fs).deriveMissingLimbLeads(Headerless.mayDerive(opts));
        try {
            for (int i = 0; i < leads; i++) {
                b.lead(names.get(i), data[i]);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        warnings.forEach(b::warning);
        b.source(new SourceInfo(name, name(), Headerless.storedUnits(opts, "mV"), null, null, fs, notes, null, null,
                props));
        return b.build();
    }

    private static boolean isSignalShape(Numeric m) {
        int small = Math.min(m.rows(), m.cols());
        int large = Math.max(m.rows(), m.cols());
        return small >= 1 && small <= NpyReader.MAX_LEADS && large > small;
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
