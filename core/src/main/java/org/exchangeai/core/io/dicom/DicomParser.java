package org.exchangeai.core.io.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.exchangeai.core.io.EcgReadException;

/**
 * A small, strict reader of DICOM Part 10 files (PS3.10 file format, PS3.5 data encoding), limited
 * to what waveform objects need: the 128-byte preamble and {@code DICM}, the file meta group
 * (explicit VR little endian) that names the transfer syntax, and a data set in explicit or
 * implicit VR little endian with defined and undefined lengths and nested sequences.
 *
 * <p>Every declared length is checked against the bytes that remain before anything is
 * allocated, every loop advances by at least one element header, and sequence nesting is capped,
 * so a damaged file ends in an {@link EcgReadException} and never in a hang or an
 * {@link OutOfMemoryError}. Deflated and big-endian transfer syntaxes and compressed
 * (encapsulated) data are refused with a reason.
 */
public final class DicomParser {

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    static final int PREAMBLE = 128;
    static final int TRANSFER_SYNTAX = DicomDataset.tag(0x0002, 0x0010);
    static final int SPECIFIC_CHARACTER_SET = DicomDataset.tag(0x0008, 0x0005);

    private static final int ITEM = DicomDataset.tag(0xFFFE, 0xE000);
    private static final int ITEM_DELIMITER = DicomDataset.tag(0xFFFE, 0xE00D);
    private static final int SEQUENCE_DELIMITER = DicomDataset.tag(0xFFFE, 0xE0DD);
    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
    private static final int MAX_DEPTH = 16;

    private static final Set<String> VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
            "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL",
            "UN", "UR", "US", "UT", "UV");
    /** VRs whose explicit encoding has two reserved bytes and a 32-bit length (PS3.5 7.1.2). */
    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");
    /**
     * Sequences a waveform reader looks into; in implicit VR a sequence of defined length cannot be
     * told from plain bytes without a dictionary, and these are the ones that matter here.
     */
    private static final Set<Integer> KNOWN_SEQUENCES = Set.of(
            DicomDataset.tag(0x5400, 0x0100), DicomDataset.tag(0x003A, 0x0200), DicomDataset.tag(0x003A, 0x0208),
            DicomDataset.tag(0x003A, 0x0209), DicomDataset.tag(0x003A, 0x0211), DicomDataset.tag(0x0040, 0xB020),
            DicomDataset.tag(0x0040, 0xA043), DicomDataset.tag(0x0040, 0x08EA), DicomDataset.tag(0x0040, 0xA168),
            DicomDataset.tag(0x0040, 0x0555), DicomDataset.tag(0x0040, 0xA730));

    /** A parsed file: its transfer syntax, file meta group and main data set. */
    public record DicomFile(String transferSyntax, DicomDataset meta, DicomDataset body) {
    }

    private final byte[] data;
    private final String file;
    private int end;

    private DicomParser(byte[] data, String file) {
        this.data = data;
        this.file = file;
    }

    /** Whether the bytes start like a DICOM Part 10 file (preamble, then {@code DICM}). */
    public static boolean hasMagic(byte[] head) {
        return head.length >= PREAMBLE + 4 && head[PREAMBLE] == 'D' && head[PREAMBLE + 1] == 'I'
                && head[PREAMBLE + 2] == 'C' && head[PREAMBLE + 3] == 'M';
    }

    /** Parses a whole file held in memory. */
    public static DicomFile parse(byte[] data, String file) throws EcgReadException {
        if (!hasMagic(data)) {
            throw new EcgReadException(file, "not a DICOM Part 10 file: no 'DICM' after the 128-byte preamble");
        }
        DicomParser p = new DicomParser(data, file);
        DicomDataset meta = p.readMeta(PREAMBLE + 4);
        int bodyStart = p.end;
        String ts = meta.string(TRANSFER_SYNTAX);
        if (ts == null || ts.isEmpty()) {
            throw new EcgReadException(file, "the file meta group names no transfer syntax (0002,0010)");
        }
        boolean explicit;
        switch (ts) {
            case EXPLICIT_VR_LITTLE_ENDIAN -> explicit = true;
            case IMPLICIT_VR_LITTLE_ENDIAN -> explicit = false;
            case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN -> throw new EcgReadException(file,
                    "deflated transfer syntax (" + ts + ") is not supported; re-save the file uncompressed");
            case EXPLICIT_VR_BIG_ENDIAN -> throw new EcgReadException(file,
                    "explicit VR big endian transfer syntax (" + ts + ", retired) is not supported");
            default -> throw new EcgReadException(file, "transfer syntax " + ts
                    + " is not supported for waveforms (only implicit and explicit VR little endian)");
        }
        DicomDataset body = p.readDataset(bodyStart, data.length, explicit, 0, false);
        String cs = body.string(SPECIFIC_CHARACTER_SET);
        if (cs != null && cs.contains("ISO_IR 192")) {
            setCharset(body, StandardCharsets.UTF_8);
        }
        return new DicomFile(ts, meta, body);
    }

    private static void setCharset(DicomDataset ds, Charset cs) {
        ds.charset(cs);
        for (DicomDataset.Element e : ds.elements().values()) {
            if (e.items() != null) {
                for (DicomDataset item : e.items()) {
                    setCharset(item, cs);
                }
            }
        }
    }

    private DicomDataset readMeta(int start) throws EcgReadException {
        DicomDataset meta = new DicomDataset(data, file, StandardCharsets.ISO_8859_1);
        int pos = start;
        while (pos + 4 <= data.length && u16(pos) == 0x0002) {
            pos = readElement(meta, pos, data.length, true, 0);
        }
        if (meta.elements().isEmpty()) {
            throw new EcgReadException(file, "no file meta group (0002,xxxx) after 'DICM'");
        }
        end = pos;
        return meta;
    }

    /**
     * Reads elements from {@code start} up to {@code limit}; with {@code untilDelimiter} the data set is
     * an item of undefined length that must end with an item delimiter. Sets {@link #end}.
     */
    private DicomDataset readDataset(int start, int limit, boolean explicit, int depth, boolean untilDelimiter)
            throws EcgReadException {
        DicomDataset ds = new DicomDataset(data, file, StandardCharsets.ISO_8859_1);
        int pos = start;
        while (pos < limit) {
            need(pos, 8, limit, "element header");
            int tag = u16(pos) << 16 | u16(pos + 2);
            if (tag == ITEM_DELIMITER) {
                if (!untilDelimiter) {
                    throw new EcgReadException(file, "item delimiter outside an item of undefined length at byte " + pos);
                }
                end = pos + 8;
                return ds;
            }
            if (tag >>> 16 == 0xFFFE) {
                throw new EcgReadException(file, "unexpected " + DicomDataset.tagName(tag) + " at byte " + pos
                        + " outside a sequence");
            }
            pos = readElement(ds, pos, limit, explicit, depth);
        }
        if (untilDelimiter) {
            throw new EcgReadException(file, "truncated: an item of undefined length has no item delimiter before the end of the file");
        }
        end = pos;
        return ds;
    }

    /** Reads one element at {@code pos} into {@code ds}; returns the position after it. */
    private int readElement(DicomDataset ds, int pos, int limit, boolean explicit, int depth) throws EcgReadException {
        need(pos, 8, limit, "element header");
        int tag = u16(pos) << 16 | u16(pos + 2);
        String vr = null;
        long length;
        int header;
        if (explicit) {
            vr = new String(data, pos + 4, 2, StandardCharsets.ISO_8859_1);
            if (!VRS.contains(vr)) {
                throw new EcgReadException(file, "invalid value representation '" + printable(vr) + "' for "
                        + DicomDataset.tagName(tag) + " at byte " + pos + " (corrupt file, or not explicit VR little endian)");
            }
            if (LONG_LENGTH_VRS.contains(vr)) {
                need(pos, 12, limit, "element header of " + DicomDataset.tagName(tag));
                length = u32(pos + 8);
                header = 12;
            } else {
                length = u16(pos + 6);
                header = 8;
            }
        } else {
            length = u32(pos + 4);
            header = 8;
        }
        int valueStart = pos + header;
        if (length == UNDEFINED_LENGTH) {
            boolean sequence = vr == null || "SQ".equals(vr) || "UN".equals(vr);
            if (!sequence) {
                throw new EcgReadException(file, DicomDataset.tagName(tag) + " (VR " + vr
                        + ") has undefined length: encapsulated (compressed) data is not supported");
            }
            // UN of undefined length holds a sequence in implicit VR little endian (PS3.5 6.2.2)
            boolean itemsExplicit = explicit && !"UN".equals(vr);
            List<DicomDataset> items = readItems(tag, valueStart, limit, itemsExplicit, depth + 1, true);
            ds.put(new DicomDataset.Element(tag, vr == null ? "SQ" : vr, valueStart, end - valueStart, items));
            return end;
        }
        if (length > limit - valueStart) {
            throw new EcgReadException(file, "truncated: " + DicomDataset.tagName(tag) + " at byte " + pos + " declares "
                    + length + " bytes but only " + Math.max(0, limit - valueStart) + " remain"
                    + (limit < data.length ? " in its enclosing item" : ""));
        }
        int len = (int) length;
        List<DicomDataset> items = null;
        if ("SQ".equals(vr) || (vr == null && KNOWN_SEQUENCES.contains(tag))) {
            items = readItems(tag, valueStart, valueStart + len, explicit, depth + 1, false);
        }
        ds.put(new DicomDataset.Element(tag, vr, valueStart, len, items));
        return valueStart + len;
    }

    /** Reads the items of a sequence; sets {@link #end} to the position after the sequence. */
    private List<DicomDataset> readItems(int seqTag, int start, int limit, boolean explicit, int depth,
            boolean undefinedLength) throws EcgReadException {
        if (depth > MAX_DEPTH) {
            throw new EcgReadException(file, "sequences nested deeper than " + MAX_DEPTH + " levels at "
                    + DicomDataset.tagName(seqTag));
        }
        List<DicomDataset> items = new ArrayList<>();
        int pos = start;
        while (true) {
            if (!undefinedLength && pos == limit) {
                end = pos;
                return items;
            }
            if (undefinedLength && pos + 8 > limit) {
                throw new EcgReadException(file, "truncated: sequence " + DicomDataset.tagName(seqTag)
                        + " of undefined length has no sequence delimiter before the end of the file");
            }
            need(pos, 8, limit, "item header in sequence " + DicomDataset.tagName(seqTag));
            int tag = u16(pos) << 16 | u16(pos + 2);
            long length = u32(pos + 4);
            if (tag == SEQUENCE_DELIMITER) {
                if (!undefinedLength) {
                    throw new EcgReadException(file, "sequence delimiter inside sequence " + DicomDataset.tagName(seqTag)
                            + " of defined length at byte " + pos);
                }
                end = pos + 8;
                return items;
            }
            if (tag != ITEM) {
                throw new EcgReadException(file, "expected an item (FFFE,E000) in sequence " + DicomDataset.tagName(seqTag)
                        + " at byte " + pos + ", found " + DicomDataset.tagName(tag));
            }
            int itemStart = pos + 8;
            DicomDataset item;
            if (length == UNDEFINED_LENGTH) {
                item = readDataset(itemStart, limit, explicit, depth, true);
                pos = end;
            } else {
                if (length > limit - itemStart) {
                    throw new EcgReadException(file, "truncated: item in sequence " + DicomDataset.tagName(seqTag)
                            + " at byte " + pos + " declares " + length + " bytes but only " + (limit - itemStart) + " remain");
                }
                item = readDataset(itemStart, itemStart + (int) length, explicit, depth, false);
                pos = itemStart + (int) length;
            }
            items.add(item);
        }
    }

    private void need(int pos, int n, int limit, String what) throws EcgReadException {
        if ((long) pos + n > limit) {
            throw new EcgReadException(file, "truncated: " + what + " at byte " + pos + " needs " + n + " bytes, "
                    + Math.max(0, limit - pos) + " remain");
        }
    }

    private int u16(int p) {
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
    }

    private long u32(int p) {
        return (data[p] & 0xffL) | (data[p + 1] & 0xffL) << 8 | (data[p + 2] & 0xffL) << 16 | (data[p + 3] & 0xffL) << 24;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02X", (int) c));
        }
        return sb.toString();
    }
}
