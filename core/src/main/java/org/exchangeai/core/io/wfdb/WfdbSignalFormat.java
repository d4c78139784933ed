package org.exchangeai.core.io.wfdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The WFDB signal file formats this platform reads (WFDB {@code signal(5)}), one constant per
 * format code with the facts a reader needs: how many bytes a group of samples takes, how many
 * samples that group holds, and which digital value marks an invalid sample.
 *
 * <p>Samples of all signals of one file are stored frame by frame; the packed formats
 * (212, 310, 311) pack consecutive samples of that interleaved stream, not of one signal.
 */
public enum WfdbSignalFormat {
    /** 8-bit first differences; the running value starts at the header's initial value. */
    DIFFERENCE_8(8, 1, 1, Integer.MIN_VALUE, 8),
    /** 16-bit two's complement, little-endian. */
    INT16(16, 2, 1, -32768, 16),
    /** 24-bit two's complement, little-endian. */
    INT24(24, 3, 1, -8388608, 24),
    /** 32-bit two's complement, little-endian. */
    INT32(32, 4, 1, Integer.MIN_VALUE, 32),
    /** 16-bit two's complement, big-endian. */
    INT16_BIG_ENDIAN(61, 2, 1, -32768, 16),
    /** 8-bit offset binary (stored byte minus 128). */
    OFFSET_8(80, 1, 1, -128, 8),
    /** 16-bit offset binary, little-endian (stored value minus 32768). */
    OFFSET_16(160, 2, 1, -32768, 16),
    /** Two 12-bit two's complement samples in three bytes. */
    PACKED_212(212, 3, 2, -2048, 12),
    /** Three 10-bit samples in two little-endian 16-bit words, bits 1–10 of each word and the top five bits of both. */
    PACKED_310(310, 4, 3, -512, 10),
    /** Three 10-bit samples in bits 0–9, 10–19 and 20–29 of one little-endian 32-bit word. */
    PACKED_311(311, 4, 3, -512, 10);

    /** Whole-value loads from a byte array (one 16- or 32-bit read instead of byte-by-byte assembly). */
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final int code;
    private final int bytesPerGroup;
    private final int samplesPerGroup;
    private final int invalidValue;
    private final int bits;

    WfdbSignalFormat(int code, int bytesPerGroup, int samplesPerGroup, int invalidValue, int bits) {
        this.code = code;
        this.bytesPerGroup = bytesPerGroup;
        this.samplesPerGroup = samplesPerGroup;
        this.invalidValue = invalidValue;
        this.bits = bits;
    }

    /** The format by its header code, or {@code null} when it is not one of the supported formats. */
    public static WfdbSignalFormat of(int code) {
        for (WfdbSignalFormat f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }

    /** The number the header uses for this format. */
    public int code() {
        return code;
    }

    /** Bits of one sample's amplitude (the ADC resolution the format can hold). */
    public int bits() {
        return bits;
    }

    /**
     * The digital value that marks a missing sample, or {@link Integer#MIN_VALUE} for format 8,
     * which has none.
     */
    public int invalidValue() {
        return invalidValue;
    }

    /** Whether a decoded digital value is this format's invalid-sample marker. */
    public boolean isInvalid(int digital) {
        return this != DIFFERENCE_8 && digital == invalidValue;
    }

    /** Smallest digital value a sample can hold (the invalid marker excluded). */
    public int minValue() {
        return this == DIFFERENCE_8 ? Integer.MIN_VALUE : invalidValue + 1;
    }

    /** Largest digital value a sample can hold. */
    public int maxValue() {
        return this == DIFFERENCE_8 ? Integer.MAX_VALUE : -(invalidValue + 1);
    }

    /**
     * Bytes needed to hold {@code samples} consecutive samples of the interleaved stream,
     * counting a final partial group only as far as its last sample reaches.
     */
    public long bytesFor(long samples) {
        long groups = samples / samplesPerGroup;
        int rest = (int) (samples % samplesPerGroup);
        long bytes = groups * bytesPerGroup;
        if (rest == 0) {
            return bytes;
        }
        return bytes + switch (this) {
            case PACKED_212 -> 2;
            case PACKED_310 -> rest == 1 ? 2 : 4;
            case PACKED_311 -> rest == 1 ? 2 : 3;
            default -> throw new IllegalStateException("unpacked formats have no partial groups");
        };
    }

    /** How many whole samples fit in {@code bytes} bytes. */
    public long samplesIn(long bytes) {
        long groups = bytes / bytesPerGroup;
        long samples = groups * samplesPerGroup;
        long rest = bytes - groups * bytesPerGroup;
        for (int extra = samplesPerGroup - 1; extra >= 1; extra--) {
            if (bytesFor(samples + extra) - groups * bytesPerGroup <= rest) {
                return samples + extra;
            }
        }
        return samples;
    }

    /**
     * Decodes {@code count} samples of the interleaved stream starting at byte {@code offset} of
     * {@code data} into {@code out}. Format 8 yields the raw differences; integrating them per
     * signal is the caller's business because it needs the frame layout.
     *
     * @param data   the bytes; a final partial group may be shorter than {@link #bytesFor} of a whole group
     * @param offset where the stream starts in {@code data}
     * @param count  samples to decode
     * @param out    receives {@code count} digital values
     */
    public void decode(byte[] data, int offset, int count, int[] out) {
        int p = offset;
        switch (this) {
            case DIFFERENCE_8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = data[p + i];
                }
            }
            case OFFSET_8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (data[p + i] & 0xff) - 128;
                }
            }
            case INT16 -> {
                for (int i = 0; i < count; i++, p += 2) {
                    out[i] = (short) SHORT_LE.get(data, p);
                }
            }
            case INT16_BIG_ENDIAN -> {
                for (int i = 0; i < count; i++, p += 2) {
                    out[i] = (short) SHORT_BE.get(data, p);
                }
            }
            case OFFSET_16 -> {
                for (int i = 0; i < count; i++, p += 2) {
                    out[i] = ((data[p] & 0xff) | ((data[p + 1] & 0xff) << 8)) - 32768;
                }
            }
            case INT24 -> {
                for (int i = 0; i < count; i++, p += 3) {
                    out[i] = (data[p] & 0xff) | ((data[p + 1] & 0xff) << 8) | (data[p + 2] << 16);
                }
            }
            case INT32 -> {
                for (int i = 0; i < count; i++, p += 4) {
                    out[i] = (int) INT_LE.get(data, p);
                }
            }
            case PACKED_212 -> decode212(data, p, count, out);
            case PACKED_310 -> decode310(data, p, count, out);
            case PACKED_311 -> decode311(data, p, count, out);
            default -> throw new IllegalStateException(name());
        }
    }

    private static int byteAt(byte[] data, int i) {
        return i < data.length ? data[i] & 0xff : 0;
    }

    private static void decode212(byte[] data, int p, int count, int[] out) {
        int whole = count & ~1;
        int i = 0;
        for (; i < whole; i += 2, p += 3) {
            int b0 = data[p] & 0xff;
            int b1 = data[p + 1] & 0xff;
            int b2 = data[p + 2] & 0xff;
            out[i] = signExtend(b0 | ((b1 & 0x0f) << 8), 12);
            out[i + 1] = signExtend(b2 | ((b1 & 0xf0) << 4), 12);
        }
        if (i < count) {
            out[i] = signExtend(byteAt(data, p) | ((byteAt(data, p + 1) & 0x0f) << 8), 12);
        }
    }

    private static void decode310(byte[] data, int p, int count, int[] out) {
        for (int i = 0; i < count; i += 3, p += 4) {
            int w0 = byteAt(data, p) | (byteAt(data, p + 1) << 8);
            int w1 = byteAt(data, p + 2) | (byteAt(data, p + 3) << 8);
            out[i] = signExtend((w0 >> 1) & 0x3ff, 10);
            if (i + 1 < count) {
                out[i + 1] = signExtend((w1 >> 1) & 0x3ff, 10);
            }
            if (i + 2 < count) {
                out[i + 2] = signExtend(((w0 >> 11) & 0x1f) | (((w1 >> 11) & 0x1f) << 5), 10);
            }
        }
    }

    private static void decode311(byte[] data, int p, int count, int[] out) {
        for (int i = 0; i < count; i += 3, p += 4) {
            int w = byteAt(data, p) | (byteAt(data, p + 1) << 8) | (byteAt(data, p + 2) << 16)
                    | (byteAt(data, p + 3) << 24);
            out[i] = signExtend(w & 0x3ff, 10);
            if (i + 1 < count) {
                out[i + 1] = signExtend((w >> 10) & 0x3ff, 10);
            }
            if (i + 2 < count) {
                out[i + 2] = signExtend((w >> 20) & 0x3ff, 10);
            }
        }
    }

    private static int signExtend(int value, int bits) {
        int shift = 32 - bits;
        return (value << shift) >> shift;
    }

    /**
     * Encodes {@code count} digital values of the interleaved stream into bytes (format 8 takes
     * the differences, already computed and clamped by the caller).
     *
     * @return the encoded bytes, {@link #bytesFor}{@code (count)} long
     */
    public byte[] encode(int[] values, int count) {
        byte[] out = new byte[(int) bytesFor(count)];
        int p = 0;
        switch (this) {
            case DIFFERENCE_8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (byte) values[i];
                }
            }
            case OFFSET_8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (byte) (values[i] + 128);
                }
            }
            case INT16, OFFSET_16, INT16_BIG_ENDIAN -> {
                for (int i = 0; i < count; i++, p += 2) {
                    int v = this == OFFSET_16 ? values[i] + 32768 : values[i];
                    int lo = this == INT16_BIG_ENDIAN ? p + 1 : p;
                    int hi = this == INT16_BIG_ENDIAN ? p : p + 1;
                    out[lo] = (byte) v;
                    out[hi] = (byte) (v >> 8);
                }
            }
            case INT24 -> {
                for (int i = 0; i < count; i++, p += 3) {
                    out[p] = (byte) values[i];
                    out[p + 1] = (byte) (values[i] >> 8);
                    out[p + 2] = (byte) (values[i] >> 16);
                }
            }
            case INT32 -> {
                for (int i = 0; i < count; i++, p += 4) {
                    out[p] = (byte) values[i];
                    out[p + 1] = (byte) (values[i] >> 8);
                    out[p + 2] = (byte) (values[i] >> 16);
                    out[p + 3] = (byte) (values[i] >> 24);
                }
            }
            case PACKED_212 -> {
                for (int i = 0; i < count; i += 2, p += 3) {
                    int a = values[i] & 0xfff;
                    int b = i + 1 < count ? values[i + 1] & 0xfff : 0;
                    out[p] = (byte) a;
                    out[p + 1] = (byte) ((a >> 8) | ((b >> 8) << 4));
                    if (i + 1 < count) {
                        out[p + 2] = (byte) b;
                    }
                }
            }
            case PACKED_310 -> {
                for (int i = 0; i < count; i += 3, p += 4) {
                    int a = values[i] & 0x3ff;
                    int b = i + 1 < count ? values[i + 1] & 0x3ff : 0;
                    int c = i + 2 < count ? values[i + 2] & 0x3ff : 0;
                    int w0 = (a << 1) | ((c & 0x1f) << 11);
                    int w1 = (b << 1) | ((c >> 5) << 11);
                    putIfRoom(out, p, w0);
                    putIfRoom(out, p + 1, w0 >> 8);
                    putIfRoom(out, p + 2, w1);
                    putIfRoom(out, p + 3, w1 >> 8);
                }
            }
            case PACKED_311 -> {
                for (int i = 0; i < count; i += 3, p += 4) {
                    int a = values[i] & 0x3ff;
                    int b = i + 1 < count ? values[i + 1] & 0x3ff : 0;
                    int c = i + 2 < count ? values[i + 2] & 0x3ff : 0;
                    int w = a | (b << 10) | (c << 20);
                    for (int k = 0; k < 4; k++) {
                        putIfRoom(out, p + k, w >> (8 * k));
                    }
                }
            }
            default -> throw new IllegalStateException(name());
        }
        return out;
    }

    private static void putIfRoom(byte[] out, int i, int value) {
        if (i < out.length) {
            out[i] = (byte) value;
        }
    }
}
