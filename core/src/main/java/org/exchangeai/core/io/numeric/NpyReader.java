package org.exchangeai.core.io.numeric;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;

/**
 * NumPy {@code .npy} arrays (format versions 1–3): float32/64, int8/16/32/64, uint8/16/32, either
 * byte order, C or Fortran order, 1-D (one lead) or 2-D in either orientation (the leads are the
 * short dimension, at most {@value #MAX_LEADS}); leading or trailing dimensions of size 1 are
 * dropped. The array stores no rate, units or lead names: those come from {@link ReadOptions}
 * with the fallbacks of {@link Headerless} (10-s rule for the rate, mV, standard 12 leads).
 */
public final class NpyReader implements EcgFormat {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    static final int MAX_LEADS = 16;
    private static final int MAX_HEADER = 1 << 20;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    @Override
    public String name() {
        return "NPY";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        if (head.length < 10) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return head[6] >= 1 && head[6] <= 3;
    }

    /** What the header says. */
    record Header(String dtype, ByteOrder order, int itemSize, boolean fortran, long[] shape, long dataOffset) {
        long count() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    static Header header(String name, byte[] head, long fileSize) throws EcgReadException {
        if (head.length < 10) {
            throw new EcgReadException(name, "truncated: " + head.length + " bytes is shorter than an NPY header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                throw new EcgReadException(name, "not an NPY file (magic bytes missing)");
            }
        }
        int major = head[6];
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = (head[8] & 0xff) | (head[9] & 0xff) << 8;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            if (head.length < 12) {
                throw new EcgReadException(name, "truncated NPY header");
            }
            headerLen = ByteBuffer.wrap(head, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            prefix = 12;
        } else {
            throw new EcgReadException(name, "unsupported NPY format version " + major);
        }
        if (headerLen > MAX_HEADER || prefix + headerLen > head.length) {
            throw new EcgReadException(name, "NPY header declares " + headerLen + " bytes, more than the file's "
                    + (fileSize - prefix) + " remaining bytes or the " + MAX_HEADER + "-byte limit");
        }
        String dict = new String(head, prefix, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(dict);
        Matcher f = FORTRAN.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find()) {
            if (dict.contains("'descr'") && dict.contains("[")) {
                throw new EcgReadException(name, "structured NPY arrays (record dtype) are not supported");
            }
            throw new EcgReadException(name, "NPY header has no 'descr'");
        }
        if (!f.find() || !s.find()) {
            throw new EcgReadException(name, "NPY header lacks 'fortran_order' or 'shape': " + dict.trim());
        }
        String descr = d.group(1);
        if (descr.length() >= 2 && descr.charAt(1) == 'O') {
            throw new EcgReadException(name, "NPY object arrays are not supported (they hold pickled Python objects, not numbers)");
        }
        if (descr.length() < 3) {
            throw new EcgReadException(name, "unsupported NPY dtype '" + descr + "'");
        }
        char endian = descr.charAt(0);
        String type = descr.substring(1);
        int itemSize;
        switch (type) {
            case "f4", "i4", "u4" -> itemSize = 4;
            case "f8", "i8" -> itemSize = 8;
            case "i2", "u2" -> itemSize = 2;
            case "i1", "u1", "b1" -> itemSize = 1;
            default -> throw new EcgReadException(name, "unsupported NPY dtype '" + descr
                    + "' (supported: float32/64, int8/16/32/64, uint8/16/32)");
        }
        ByteOrder order = endian == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (endian != '<' && endian != '>' && endian != '|' && endian != '=') {
            throw new EcgReadException(name, "unsupported NPY byte order '" + endian + "'");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim().replace("L", "");
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new EcgReadException(name, "NPY shape has an unreadable dimension '" + part.trim() + "'");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        Header h = new Header(type, order, itemSize, f.group(1).equals("True"), shape, prefix + headerLen);
        long count;
        try {
            count = h.count();
            Math.multiplyExact(count, itemSize);
        } catch (ArithmeticException e) {
            throw new EcgReadException(name, "NPY shape " + shapeText(shape) + " is absurdly large");
        }
        long need = count * itemSize;
        long have = fileSize - h.dataOffset();
        if (have < need) {
            throw new EcgReadException(name, "truncated: shape " + shapeText(shape) + " of " + descr + " needs " + need
                    + " data bytes, the file holds " + have);
        }
        return h;
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        long size;
        byte[] head;
        try {
            size = Files.size(file);
            head = Formats.head(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new EcgReadException(name, "file is empty");
        }
        Header h = header(name, head, size);
        List<String> warnings = new ArrayList<>();
        long extra = size - h.dataOffset() - h.count() * h.itemSize();
        if (extra > 0) {
            warnings.add(extra + " bytes after the array were ignored");
        }
        List<Long> dims = new ArrayList<>();
        for (long d : h.shape()) {
            dims.add(d);
        }
        while (dims.size() > 2 && dims.get(0) == 1) {
            dims.remove(0);
        }
        while (dims.size() > 2 && dims.get(dims.size() - 1) == 1) {
            dims.remove(dims.size() - 1);
        }
        if (dims.isEmpty() || dims.size() > 2) {
            throw new EcgReadException(name, "NPY array of shape " + shapeText(h.shape())
                    + " is not a recording (expected 1-D samples or 2-D leads x samples)");
        }
        long rows = dims.get(0);
        long cols = dims.size() == 2 ? dims.get(1) : 1;
        boolean leadsAreRows;
        if (dims.size() == 1) {
            leadsAreRows = false;
        } else if (cols <= MAX_LEADS && rows > cols) {
            leadsAreRows = false;
        } else if (rows <= MAX_LEADS && cols > rows) {
            leadsAreRows = true;
        } else {
            throw new EcgReadException(name, "cannot tell leads from samples in shape " + shapeText(h.shape())
                    + ": one dimension must be the leads (at most " + MAX_LEADS + ") and the other longer");
        }
        long leadsL = leadsAreRows ? rows : cols;
        long samplesL = leadsAreRows ? cols : rows;
        if (samplesL == 0 || leadsL == 0) {
            throw new EcgReadException(name, "NPY array of shape " + shapeText(h.shape()) + " holds no samples");
        }
        ReadLimits.checkValues(name, "NPY", "the array's shape is " + shapeText(h.shape()), leadsL, samplesL);
        int leads = (int) leadsL;
        int samples = (int) samplesL;
        Headerless.Rate rate = Headerless.rate(name, opts, samples);
        double mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
        List<String> names = Headerless.leadNames(name, opts, leads, warnings);
        float[][] data = new float[leads][samples];
        // element (r, c) sits at r*cols + c in C order and at c*rows + r in Fortran order
        boolean leadMajor = leadsAreRows != h.fortran();
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in.skipNBytes(h.dataOffset());
            byte[] buf = new byte[h.itemSize() * 8192];
            ByteBuffer bb = ByteBuffer.wrap(buf).order(h.order());
            long total = h.count();
            long index = 0;
            int lead = 0;
            int t = 0;
            int itemSize = h.itemSize();
            int code = typeCode(h.dtype());
            while (index < total) {
                int chunk = (int) Math.min(8192, total - index);
                int len = chunk * itemSize;
                if (in.readNBytes(buf, 0, len) != len) {
                    throw new EcgReadException(name, "truncated: data ends after " + index + " of " + total + " values");
                }
                for (int k = 0; k < chunk; k++) {
                    double v = value(bb, k * itemSize, code);
                    data[lead][t] = (float) (v * mvPerValue);
                    // advance (lead, t) in storage order without dividing
                    if (leadMajor) {
                        if (++t == samples) {
                            t = 0;
                            lead++;
                        }
                    } else if (++lead == leads) {
                        lead = 0;
                        t++;
                    }
                }
                index += chunk;
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (rate.warning() != null) {
            warnings.add(rate.warning());
        }
        String amp = Headerless.amplitudeWarning(opts, Headerless.maxAbs(data));
        if (amp != null) {
            warnings.add(amp);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("dtype", (h.order() == ByteOrder.BIG_ENDIAN ? ">" : "<") + h.dtype());
        props.put("shape", shapeText(h.shape()));
        props.put("fortran_order", String.valueOf(h.fortran()));
        props.put("orientation", leadsAreRows ? "leads x samples" : "samples x leads");
        if (!opts.describe().isEmpty()) {
            props.put("options", opts.describe());
        }
        Ecg.Builder b = Ecg.builder(rate.fs()).deriveMissingLimbLeads(Headerless.mayDerive(opts));
        try {
            for (int i = 0; i < leads; i++) {
                b.lead(names.get(i), data[i]);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        warnings.forEach(b::warning);
        b.source(new SourceInfo(name, name(), Headerless.storedUnits(opts, "mV"), null, null, rate.fs(), List.of(),
                null, null, props));
        return b.build();
    }

    private static final List<String> TYPES = List.of("f4", "f8", "i1", "u1", "b1", "i2", "u2", "i4", "u4", "i8");

    private static int typeCode(String type) {
        return TYPES.indexOf(type);
    }

    private static double value(ByteBuffer bb, int at, int code) {
        return switch (code) {
            case 0 -> bb.getFloat(at);
            case 1 -> bb.getDouble(at);
            case 2 -> bb.get(at);
            case 3, 4 -> bb.get(at) & 0xff;
            case 5 -> bb.getShort(at);
            case 6 -> bb.getShort(at) & 0xffff;
            case 7 -> bb.getInt(at);
            case 8 -> bb.getInt(at) & 0xffffffffL;
            case 9 -> (double) bb.getLong(at);
            default -> throw new IllegalStateException("dtype code " + code);
        };
    }

    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
