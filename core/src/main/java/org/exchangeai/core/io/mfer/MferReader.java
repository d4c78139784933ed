package org.exchangeai.core.io.mfer;

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
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;

/**
 * MFER (Medical waveform Format Encoding Rules, ISO/TS 11073-92001), as written by Nihon Kohden
 * monitors and carts: a sequence of tag-length-value items. Read: byte order (tag 1), block
 * length (4), channel count (5), sequence count (6), data type (10), sampling interval or rate
 * (11), sensitivity (12: unit, power of ten, mantissa), offset (13), null value (18), lead code
 * (9), manufacturer (23), measurement time (133), per-channel attributes (63) and the waveform
 * data (30), laid out sequence by sequence, channel by channel, each channel a block of its block
 * length. Channels whose sensitivity is a voltage and whose lead code is an ECG lead become leads;
 * the others (pressures, respiration, status) are named in a warning. Patient name, ID, age and
 * sex (tags 129–132) are skipped unread.
 */
public final class MferReader implements EcgFormat {

    static final String NAME = "MFER";
    private static final int MAX_FILE_BYTES = 1 << 30;

    /** MFER lead codes of ECG leads (MFER part 1, lead code table). */
    private static final Map<Integer, String> LEADS = Map.ofEntries(
            Map.entry(1, "I"), Map.entry(2, "II"), Map.entry(3, "V1"), Map.entry(4, "V2"), Map.entry(5, "V3"),
            Map.entry(6, "V4"), Map.entry(7, "V5"), Map.entry(8, "V6"), Map.entry(11, "V3R"), Map.entry(12, "V4R"),
            Map.entry(13, "V5R"), Map.entry(14, "V6R"), Map.entry(15, "V7R"), Map.entry(61, "III"),
            Map.entry(62, "aVR"), Map.entry(63, "aVL"), Map.entry(64, "aVF"), Map.entry(66, "V8"), Map.entry(67, "V9"),
            Map.entry(68, "V8R"), Map.entry(69, "V9R"));
    /** Sensitivity unit codes (tag 12): 0 volt; the others are not voltages. */
    private static final String[] UNITS = {"V", "mmHg", "Pa", "cmH2O", "mmHg/s", "dyne", "N", "%", "degC", "1/min",
            "1/s", "Ohm", "A", "rpm", "W", "dB", "kg", "J", "dyne s m-2 cm-5", "l", "l/s", "l/min", "cd"};
    /** Bytes per sample of data types 0–8 (9 is AHA compression). */
    private static final int[] TYPE_BYTES = {2, 2, 4, 1, 2, 1, 4, 4, 8};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        // the preamble item (tag 64, 32 bytes) that every MFER file starts with, or a .mwf whose
        // first item is the byte order
        if (head.length >= 34 && (head[0] & 0xff) == 0x40 && (head[1] & 0xff) == 0x20) {
            for (int i = 2; i < 6; i++) {
                int c = head[i] & 0xff;
                if (c < 32 || c > 126) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public boolean resembles(Path file, byte[] head) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mwf");
    }

    /** Settings in force: the file's defaults, overridden per channel by tag 63. */
    private static final class Settings implements Cloneable {
        int block = -1;
        int dataType = 0;
        double fs = 1000;
        int sensUnit = 0;
        double sensitivity = Double.NaN;
        double offset = 0;
        Long nullValue;
        int lead = -1;

        @Override
        public Settings clone() {
            try {
                return (Settings) super.clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        byte[] b;
        try {
            long size = Files.size(file);
            ReadLimits.checkBytes(name, NAME, "the file holds", size, MAX_FILE_BYTES);
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        ByteOrder order = ByteOrder.BIG_ENDIAN;
        Settings global = new Settings();
        Map<Integer, Settings> perChannel = new LinkedHashMap<>();
        int channels = 1;
        int sequences = -1;
        String device = null;
        String time = null;
        List<int[]> data = new ArrayList<>();
        int pos = 0;
        boolean ended = false;
        while (pos < b.length && !ended) {
            int tag = b[pos] & 0xff;
            pos++;
            if (tag == 0x80) {
                ended = true;
                break;
            }
            int channel = -1;
            if (tag == 63) {
                // channel attribute: the channel number, then the length of the nested items
                if (pos >= b.length) {
                    throw truncated(name, pos);
                }
                channel = b[pos] & 0x7f;
                while ((b[pos] & 0x80) != 0) {
                    pos++;
                    if (pos >= b.length) {
                        throw truncated(name, pos);
                    }
                    channel = (channel << 7) | (b[pos] & 0x7f);
                    if (channel > 4096) {
                        throw new EcgReadException(name, "MFER channel attribute for channel " + channel
                                + ", more than a recording has");
                    }
                }
                pos++;
            }
            long[] lv = length(name, b, pos);
            int len = (int) lv[0];
            pos = (int) lv[1];
            if (len > b.length - pos) {
                throw new EcgReadException(name, "truncated MFER file: item with tag " + tag + " at byte " + pos
                        + " declares " + len + " bytes, " + (b.length - pos) + " remain");
            }
            if (tag == 63) {
                Settings s = perChannel.computeIfAbsent(channel, k -> global.clone());
                int end = pos + len;
                int p = pos;
                while (p < end) {
                    int t2 = b[p++] & 0xff;
                    long[] l2 = length(name, b, p);
                    int n2 = (int) l2[0];
                    p = (int) l2[1];
                    if (n2 > end - p) {
                        throw new EcgReadException(name, "malformed MFER channel attribute of channel " + channel
                                + ": item " + t2 + " runs past the attribute");
                    }
                    setting(name, s, t2, b, p, n2, order);
                    p += n2;
                }
            } else if (tag == 1) {
                order = len > 0 && b[pos] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            } else if (tag == 5) {
                channels = (int) integer(b, pos, len, order, true);
                if (channels < 1 || channels > 4096) {
                    throw new EcgReadException(name, "MFER file declares " + channels + " channels (tag 5)");
                }
            } else if (tag == 6) {
                sequences = (int) integer(b, pos, len, order, true);
                if (sequences < 0) {
                    throw new EcgReadException(name, "MFER file declares " + sequences + " sequences (tag 6)");
                }
            } else if (tag == 23) {
                device = new String(b, pos, len, StandardCharsets.ISO_8859_1).replace('\0', ' ').strip()
                        .replace('^', ' ');
            } else if (tag == 133 && len >= 7) {
                ByteBuffer bb = ByteBuffer.wrap(b, pos, len).order(order);
                int year = bb.getShort() & 0xffff;
                time = String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", year, b[pos + 2] & 0xff,
                        b[pos + 3] & 0xff, b[pos + 4] & 0xff, b[pos + 5] & 0xff, b[pos + 6] & 0xff);
            } else if (tag == 30) {
                data.add(new int[] {pos, len});
            } else if (tag >= 129 && tag <= 132) {
                // patient name, ID, age, sex: never read
            } else {
                setting(name, global, tag, b, pos, len, order);
            }
            pos += len;
        }
        if (data.isEmpty()) {
            throw new EcgReadException(name, "MFER file without waveform data (tag 30)");
        }
        return build(name, b, order, global, perChannel, channels, sequences, data, device, time, ended);
    }

    private static EcgReadException truncated(String name, int pos) {
        return new EcgReadException(name, "truncated MFER file: it ends inside an item at byte " + pos);
    }

    /** A BER-style length: one byte below 128, else 0x80 + n followed by n big-endian bytes. */
    private static long[] length(String name, byte[] b, int pos) throws EcgReadException {
        if (pos >= b.length) {
            throw truncated(name, pos);
        }
        int first = b[pos++] & 0xff;
        if (first < 0x80) {
            return new long[] {first, pos};
        }
        int n = first & 0x7f;
        if (n > 4 || pos + n > b.length) {
            throw new EcgReadException(name, "malformed MFER file: a length field of " + n + " bytes at byte " + pos);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (b[pos++] & 0xff);
        }
        if (v > Integer.MAX_VALUE) {
            throw new EcgReadException(name, "malformed MFER file: an item declares " + v + " bytes");
        }
        return new long[] {v, pos};
    }

    private static long integer(byte[] b, int pos, int len, ByteOrder order, boolean signed) {
        long v = 0;
        for (int i = 0; i < len && i < 8; i++) {
            int k = order == ByteOrder.BIG_ENDIAN ? i : len - 1 - i;
            v = (v << 8) | (b[pos + k] & 0xff);
        }
        if (signed && len > 0 && len < 8 && (v & (1L << (8 * len - 1))) != 0) {
            v -= 1L << (8 * len);
        }
        return v;
    }

    private static void setting(String name, Settings s, int tag, byte[] b, int pos, int len, ByteOrder order)
            throws EcgReadException {
        switch (tag) {
            case 4 -> s.block = (int) Math.min(Integer.MAX_VALUE, integer(b, pos, len, order, false));
            case 9 -> s.lead = (int) integer(b, pos, len, order, false);
            case 10 -> s.dataType = len == 0 ? 0 : b[pos] & 0xff;
            case 11 -> {
                if (len < 3) {
                    throw new EcgReadException(name, "malformed MFER sampling item (tag 11) of " + len + " bytes");
                }
                int unit = b[pos] & 0xff;
                int exp = b[pos + 1];
                long mantissa = integer(b, pos + 2, len - 2, order, true);
                double v = mantissa * Math.pow(10, exp);
                if (unit == 0) {
                    s.fs = v;
                } else if (unit == 1) {
                    s.fs = v == 0 ? Double.NaN : 1 / v;
                } else {
                    throw new EcgReadException(name, "MFER sampling item (tag 11) in unit code " + unit
                            + " is not a time or frequency");
                }
            }
            case 12 -> {
                if (len < 3) {
                    throw new EcgReadException(name, "malformed MFER sensitivity item (tag 12) of " + len + " bytes");
                }
                s.sensUnit = b[pos] & 0xff;
                s.sensitivity = integer(b, pos + 2, len - 2, order, true) * Math.pow(10, b[pos + 1]);
            }
            case 13 -> s.offset = integer(b, pos, len, order, true);
            case 18 -> s.nullValue = integer(b, pos, len, order, s.dataType != 1 && s.dataType != 6);
            default -> {
                // other items (version, character code, waveform type, events, ...) are not needed
            }
        }
    }

    private Ecg build(String name, byte[] b, ByteOrder order, Settings global, Map<Integer, Settings> perChannel,
                      int channels, int sequences, List<int[]> data, String device, String time, boolean ended)
            throws EcgReadException {
        Settings[] ch = new Settings[channels];
        long frameBytes = 0;
        for (int c = 0; c < channels; c++) {
            ch[c] = perChannel.getOrDefault(c, global);
            if (ch[c].block < 1) {
                throw new EcgReadException(name, "MFER channel " + c + " has no block length (tag 4)");
            }
            if (ch[c].dataType >= TYPE_BYTES.length) {
                throw new EcgReadException(name, "MFER channel " + c + " uses data type " + ch[c].dataType
                        + (ch[c].dataType == 9 ? " (AHA compression), which is not read" : ", which MFER does not define"));
            }
            frameBytes += (long) ch[c].block * TYPE_BYTES[ch[c].dataType];
        }
        long dataBytes = 0;
        for (int[] d : data) {
            dataBytes += d[1];
        }
        long whole = frameBytes == 0 ? 0 : dataBytes / frameBytes;
        List<String> warnings = new ArrayList<>();
        if (!ended) {
            warnings.add("the file has no end item (tag 128); read up to its last byte");
        }
        long seq = sequences < 0 ? whole : Math.min(sequences, whole);
        if (sequences >= 0 && whole < sequences) {
            warnings.add("the file declares " + sequences + " sequences, its waveform data holds " + whole
                    + "; the whole sequences are read");
        }
        if (seq == 0) {
            throw new EcgReadException(name, "truncated MFER file: the waveform data (" + dataBytes
                    + " bytes) holds no whole sequence of " + frameBytes + " bytes");
        }
        // the ECG channels: a voltage sensitivity and an ECG lead code; the most common rate
        Map<Double, Integer> rates = new LinkedHashMap<>();
        List<String> others = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Settings s = ch[c];
            if (isEcg(s)) {
                rates.merge(s.fs, 1, Integer::sum);
            }
        }
        if (rates.isEmpty()) {
            throw new EcgReadException(name, "MFER file without an ECG channel: " + describe(ch));
        }
        double fs = rates.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        ReadLimits.checkRate(name, NAME, "the sampling interval (tag 11)", fs);
        List<Integer> kept = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Settings s = ch[c];
            if (isEcg(s) && s.fs == fs) {
                kept.add(c);
            } else {
                others.add("channel " + c + " (" + channelName(s) + ", " + unitName(s) + ", "
                        + ReadLimits.number(s.fs) + " Hz)");
            }
        }
        if (!others.isEmpty()) {
            warnings.add("channels that are not ECG leads at " + ReadLimits.number(fs) + " Hz were left out: "
                    + String.join(", ", others));
        }
        long perLead = seq * ch[kept.get(0)].block;
        for (int c : kept) {
            if ((long) ch[c].block * seq != perLead) {
                throw new EcgReadException(name, "MFER ECG channels of one rate have different block lengths");
            }
        }
        ReadLimits.checkValues(name, NAME, "the file holds " + seq + " sequences of " + ch[kept.get(0)].block
                + " samples", kept.size(), perLead);
        float[][] mv = new float[kept.size()][(int) perLead];
        int nulls = 0;
        // sequence-major: in each sequence every channel's block in turn
        long[] channelStart = new long[channels];
        long acc = 0;
        for (int c = 0; c < channels; c++) {
            channelStart[c] = acc;
            acc += (long) ch[c].block * TYPE_BYTES[ch[c].dataType];
        }
        for (int k = 0; k < kept.size(); k++) {
            Settings s = ch[kept.get(k)];
            int size = TYPE_BYTES[s.dataType];
            double scale = s.sensitivity * 1000; // V -> mV
            ReadLimits.checkQuantum(name, NAME, "the sensitivity (tag 12) of channel " + kept.get(k), scale);
            for (long q = 0; q < seq; q++) {
                long base = q * frameBytes + channelStart[kept.get(k)];
                for (int t = 0; t < s.block; t++) {
                    long off = base + (long) t * size;
                    int at = locate(data, off);
                    double raw = sample(b, at, s.dataType, order);
                    int idx = (int) (q * s.block + t);
                    if (s.nullValue != null && (long) raw == s.nullValue && s.dataType < 7) {
                        mv[k][idx] = Float.NaN;
                        nulls++;
                    } else {
                        mv[k][idx] = (float) ((raw + s.offset) * scale);
                    }
                }
            }
        }
        if (nulls > 0) {
            warnings.add(nulls + " samples hold the null value and are NaN");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("sequences", Long.toString(seq));
        props.put("block_length", Integer.toString(ch[kept.get(0)].block));
        props.put("byte_order", order == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian");
        Ecg.Builder bl = Ecg.builder(fs);
        double[] gains = new double[kept.size()];
        try {
            for (int k = 0; k < kept.size(); k++) {
                bl.lead(channelName(ch[kept.get(k)]), mv[k]);
                gains[k] = 1.0 / (ch[kept.get(k)].sensitivity * 1000);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, "MFER: " + e.getMessage());
        }
        warnings.forEach(bl::warning);
        bl.source(new SourceInfo(name, NAME, "mV", gains.length == 1 ? gains : null, null, fs, List.of(), device, time,
                props));
        return bl.build();
    }

    /** The byte position of data byte {@code off} across the waveform items. */
    private static int locate(List<int[]> data, long off) {
        long rest = off;
        for (int[] d : data) {
            if (rest < d[1]) {
                return (int) (d[0] + rest);
            }
            rest -= d[1];
        }
        throw new IllegalStateException("offset past the data");
    }

    private static double sample(byte[] b, int at, int type, ByteOrder order) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(order);
        return switch (type) {
            case 0 -> bb.getShort(at);
            case 1, 4 -> bb.getShort(at) & 0xffff;
            case 2 -> bb.getInt(at);
            case 3 -> b[at] & 0xff;
            case 5 -> b[at];
            case 6 -> bb.getInt(at) & 0xffffffffL;
            case 7 -> bb.getFloat(at);
            default -> bb.getDouble(at);
        };
    }

    private static boolean isEcg(Settings s) {
        return s.sensUnit == 0 && !Double.isNaN(s.sensitivity) && s.dataType != 4 && s.lead >= 0 && s.lead < 256
                && !Double.isNaN(s.fs);
    }

    private static String channelName(Settings s) {
        String lead = LEADS.get(s.lead);
        if (lead != null) {
            return lead;
        }
        return "lead code " + (s.lead < 0 ? "unknown" : s.lead >= 256 ? String.format(Locale.ROOT, "0x%04X", s.lead)
                : Integer.toString(s.lead));
    }

    private static String unitName(Settings s) {
        if (s.dataType == 4) {
            return "status bits";
        }
        if (Double.isNaN(s.sensitivity)) {
            return "no sensitivity";
        }
        return s.sensUnit < UNITS.length ? UNITS[s.sensUnit] : "unit code " + s.sensUnit;
    }

    private static String describe(Settings[] ch) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < ch.length; c++) {
            out.add("channel " + c + " " + channelName(ch[c]) + " (" + unitName(ch[c]) + ")");
        }
        return String.join(", ", out);
    }
}
