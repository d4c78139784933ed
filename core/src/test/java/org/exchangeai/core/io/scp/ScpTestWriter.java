package org.exchangeai.core.io.scp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes SCP-ECG records the way EN 1064 describes the encoder, written independently of the reader
 * so that round trips test the reader against the standard: reference beat subtraction in the
 * subtraction zones, bimodal decimation (means of {@code factor} samples outside the protected zones),
 * first or second differences, Huffman coding with the default table or tables written into section 2
 * (with table-mode switches), and the CRCs of the record and of every section.
 */
final class ScpTestWriter {

    /** How the rhythm and reference beat values are coded. */
    enum Coding { RAW_16_BIT, DEFAULT_TABLE, SECTION_2_TABLES }

    /** One beat of section 4: fiducial, subtraction zone and protected zone (1-based sample numbers). */
    record Beat(int subtractionStart, int fiducial, int subtractionEnd, int protectedStart, int protectedEnd) {
    }

    private final int[][] samples;
    private final int[] leadCodes;
    private final int avmNv;
    private final int intervalUs;
    private Coding coding = Coding.DEFAULT_TABLE;
    private int differences = 2;
    private int[][] referenceBeat;
    private int beatFiducial;
    private List<Beat> beats = List.of();
    private boolean subtract;
    private int bimodalFactor = 1;
    private int declaredExtraSamples;
    private String statement;
    private int averageRrMs;

    /**
     * @param samples    full-rate samples {@code [lead][t]} in units of {@code avmNv} nanovolts
     * @param leadCodes  section 3 lead codes
     * @param intervalUs full-rate sample interval in µs
     */
    ScpTestWriter(int[][] samples, int[] leadCodes, int avmNv, int intervalUs) {
        this.samples = samples;
        this.leadCodes = leadCodes;
        this.avmNv = avmNv;
        this.intervalUs = intervalUs;
    }

    ScpTestWriter coding(Coding c) {
        coding = c;
        return this;
    }

    ScpTestWriter differences(int order) {
        differences = order;
        return this;
    }

    /** Stores a reference beat (section 5) and QRS locations (section 4); subtracts it when asked. */
    ScpTestWriter referenceBeat(int[][] beat, int fiducial, List<Beat> qrs, boolean subtractFromRhythm) {
        referenceBeat = beat;
        beatFiducial = fiducial;
        beats = qrs;
        subtract = subtractFromRhythm;
        return this;
    }

    ScpTestWriter bimodal(int factor) {
        bimodalFactor = factor;
        return this;
    }

    /** Makes section 3 declare more samples than the rhythm data holds (a corrupt file). */
    ScpTestWriter declareExtraSamples(int n) {
        declaredExtraSamples = n;
        return this;
    }

    /** Adds section 7 (average RR, one beat's wave limits and axes), section 8 (one statement) and 11 (codes SR, NORM). */
    ScpTestWriter interpretation(int rrMs, String text) {
        averageRrMs = rrMs;
        statement = text;
        return this;
    }

    /** The residual the rhythm section carries before decimation: samples minus the subtracted beats. */
    int[][] residual() {
        int[][] out = new int[samples.length][];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i].clone();
            if (!subtract) {
                continue;
            }
            for (Beat q : beats) {
                for (int t = q.subtractionStart(); t <= q.subtractionEnd(); t++) {
                    int k = beatFiducial - 1 + t - q.fiducial();
                    if (t >= 1 && t <= out[i].length && k >= 0 && k < referenceBeat[i].length) {
                        out[i][t - 1] -= referenceBeat[i][k];
                    }
                }
            }
        }
        return out;
    }

    /** Bimodal decimation of one lead: protected zones kept, elsewhere rounded means of {@code factor} samples. */
    private int[] decimate(int[] x) {
        List<Integer> out = new ArrayList<>();
        int t = 1;
        int n = x.length;
        while (t <= n) {
            Beat zone = zoneAt(t);
            if (zone != null) {
                out.add(x[t - 1]);
                t++;
                continue;
            }
            int end = t;
            while (end + 1 <= n && zoneAt(end + 1) == null) {
                end++;
            }
            for (int g = t; g <= end; g += bimodalFactor) {
                int last = Math.min(end, g + bimodalFactor - 1);
                double sum = 0;
                for (int k = g; k <= last; k++) {
                    sum += x[k - 1];
                }
                out.add((int) Math.round(sum / (last - g + 1)));
            }
            t = end + 1;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private Beat zoneAt(int t) {
        for (Beat q : beats) {
            if (t >= q.protectedStart() && t <= q.protectedEnd()) {
                return q;
            }
        }
        return null;
    }

    byte[] write() {
        int leads = samples.length;
        int n = samples[0].length;
        List<byte[]> sections = new ArrayList<>();
        for (int id = 0; id <= 11; id++) {
            sections.add(null);
        }
        sections.set(1, section1());
        if (coding == Coding.DEFAULT_TABLE) {
            sections.set(2, le16(ScpHuffman.DEFAULT_TABLE_MARKER));
        } else if (coding == Coding.SECTION_2_TABLES) {
            sections.set(2, customTables());
        }
        ByteArrayOutputStream s3 = new ByteArrayOutputStream();
        s3.write(leads);
        s3.write((subtract ? 1 : 0) | 4 | (Math.min(leads, 31) << 3));
        for (int i = 0; i < leads; i++) {
            s3.writeBytes(le32(1));
            s3.writeBytes(le32(n + declaredExtraSamples));
            s3.write(leadCodes[i]);
        }
        sections.set(3, s3.toByteArray());
        if (referenceBeat != null) {
            ByteArrayOutputStream s4 = new ByteArrayOutputStream();
            s4.writeBytes(le16(referenceBeat[0].length * intervalUs / 1000));
            s4.writeBytes(le16(beatFiducial));
            s4.writeBytes(le16(beats.size()));
            for (Beat q : beats) {
                s4.writeBytes(le16(0));
                s4.writeBytes(le32(q.subtractionStart()));
                s4.writeBytes(le32(q.fiducial()));
                s4.writeBytes(le32(q.subtractionEnd()));
            }
            for (Beat q : beats) {
                s4.writeBytes(le32(q.protectedStart()));
                s4.writeBytes(le32(q.protectedEnd()));
            }
            sections.set(4, s4.toByteArray());
            sections.set(5, encodedSection(referenceBeat, avmNv, intervalUs, 0));
        }
        int[][] rhythm = residual();
        if (bimodalFactor > 1) {
            for (int i = 0; i < leads; i++) {
                rhythm[i] = decimate(rhythm[i]);
            }
        }
        sections.set(6, encodedSection(rhythm, avmNv, intervalUs * bimodalFactor, bimodalFactor > 1 ? 1 : 0));
        if (averageRrMs > 0) {
            ByteArrayOutputStream s7 = new ByteArrayOutputStream();
            s7.write(1);
            s7.write(0);
            s7.writeBytes(le16(averageRrMs));
            s7.writeBytes(le16(averageRrMs));
            for (int v : new int[] {100, 200, 250, 350, 650}) {
                s7.writeBytes(le16(v));
            }
            for (int v : new int[] {50, 60, 999}) {
                s7.writeBytes(le16(v));
            }
            sections.set(7, s7.toByteArray());
        }
        if (statement != null) {
            ByteArrayOutputStream s8 = new ByteArrayOutputStream();
            s8.write(0);
            s8.writeBytes(le16(2024));
            s8.write(5);
            s8.write(17);
            s8.write(10);
            s8.write(30);
            s8.write(0);
            s8.write(1);
            byte[] text = (statement + "\0").getBytes(StandardCharsets.US_ASCII);
            s8.write(1);
            s8.writeBytes(le16(text.length));
            s8.writeBytes(text);
            sections.set(8, s8.toByteArray());
            ByteArrayOutputStream s11 = new ByteArrayOutputStream();
            s11.writeBytes(new byte[] {0, (byte) 0xE8, 0x07, 5, 17, 10, 30, 0, 1});
            byte[] codes = "SR\0NORM\0".getBytes(StandardCharsets.US_ASCII);
            s11.write(1);
            s11.writeBytes(le16(codes.length + 1));
            s11.write(1);
            s11.writeBytes(codes);
            sections.set(11, s11.toByteArray());
        }
        return assemble(sections);
    }

    private byte[] section1() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        tag(s, 0, "Doe\0".getBytes(StandardCharsets.US_ASCII));
        tag(s, 2, "PATIENT-42\0".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream device = new ByteArrayOutputStream();
        device.writeBytes(new byte[8]);
        device.writeBytes("TEST01".getBytes(StandardCharsets.US_ASCII));
        device.write(20);
        device.writeBytes(new byte[20]);
        byte[] revision = "A1\0".getBytes(StandardCharsets.US_ASCII);
        device.write(revision.length);
        device.writeBytes(revision);
        device.writeBytes("SN1\0Firmware 3.2\0Writer\0Acme\0".getBytes(StandardCharsets.US_ASCII));
        tag(s, 14, device.toByteArray());
        tag(s, 25, new byte[] {(byte) 0xE8, 0x07, 5, 17});
        tag(s, 26, new byte[] {10, 30, 15});
        tag(s, 255, new byte[0]);
        return s.toByteArray();
    }

    private static void tag(ByteArrayOutputStream s, int tag, byte[] value) {
        s.write(tag);
        s.writeBytes(le16(value.length));
        s.writeBytes(value);
    }

    /** Sections 5 and 6 share a layout: AVM, interval, differences, flag, byte counts, data. */
    private byte[] encodedSection(int[][] values, int avm, int interval, int flag) {
        byte[][] data = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            data[i] = encode(values[i]);
        }
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(le16(avm));
        s.writeBytes(le16(interval));
        s.write(differences);
        s.write(flag);
        for (byte[] d : data) {
            s.writeBytes(le16(d.length));
        }
        for (byte[] d : data) {
            s.writeBytes(d);
        }
        return s.toByteArray();
    }

    private byte[] encode(int[] x) {
        int[] d = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            if (i < differences) {
                d[i] = x[i];
            } else if (differences == 1) {
                d[i] = x[i] - x[i - 1];
            } else if (differences == 2) {
                d[i] = x[i] - 2 * x[i - 1] + x[i - 2];
            } else {
                d[i] = x[i];
            }
        }
        if (coding == Coding.RAW_16_BIT) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int v : d) {
                out.writeBytes(le16(v));
            }
            return out.toByteArray();
        }
        Bits bits = new Bits();
        if (coding == Coding.DEFAULT_TABLE) {
            for (int v : d) {
                if (v == 0) {
                    bits.put(0, 1);
                } else if (Math.abs(v) <= 8) {
                    int ones = Math.abs(v);
                    bits.put((((1L << ones) - 1) << 2) | (v < 0 ? 1 : 0), ones + 2);
                } else if (v >= -128 && v <= 127) {
                    bits.put(0b1111111110, 10);
                    bits.put(v & 0xff, 8);
                } else {
                    bits.put(0b1111111111, 10);
                    bits.put(v & 0xffff, 16);
                }
            }
        } else {
            int table = 1;
            for (int i = 0; i < d.length; i++) {
                int wanted = (i / 64) % 2 == 1 ? 2 : 1;
                if (wanted != table) {
                    if (table == 1) {
                        bits.put(0b11100, 5);
                    } else {
                        bits.put(0b01, 2);
                    }
                    table = wanted;
                }
                int v = d[i];
                if (table == 1) {
                    if (v == 0) {
                        bits.put(0, 1);
                    } else if (Math.abs(v) <= 2) {
                        bits.put((((1L << Math.abs(v)) - 1) << 2) | (v < 0 ? 1 : 0), Math.abs(v) + 2);
                    } else if (v >= -128 && v <= 127) {
                        bits.put(0b11101, 5);
                        bits.put(v & 0xff, 8);
                    } else {
                        bits.put(0b1111, 4);
                        bits.put(v & 0xffff, 16);
                    }
                } else {
                    if (v == 0) {
                        bits.put(0b00, 2);
                    } else if (v >= -8 && v <= 7) {
                        bits.put(0b10, 2);
                        bits.put(v & 0xf, 4);
                    } else {
                        bits.put(0b11, 2);
                        bits.put(v & 0xffff, 16);
                    }
                }
            }
        }
        return bits.bytes();
    }

    /**
     * Two tables. Table 1: 0 = 0, 100/101 = ±1, 1100/1101 = ±2, 11100 = switch to table 2,
     * 11101 + 8 bits, 1111 + 16 bits. Table 2: 00 = 0, 01 = switch to table 1, 10 + 4 bits, 11 + 16 bits.
     */
    private static byte[] customTables() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(le16(2));
        s.writeBytes(le16(8));
        code(s, 1, 1, 1, 0, 0b0);
        code(s, 3, 3, 1, 1, 0b100);
        code(s, 3, 3, 1, -1, 0b101);
        code(s, 4, 4, 1, 2, 0b1100);
        code(s, 4, 4, 1, -2, 0b1101);
        code(s, 5, 5, 0, 2, 0b11100);
        code(s, 5, 13, 1, 0, 0b11101);
        code(s, 4, 20, 1, 0, 0b1111);
        s.writeBytes(le16(4));
        code(s, 2, 2, 1, 0, 0b00);
        code(s, 2, 2, 0, 1, 0b01);
        code(s, 2, 6, 1, 0, 0b10);
        code(s, 2, 18, 1, 0, 0b11);
        return s.toByteArray();
    }

    /** One code structure; the base code is stored with its first bit least significant. */
    private static void code(ByteArrayOutputStream s, int prefix, int total, int mode, int base, long msbFirst) {
        s.write(prefix);
        s.write(total);
        s.write(mode);
        s.writeBytes(le16(base));
        long reversed = 0;
        for (int i = 0; i < prefix; i++) {
            reversed = (reversed << 1) | ((msbFirst >>> i) & 1);
        }
        s.writeBytes(le32(reversed));
    }

    private static byte[] assemble(List<byte[]> bodies) {
        int count = bodies.size();
        int section0Length = 16 + 10 * count;
        List<byte[]> full = new ArrayList<>();
        int index = 6 + section0Length + 1;
        ByteArrayOutputStream pointers = new ByteArrayOutputStream();
        pointers.writeBytes(le16(0));
        pointers.writeBytes(le32(section0Length));
        pointers.writeBytes(le32(7));
        for (int id = 1; id < count; id++) {
            byte[] body = bodies.get(id);
            if (body == null) {
                pointers.writeBytes(le16(id));
                pointers.writeBytes(le32(0));
                pointers.writeBytes(le32(0));
                full.add(null);
                continue;
            }
            byte[] section = section(id, body);
            pointers.writeBytes(le16(id));
            pointers.writeBytes(le32(section.length));
            pointers.writeBytes(le32(index));
            index += section.length;
            full.add(section);
        }
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[6]);
        record.writeBytes(section(0, pointers.toByteArray()));
        for (byte[] s : full) {
            if (s != null) {
                record.writeBytes(s);
            }
        }
        byte[] out = record.toByteArray();
        put32(out, 2, out.length);
        put16(out, 0, ScpBytes.crc(out, 2, out.length));
        return out;
    }

    /** A section: 16-byte header (CRC, id, length, version 2.0, protocol 2.0, "SCPECG") and an even-length body. */
    private static byte[] section(int id, byte[] body) {
        int length = 16 + body.length + (body.length % 2);
        byte[] s = new byte[length];
        put16(s, 2, id);
        put32(s, 4, length);
        s[8] = 20;
        s[9] = 20;
        byte[] reserved = id == 0 ? "SCPECG".getBytes(StandardCharsets.US_ASCII) : new byte[6];
        System.arraycopy(reserved, 0, s, 10, 6);
        System.arraycopy(body, 0, s, 16, body.length);
        put16(s, 0, ScpBytes.crc(s, 2, length));
        return s;
    }

    /** Recomputes every section CRC found through section 0 and the record CRC, after a test edits bytes. */
    static void fixCrcs(byte[] b) {
        int s0 = 6;
        long len0 = Math.min(ScpBytes.u32(b, s0 + 4), b.length - s0);
        for (int p = s0 + 16; p + 10 <= s0 + len0; p += 10) {
            long len = ScpBytes.u32(b, p + 2);
            long index = ScpBytes.u32(b, p + 6);
            int id = ScpBytes.u16(b, p);
            if (len >= 16 && id != 0 && index >= 7 && index - 1 + len <= b.length) {
                int o = (int) index - 1;
                put16(b, o, ScpBytes.crc(b, o + 2, o + (int) len));
            }
        }
        if (len0 >= 16) {
            put16(b, s0, ScpBytes.crc(b, s0 + 2, s0 + (int) len0));
        }
        put16(b, 0, ScpBytes.crc(b, 2, b.length));
    }

    static void put16(byte[] b, int pos, int v) {
        b[pos] = (byte) v;
        b[pos + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int pos, long v) {
        put16(b, pos, (int) v);
        put16(b, pos + 2, (int) (v >>> 16));
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }

    private static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** Bits written most significant first, zero-padded to a whole byte. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int used;

        void put(long value, int count) {
            for (int i = count - 1; i >= 0; i--) {
                current = (current << 1) | (int) ((value >>> i) & 1);
                if (++used == 8) {
                    out.write(current);
                    current = 0;
                    used = 0;
                }
            }
        }

        byte[] bytes() {
            if (used > 0) {
                out.write(current << (8 - used));
                current = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }
}
