package org.exchangeai.core.io.scp;

import java.util.ArrayList;
import java.util.List;

/**
 * SCP-ECG Huffman tables (section 2) and the decoding of one lead's bit stream.
 *
 * <p>A table is a list of code structures: prefix bits, bits of the entire code, table mode switch
 * (1 = this code stands for a value, 0 = switch to the table numbered by the base value, counting
 * from 1; every lead starts in table 1), base value
 * and base code. Per EN 1064 the base code is stored with its first bit in the least significant
 * position; codes are read from the data most significant bit first. When the entire code is longer
 * than the prefix, the remaining bits hold the value itself as a two's-complement number. The
 * standard's default table (used when section 2 states 19999 tables) codes 0 as {@code 0}, ±v for
 * v = 1…8 as v ones, a zero and a sign bit, and 8- and 16-bit literal values behind the 10-bit
 * prefixes {@code 1111111110} and {@code 1111111111}.
 */
final class ScpHuffman {

    /** Section 2's number of tables that means "use the default table". */
    static final int DEFAULT_TABLE_MARKER = 19999;

    /** One code structure of a table. */
    record Code(int prefixBits, int totalBits, boolean switchesTable, int baseValue, long baseCode) {
    }

    private final List<Code[]> tables;
    /** Per table: a binary trie over the prefix bits; node {@code 2n} / {@code 2n+1} = child for bit 0 / 1. */
    private final int[][] tries;

    private ScpHuffman(List<Code[]> tables) {
        this.tables = List.copyOf(tables);
        this.tries = new int[tables.size()][];
        for (int t = 0; t < tables.size(); t++) {
            tries[t] = buildTrie(tables.get(t), t + 1);
        }
    }

    /** The default table of the standard. */
    static ScpHuffman defaultTable() {
        List<Code> codes = new ArrayList<>();
        codes.add(new Code(1, 1, false, 0, 0));
        for (int v = 1; v <= 8; v++) {
            codes.add(code(v, 0, v));
            codes.add(code(v, 1, -v));
        }
        codes.add(new Code(10, 18, false, 0, reverse(0b1111111110L, 10)));
        codes.add(new Code(10, 26, false, 0, reverse(0b1111111111L, 10)));
        List<Code[]> one = new ArrayList<>();
        one.add(codes.toArray(new Code[0]));
        return new ScpHuffman(one);
    }

    /** {@code ones} 1-bits, a 0, then the sign bit: 1…0s, {@code ones + 2} bits in all. */
    private static Code code(int ones, int sign, int value) {
        int bits = ones + 2;
        long msbFirst = (((1L << ones) - 1) << 2) | sign;
        return new Code(bits, bits, false, value, reverse(msbFirst, bits));
    }

    static ScpHuffman of(List<Code[]> tables) {
        return new ScpHuffman(tables);
    }

    int tableCount() {
        return tables.size();
    }

    List<Code[]> tables() {
        return tables;
    }

    /**
     * Parses section 2's data (after the 16-byte section header).
     *
     * @throws IllegalArgumentException with a reason when the section is malformed
     */
    static ScpHuffman parse(byte[] b, int from, int to) {
        if (to - from < 2) {
            throw new IllegalArgumentException("section 2 is too short to hold the number of Huffman tables");
        }
        int count = ScpBytes.u16(b, from);
        if (count == DEFAULT_TABLE_MARKER) {
            return defaultTable();
        }
        if (count == 0) {
            throw new IllegalArgumentException("section 2 declares no Huffman table");
        }
        int pos = from + 2;
        if ((long) count * 2 > to - pos) {
            throw new IllegalArgumentException("section 2 declares " + count + " Huffman tables, more than its "
                    + (to - from) + " bytes can hold");
        }
        List<Code[]> tables = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            if (to - pos < 2) {
                throw new IllegalArgumentException("section 2 ends inside Huffman table " + (t + 1));
            }
            int n = ScpBytes.u16(b, pos);
            pos += 2;
            if (n == 0 || (long) n * 9 > to - pos) {
                throw new IllegalArgumentException("Huffman table " + (t + 1) + " declares " + n
                        + " code structures; " + (to - pos) + " bytes remain in section 2");
            }
            Code[] codes = new Code[n];
            for (int i = 0; i < n; i++) {
                int prefix = b[pos] & 0xff;
                int total = b[pos + 1] & 0xff;
                int mode = b[pos + 2] & 0xff;
                int base = ScpBytes.s16(b, pos + 3);
                long baseCode = ScpBytes.u32(b, pos + 5);
                pos += 9;
                if (prefix < 1 || prefix > 32) {
                    throw new IllegalArgumentException("Huffman table " + (t + 1) + " code " + (i + 1)
                            + " has " + prefix + " prefix bits (1..32 allowed)");
                }
                boolean switching = mode == 0;
                if (!switching && (total < prefix || total - prefix > 32)) {
                    throw new IllegalArgumentException("Huffman table " + (t + 1) + " code " + (i + 1)
                            + " has " + total + " code bits for " + prefix + " prefix bits");
                }
                codes[i] = new Code(prefix, switching ? prefix : total, switching, base, baseCode);
            }
            tables.add(codes);
        }
        for (int t = 0; t < tables.size(); t++) {
            for (Code c : tables.get(t)) {
                if (c.switchesTable() && (c.baseValue() < 1 || c.baseValue() > tables.size())) {
                    throw new IllegalArgumentException("Huffman table " + (t + 1) + " switches to table "
                            + c.baseValue() + ", but section 2 holds " + tables.size());
                }
            }
        }
        return new ScpHuffman(tables);
    }

    private static int[] buildTrie(Code[] codes, int tableNumber) {
        int maxNodes = 1;
        for (Code c : codes) {
            maxNodes += c.prefixBits();
        }
        // children[2*node + bit]: >0 inner node index, <0 -(code index + 1), 0 absent
        int[] children = new int[2 * maxNodes];
        int nodes = 1;
        for (int i = 0; i < codes.length; i++) {
            Code c = codes[i];
            int node = 0;
            for (int k = 0; k < c.prefixBits(); k++) {
                int bit = (int) ((c.baseCode() >>> k) & 1);
                int slot = 2 * node + bit;
                boolean last = k == c.prefixBits() - 1;
                if (last) {
                    if (children[slot] != 0) {
                        throw new IllegalArgumentException("Huffman table " + tableNumber + " code " + (i + 1)
                                + " is not prefix-free");
                    }
                    children[slot] = -(i + 1);
                } else {
                    if (children[slot] < 0) {
                        throw new IllegalArgumentException("Huffman table " + tableNumber + " code " + (i + 1)
                                + " is not prefix-free");
                    }
                    if (children[slot] == 0) {
                        children[slot] = nodes++;
                    }
                    node = children[slot];
                }
            }
        }
        return children;
    }

    /**
     * Decodes {@code count} values (before undoing differences) from {@code b[from, to)}, starting
     * with table 1. Every step consumes at least one bit, so the work is bounded by the bytes given.
     *
     * @throws IllegalArgumentException when the bits run out or hold a code that is not in the table
     */
    int[] decode(byte[] b, int from, int to, int count) {
        int[] out = new int[count];
        long bitPos = (long) from * 8;
        long bitEnd = (long) to * 8;
        int table = 0;
        int n = 0;
        while (n < count) {
            int[] trie = tries[table];
            int node = 0;
            int codeIndex;
            while (true) {
                if (bitPos >= bitEnd) {
                    throw new IllegalArgumentException("Huffman data ends after " + n + " of " + count + " samples");
                }
                int bit = bit(b, bitPos++);
                int next = trie[2 * node + bit];
                if (next == 0) {
                    throw new IllegalArgumentException("bit pattern at byte " + (bitPos / 8 - from)
                            + " is not a code of Huffman table " + (table + 1));
                }
                if (next < 0) {
                    codeIndex = -next - 1;
                    break;
                }
                node = next;
            }
            Code c = tables.get(table)[codeIndex];
            if (c.switchesTable()) {
                table = c.baseValue() - 1;
                continue;
            }
            int extra = c.totalBits() - c.prefixBits();
            if (extra == 0) {
                out[n++] = c.baseValue();
            } else {
                if (bitEnd - bitPos < extra) {
                    throw new IllegalArgumentException("Huffman data ends inside a " + extra
                            + "-bit literal after " + n + " of " + count + " samples");
                }
                long v = 0;
                for (int k = 0; k < extra; k++) {
                    v = (v << 1) | bit(b, bitPos++);
                }
                if (extra < 64 && (v & (1L << (extra - 1))) != 0) {
                    v -= 1L << extra;
                }
                out[n++] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
            }
        }
        return out;
    }

    private static int bit(byte[] b, long pos) {
        return (b[(int) (pos >>> 3)] >>> (7 - (int) (pos & 7))) & 1;
    }

    /** The lowest {@code bits} bits of {@code v} in reverse order. */
    static long reverse(long v, int bits) {
        long r = 0;
        for (int i = 0; i < bits; i++) {
            r = (r << 1) | ((v >>> i) & 1);
        }
        return r;
    }
}
