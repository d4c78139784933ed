package org.exchangeai.core.io.vendorxml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.exchangeai.core.io.EcgReadException;

/**
 * The XLI waveform compression of Philips SierraECG / PhilipsECG XML, decoded from its
 * description in public decoders (e.g. the sierra-ecg-tools project):
 *
 * <ol>
 *   <li>the decoded Base64 is a sequence of chunks, one per channel: an 8-byte little-endian
 *       header (int32 compressed size, int16 unused, int16 start value) and the compressed bytes;</li>
 *   <li>the compressed bytes are LZW with fixed 10-bit codes read most-significant bit first,
 *       a dictionary of the 256 single bytes growing up to code 1022, code 1023 ending the data;</li>
 *   <li>the n output bytes hold n/2 16-bit values, high bytes in the first half and low bytes
 *       in the second;</li>
 *   <li>the values are second differences: value[i] = 2·value[i−1] − value[i−2] − r, where r is
 *       the start value for i = 2 and the stored value at i−1 minus 64 after that; the first two
 *       values are taken as they are.</li>
 * </ol>
 *
 * Every inconsistency (a chunk running past the data, a code beyond the dictionary, more or
 * fewer bytes than the declared sample count, values beyond 16 bits) is an {@link EcgReadException}.
 */
final class PhilipsXli {

    private static final int CODE_BITS = 10;
    private static final int MAX_CODE = (1 << CODE_BITS) - 2;

    private PhilipsXli() {
    }

    /**
     * Decodes the first {@code channels} chunks, each to exactly {@code samples} values.
     *
     * @return {@code [channel][sample]} in device units
     */
    static int[][] decode(String file, byte[] data, int channels, int samples) throws EcgReadException {
        int[][] out = new int[channels][];
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int offset = 0;
        for (int ch = 0; ch < channels; ch++) {
            String where = "XLI chunk " + (ch + 1);
            if (offset + 8 > data.length) {
                throw new EcgReadException(file, where + " is missing: the waveform data ends after "
                        + ch + " of " + channels + " channels");
            }
            int size = buf.getInt(offset);
            int start = buf.getShort(offset + 6);
            offset += 8;
            if (size <= 0 || size > data.length - offset) {
                throw new EcgReadException(file, where + " declares " + size + " compressed bytes but "
                        + (data.length - offset) + " remain");
            }
            byte[] bytes = lzw(file, where, data, offset, size, 2 * samples);
            offset += size;
            out[ch] = secondDifferences(file, where, unpack(bytes, samples), start);
        }
        return out;
    }

    /** LZW with 10-bit codes; refuses output beyond {@code expected} (+1 pad byte) bytes. */
    static byte[] lzw(String file, String where, byte[] data, int from, int length, int expected)
            throws EcgReadException {
        byte[][] dict = new byte[MAX_CODE + 1][];
        for (int i = 0; i < 256; i++) {
            dict[i] = new byte[] {(byte) i};
        }
        int next = 256;
        // grown on demand: the declared sample count alone never decides an allocation
        byte[] out = new byte[Math.min(expected + 1, Math.max(1024, 4 * length))];
        int n = 0;
        byte[] previous = null;
        long bits = 0;
        int bitCount = 0;
        int pos = from;
        int end = from + length;
        while (true) {
            while (bitCount < CODE_BITS && pos < end) {
                bits = (bits << 8) | (data[pos++] & 0xff);
                bitCount += 8;
            }
            if (bitCount < CODE_BITS) {
                break;
            }
            int code = (int) ((bits >>> (bitCount - CODE_BITS)) & ((1 << CODE_BITS) - 1));
            bitCount -= CODE_BITS;
            if (code > MAX_CODE) {
                break;
            }
            byte[] entry;
            if (code < next) {
                entry = dict[code];
            } else if (code == next && previous != null) {
                entry = new byte[previous.length + 1];
                System.arraycopy(previous, 0, entry, 0, previous.length);
                entry[previous.length] = previous[0];
            } else {
                throw new EcgReadException(file, where + ": LZW code " + code + " refers past the dictionary ("
                        + next + " entries) at byte " + (pos - from) + " of " + length);
            }
            if (previous != null && next <= MAX_CODE) {
                byte[] added = new byte[previous.length + 1];
                System.arraycopy(previous, 0, added, 0, previous.length);
                added[previous.length] = entry[0];
                dict[next++] = added;
            }
            if (n + entry.length > expected + 1) {
                throw new EcgReadException(file, where + " decompresses to more than the " + expected
                        + " bytes its " + expected / 2 + " samples need");
            }
            if (n + entry.length > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(expected + 1L, Math.max(2L * out.length, n + entry.length)));
            }
            System.arraycopy(entry, 0, out, n, entry.length);
            n += entry.length;
            previous = entry;
        }
        if (n != expected && n != expected + 1) {
            throw new EcgReadException(file, where + " decompresses to " + n + " bytes, but its "
                    + expected / 2 + " samples need " + expected);
        }
        return out;
    }

    /** High bytes in the first half, low bytes in the second. */
    private static int[] unpack(byte[] bytes, int samples) {
        int[] v = new int[samples];
        for (int i = 0; i < samples; i++) {
            v[i] = (short) (((bytes[i] & 0xff) << 8) | (bytes[samples + i] & 0xff));
        }
        return v;
    }

    private static int[] secondDifferences(String file, String where, int[] stored, int start) throws EcgReadException {
        int n = stored.length;
        int[] out = new int[n];
        if (n > 0) {
            out[0] = stored[0];
        }
        if (n > 1) {
            out[1] = stored[1];
        }
        int residual = start;
        for (int i = 2; i < n; i++) {
            int value = 2 * out[i - 1] - out[i - 2] - residual;
            if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
                throw new EcgReadException(file, where + ": sample " + i + " decodes to " + value
                        + ", beyond the 16-bit range (corrupt data)");
            }
            out[i] = value;
            residual = stored[i] - 64;
        }
        return out;
    }
}
