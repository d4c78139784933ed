package org.exchangeai.core.io.dicom;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.io.EcgReadException;

/**
 * The elements of one DICOM data set (the file itself or one sequence item), as read by
 * {@link DicomParser}. Values stay in the file's byte array; only what is asked for is decoded.
 * Every getter that decodes a value throws {@link EcgReadException} naming the tag when the
 * value cannot be read.
 */
public final class DicomDataset {

    /** One element: tag as {@code group << 16 | element}, its VR (or {@code null} in implicit VR), its bytes. */
    public record Element(int tag, String vr, int offset, int length, List<DicomDataset> items) {
    }

    private final byte[] data;
    private final String file;
    private final Map<Integer, Element> elements = new LinkedHashMap<>();
    private Charset charset;

    DicomDataset(byte[] data, String file, Charset charset) {
        this.data = data;
        this.file = file;
        this.charset = charset;
    }

    void put(Element e) {
        elements.put(e.tag(), e);
    }

    void charset(Charset cs) {
        this.charset = cs;
    }

    /** Writes a tag the way DICOM documents spell it, e.g. {@code (003A,0210)}. */
    public static String tagName(int tag) {
        return String.format(Locale.ROOT, "(%04X,%04X)", tag >>> 16, tag & 0xffff);
    }

    public static int tag(int group, int element) {
        return group << 16 | element;
    }

    public boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    public Element element(int tag) {
        return elements.get(tag);
    }

    public Map<Integer, Element> elements() {
        return Collections.unmodifiableMap(elements);
    }

    /** A text value with padding (trailing spaces and NULs) removed, or {@code null} when absent. */
    public String string(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.items() != null) {
            return null;
        }
        String s = new String(data, e.offset(), e.length(), charset);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        return s.substring(start, end);
    }

    /** The first value of a decimal string (DS) or integer string (IS), or {@code fallback} when absent or empty. */
    public double decimal(int tag, double fallback) throws EcgReadException {
        String s = string(tag);
        if (s == null || s.isEmpty()) {
            return fallback;
        }
        int bs = s.indexOf('\\');
        String first = (bs >= 0 ? s.substring(0, bs) : s).trim();
        if (first.isEmpty()) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(first);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException ex) {
            throw new EcgReadException(file, "unreadable number '" + first + "' in " + tagName(tag));
        }
    }

    /** All values of a decimal string, or an empty list when absent. */
    public List<Double> decimals(int tag) throws EcgReadException {
        String s = string(tag);
        List<Double> out = new ArrayList<>();
        if (s == null || s.isEmpty()) {
            return out;
        }
        for (String part : s.split("\\\\")) {
            String p = part.trim();
            try {
                double v = Double.parseDouble(p);
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException ex) {
                throw new EcgReadException(file, "unreadable number '" + p + "' in " + tagName(tag));
            }
        }
        return out;
    }

    /**
     * An unsigned binary integer (US or UL; in implicit VR judged by its length of 2 or 4 bytes),
     * or {@code fallback} when absent. Integer strings (IS) are accepted too.
     */
    public long unsigned(int tag, long fallback) throws EcgReadException {
        Element e = elements.get(tag);
        if (e == null) {
            return fallback;
        }
        if ("IS".equals(e.vr()) || "DS".equals(e.vr())) {
            double v = decimal(tag, Double.NaN);
            if (Double.isNaN(v)) {
                return fallback;
            }
            if (v != Math.rint(v) || v < 0) {
                throw new EcgReadException(file, "expected a non-negative whole number in " + tagName(tag) + ", got " + v);
            }
            return (long) v;
        }
        if (e.length() == 2) {
            return (data[e.offset()] & 0xff) | (data[e.offset() + 1] & 0xff) << 8;
        }
        if (e.length() == 4) {
            return (data[e.offset()] & 0xffL) | (data[e.offset() + 1] & 0xffL) << 8
                    | (data[e.offset() + 2] & 0xffL) << 16 | (data[e.offset() + 3] & 0xffL) << 24;
        }
        if (e.length() == 0) {
            return fallback;
        }
        throw new EcgReadException(file, "expected a 2- or 4-byte integer in " + tagName(tag) + ", found "
                + e.length() + " bytes");
    }

    /** All 16-bit unsigned values of a US element (e.g. Referenced Waveform Channels). */
    public int[] unsignedShorts(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.items() != null) {
            return new int[0];
        }
        int[] out = new int[e.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int p = e.offset() + 2 * i;
            out[i] = (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
        }
        return out;
    }

    /** The items of a sequence, or an empty list when absent. */
    public List<DicomDataset> sequence(int tag) throws EcgReadException {
        Element e = elements.get(tag);
        if (e == null) {
            return List.of();
        }
        if (e.items() == null) {
            throw new EcgReadException(file, tagName(tag) + " should be a sequence but holds plain bytes (VR "
                    + e.vr() + ")");
        }
        return e.items();
    }

    /** The first item of a sequence, or {@code null}. */
    public DicomDataset firstItem(int tag) throws EcgReadException {
        List<DicomDataset> items = sequence(tag);
        return items.isEmpty() ? null : items.get(0);
    }

    /** The file's byte array; {@link Element#offset()} and {@link Element#length()} index into it. */
    byte[] data() {
        return data;
    }

    String file() {
        return file;
    }
}
