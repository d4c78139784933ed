package org.exchangeai.core.io.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a parsed DICOM data set back out in another encoding, so that one real file can prove
 * the parser on implicit VR and on undefined-length sequences and items as well. Only for tests.
 */
final class DicomEncoder {

    private final boolean explicit;
    private final boolean undefinedLengths;

    DicomEncoder(boolean explicit, boolean undefinedLengths) {
        this.explicit = explicit;
        this.undefinedLengths = undefinedLengths;
    }

    /** A Part 10 file: preamble, {@code DICM}, a meta group naming {@code transferSyntax}, then {@code body}. */
    static byte[] file(String transferSyntax, String sopClass, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        writeMetaString(out, 0x0002, sopClass);
        writeMetaString(out, 0x0010, transferSyntax);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeMetaString(ByteArrayOutputStream out, int element, String uid) {
        byte[] v = uid.getBytes(StandardCharsets.US_ASCII);
        int len = v.length + (v.length % 2);
        le16(out, 0x0002);
        le16(out, element);
        out.writeBytes("UI".getBytes(StandardCharsets.US_ASCII));
        le16(out, len);
        out.writeBytes(v);
        if (len > v.length) {
            out.write(0);
        }
    }

    byte[] encode(DicomDataset ds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, ds);
        return out.toByteArray();
    }

    private void write(ByteArrayOutputStream out, DicomDataset ds) {
        for (Map.Entry<Integer, DicomDataset.Element> entry : ds.elements().entrySet()) {
            DicomDataset.Element e = entry.getValue();
            le16(out, e.tag() >>> 16);
            le16(out, e.tag() & 0xffff);
            String vr = e.vr() == null ? (e.items() != null ? "SQ" : "UN") : e.vr();
            byte[] value;
            boolean sequence = e.items() != null;
            if (sequence) {
                value = items(e.items());
            } else {
                value = java.util.Arrays.copyOfRange(ds.data(), e.offset(), e.offset() + e.length());
            }
            boolean undefined = sequence && undefinedLengths;
            if (explicit) {
                out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
                if (List.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV").contains(vr)) {
                    le16(out, 0);
                    le32(out, undefined ? 0xFFFFFFFFL : value.length);
                } else {
                    le16(out, value.length);
                }
            } else {
                le32(out, undefined ? 0xFFFFFFFFL : value.length);
            }
            out.writeBytes(value);
            if (undefined) {
                le16(out, 0xFFFE);
                le16(out, 0xE0DD);
                le32(out, 0);
            }
        }
    }

    private byte[] items(List<DicomDataset> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DicomDataset item : items) {
            ByteArrayOutputStream inner = new ByteArrayOutputStream();
            write(inner, item);
            le16(out, 0xFFFE);
            le16(out, 0xE000);
            le32(out, undefinedLengths ? 0xFFFFFFFFL : inner.size());
            out.writeBytes(inner.toByteArray());
            if (undefinedLengths) {
                le16(out, 0xFFFE);
                le16(out, 0xE00D);
                le32(out, 0);
            }
        }
        return out.toByteArray();
    }

    static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }

    static void le32(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
