package org.exchangeai.core.io.ishne;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;

/**
 * Writes ISHNE Holter files (layout and CRC as described in {@link IshneReader}). Subject fields
 * are left empty or unknown: the writer never puts patient identity into a file.
 */
public final class IshneWriter {

    /**
     * What one file holds.
     *
     * @param fs           sampling rate in Hz (1 to 32767)
     * @param leads        lead names, 1 to 12, each with an ISHNE lead code ({@code I}, {@code V1}, {@code X}, …)
     * @param resolutionNv amplitude resolution per lead, nV per unit (1 to 65535)
     * @param quality      lead quality codes per lead (0 unknown, 1 good, …), or {@code null} for unknown
     * @param samples      stored values {@code [lead][t]}, all leads of equal length
     * @param recorder     recorder type text (up to 40 bytes), or {@code null}
     * @param start        recording start, or {@code null} when unknown
     */
    public record Recording(int fs, List<String> leads, int[] resolutionNv, int[] quality, short[][] samples,
            String recorder, LocalDateTime start) {

        public Recording {
            leads = List.copyOf(leads);
            if (leads.isEmpty() || leads.size() > IshneReader.MAX_LEADS) {
                throw new IllegalArgumentException("ISHNE holds 1 to 12 leads, got " + leads.size());
            }
            if (fs < 1 || fs > Short.MAX_VALUE) {
                throw new IllegalArgumentException("sampling rate must be 1 to 32767 Hz, got " + fs);
            }
            if (resolutionNv.length != leads.size() || samples.length != leads.size()
                    || (quality != null && quality.length != leads.size())) {
                throw new IllegalArgumentException("one resolution, quality and sample array per lead");
            }
            for (int i = 0; i < leads.size(); i++) {
                if (resolutionNv[i] < 1 || resolutionNv[i] > 0xFFFF) {
                    throw new IllegalArgumentException("resolution of " + leads.get(i) + " must be 1 to 65535 nV, got "
                            + resolutionNv[i]);
                }
                if (samples[i].length != samples[0].length) {
                    throw new IllegalArgumentException("lead " + leads.get(i) + " has " + samples[i].length
                            + " samples, lead " + leads.get(0) + " has " + samples[0].length);
                }
            }
        }

        public int length() {
            return samples[0].length;
        }
    }

    private IshneWriter() {
    }

    /** The ISHNE lead specification code of a lead name. */
    public static int leadCode(String lead) {
        int code = IshneReader.LEAD_CODES.indexOf(LeadNames.normalize(lead));
        if (code < 2) {
            throw new IllegalArgumentException("lead " + lead + " has no ISHNE lead specification code");
        }
        return code;
    }

    /**
     * A recording of {@code ecg}'s stored (not derived) leads, quantised to {@code resolutionNv} nV per unit.
     *
     * @throws IllegalArgumentException when a sample does not fit in 16 bits at that resolution
     */
    public static Recording fromEcg(Ecg ecg, int resolutionNv) {
        List<String> leads = ecg.leads().stream().filter(l -> !ecg.derivedLeads().contains(l)).toList();
        short[][] samples = new short[leads.size()][];
        int[] res = new int[leads.size()];
        double perMv = 1e6 / resolutionNv;
        for (int i = 0; i < leads.size(); i++) {
            float[] mv = ecg.lead(leads.get(i));
            samples[i] = new short[mv.length];
            res[i] = resolutionNv;
            for (int t = 0; t < mv.length; t++) {
                long v = Math.round(mv[t] * perMv);
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                    throw new IllegalArgumentException(leads.get(i) + " sample " + t + " (" + mv[t]
                            + " mV) does not fit 16 bits at " + resolutionNv + " nV per unit");
                }
                samples[i][t] = (short) v;
            }
        }
        if (ecg.fs() != Math.rint(ecg.fs())) {
            throw new IllegalArgumentException("ISHNE stores a whole sampling rate, got " + ecg.fs() + " Hz");
        }
        return new Recording((int) ecg.fs(), leads, res, null, samples, null, null);
    }

    /** The whole file as bytes. */
    public static byte[] encode(Recording r) {
        int leads = r.leads().size();
        long dataBytes = 2L * leads * r.length();
        if (IshneReader.FIXED_HEADER_END + dataBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("recording too long to encode in memory; use write()");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (IshneReader.FIXED_HEADER_END + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header(r));
        for (int t = 0; t < r.length(); t++) {
            for (int i = 0; i < leads; i++) {
                b.putShort(r.samples()[i][t]);
            }
        }
        return b.array();
    }

    /** Writes the file. */
    public static void write(Path file, Recording r) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(header(r));
            int leads = r.leads().size();
            ByteBuffer frame = ByteBuffer.allocate(2 * leads).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < r.length(); t++) {
                frame.clear();
                for (int i = 0; i < leads; i++) {
                    frame.putShort(r.samples()[i][t]);
                }
                out.write(frame.array());
            }
        }
    }

    /** Magic, CRC and the 512-byte fixed header; no variable-length block. */
    static byte[] header(Recording r) {
        ByteBuffer h = ByteBuffer.allocate(IshneReader.FIXED_HEADER_END).order(ByteOrder.LITTLE_ENDIAN);
        h.put(IshneReader.MAGIC);
        h.putInt(IshneReader.VAR_BLOCK_SIZE, 0);
        h.putInt(IshneReader.SAMPLES_PER_LEAD, r.length());
        h.putInt(IshneReader.VAR_BLOCK_OFFSET, IshneReader.FIXED_HEADER_END);
        h.putInt(IshneReader.ECG_BLOCK_OFFSET, IshneReader.FIXED_HEADER_END);
        h.putShort(IshneReader.FILE_VERSION, (short) 1);
        // subject names and ID stay empty (zero bytes); sex, race unknown (0); birth date unknown
        for (int k = 0; k < 3; k++) {
            h.putShort(132 + 2 * k, (short) IshneReader.ABSENT);
        }
        LocalDate today = LocalDate.now();
        if (r.start() != null) {
            putTriple(h, IshneReader.RECORDING_DATE, r.start().getDayOfMonth(), r.start().getMonthValue(), r.start().getYear());
            putTriple(h, IshneReader.START_TIME, r.start().getHour(), r.start().getMinute(), r.start().getSecond());
        } else {
            putTriple(h, IshneReader.RECORDING_DATE, IshneReader.ABSENT, IshneReader.ABSENT, IshneReader.ABSENT);
            putTriple(h, IshneReader.START_TIME, IshneReader.ABSENT, IshneReader.ABSENT, IshneReader.ABSENT);
        }
        putTriple(h, 144, today.getDayOfMonth(), today.getMonthValue(), today.getYear());
        int leads = r.leads().size();
        h.putShort(IshneReader.NUMBER_OF_LEADS, (short) leads);
        for (int i = 0; i < IshneReader.MAX_LEADS; i++) {
            boolean stored = i < leads;
            h.putShort(IshneReader.LEAD_SPECIFICATION + 2 * i, (short) (stored ? leadCode(r.leads().get(i)) : IshneReader.ABSENT));
            h.putShort(IshneReader.LEAD_QUALITY + 2 * i,
                    (short) (stored ? (r.quality() == null ? 0 : r.quality()[i]) : IshneReader.ABSENT));
            h.putShort(IshneReader.AMPLITUDE_RESOLUTION + 2 * i, (short) (stored ? r.resolutionNv()[i] : IshneReader.ABSENT));
        }
        h.putShort(IshneReader.PACEMAKER, (short) IshneReader.ABSENT);
        if (r.recorder() != null) {
            byte[] text = r.recorder().getBytes(StandardCharsets.ISO_8859_1);
            h.put(IshneReader.RECORDER_TYPE, text, 0, Math.min(40, text.length));
        }
        h.putShort(IshneReader.SAMPLING_RATE, (short) r.fs());
        byte[] bytes = h.array();
        int crc = IshneReader.crc(bytes, IshneReader.HEADER_START, bytes.length);
        bytes[IshneReader.CRC] = (byte) crc;
        bytes[IshneReader.CRC + 1] = (byte) (crc >>> 8);
        return bytes;
    }

    private static void putTriple(ByteBuffer h, int offset, int a, int b, int c) {
        h.putShort(offset, (short) a);
        h.putShort(offset + 2, (short) b);
        h.putShort(offset + 4, (short) c);
    }
}
