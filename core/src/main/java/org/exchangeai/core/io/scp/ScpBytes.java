package org.exchangeai.core.io.scp;


/** Little-endian field access and the CRC of SCP-ECG records. */
final class ScpBytes {

    private ScpBytes() {
    }

    static int u8(byte[] b, int pos) {
        return b[pos] & 0xff;
    }

    static int u16(byte[] b, int pos) {
        return (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
    }

    static int s16(byte[] b, int pos) {
        return (short) u16(b, pos);
    }

    static long u32(byte[] b, int pos) {
        return (u16(b, pos) | (long) u16(b, pos + 2) << 16) & 0xffffffffL;
    }

    /** CRC-CCITT as EN 1064 specifies it: polynomial 0x1021, initial value 0xFFFF, no reflection. */
    static int crc(byte[] b, int from, int to) {
        int crc = 0xffff;
        for (int i = from; i < to; i++) {
            crc ^= (b[i] & 0xff) << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }
}
