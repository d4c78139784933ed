package org.exchangeai.core.io.ishne;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;

/**
 * ISHNE Holter standard output files ({@code .ecg}; Badilini et al., "The ISHNE Holter Standard
 * Output File Format", Ann Noninvasive Electrocardiol 1998;3:263–266).
 *
 * <p>Layout (little endian): magic {@code ISHNE1.0} (8 bytes), CRC (2), a fixed header of 512 bytes
 * from byte 10, a variable-length block at byte 522, then int16 samples interleaved by lead. The CRC
 * is CRC-16/CCITT (polynomial 0x1021, start 0xFFFF, no reflection, no final XOR) over the fixed header
 * and the variable-length block, i.e. bytes 10 up to the ECG block. Each lead has a lead
 * specification code, a quality code and an amplitude resolution in nV per unit.
 *
 * <p>The header's subject fields (names, ID, sex, race, birth date) and the free-text
 * variable-length block are never read into the recording.
 */
public final class IshneReader implements EcgFormat {

    static final byte[] MAGIC = "ISHNE1.0".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_START = 10;
    static final int FIXED_HEADER_END = 522;
    static final int MAX_LEADS = 12;

    // byte offsets in the file
    static final int CRC = 8;
    static final int VAR_BLOCK_SIZE = 10;
    static final int SAMPLES_PER_LEAD = 14;
    static final int VAR_BLOCK_OFFSET = 18;
    static final int ECG_BLOCK_OFFSET = 22;
    static final int FILE_VERSION = 26;
    static final int RECORDING_DATE = 138;
    static final int START_TIME = 150;
    static final int NUMBER_OF_LEADS = 156;
    static final int LEAD_SPECIFICATION = 158;
    static final int LEAD_QUALITY = 182;
    static final int AMPLITUDE_RESOLUTION = 206;
    static final int PACEMAKER = 230;
    static final int RECORDER_TYPE = 232;
    static final int SAMPLING_RATE = 272;

    /** Lead specification codes (Table 1 of the standard); index = code. */
    static final List<String> LEAD_CODES = List.of("unknown", "bipolar", "X", "Y", "Z", "I", "II", "III", "aVR",
            "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6", "ES", "AS", "AI");
    /** Lead quality codes (Table 2 of the standard); index = code. */
    static final List<String> QUALITY_CODES = List.of("unknown", "good", "intermittent noise", "frequent noise",
            "intermittent disconnect", "frequent disconnect");
    /** Pacemaker codes; index = code. */
    static final List<String> PACEMAKER_CODES = List.of("none", "unknown type", "single chamber unipolar",
            "dual chamber unipolar", "single chamber bipolar", "dual chamber bipolar");
    /** The code the standard uses for an absent or unknown value. */
    static final int ABSENT = -9;

    @Override
    public String name() {
        return "ISHNE";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        if (head.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The ISHNE annotation file beside the recording ({@code name.ann}), so that a folder scan does not
     * report it as an unreadable recording; its beat labels are not read (a warning says so).
     */
    @Override
    public List<Path> companions(Path file) {
        Path ann = annotationFile(file);
        return ann == null ? List.of() : List.of(ann);
    }

    private static Path annotationFile(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        for (String ext : List.of(".ann", ".ANN")) {
            Path candidate = file.resolveSibling(base + ext);
            if (!candidate.equals(file) && Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** CRC-16/CCITT as the standard uses it: polynomial 0x1021, initial value 0xFFFF, MSB first, no final XOR. */
    static int crc(byte[] data, int from, int to) {
        int crc = 0xFFFF;
        for (int i = from; i < to; i++) {
            crc ^= (data[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc;
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < FIXED_HEADER_END) {
                throw new EcgReadException(name, "truncated: " + size + " bytes, an ISHNE header alone needs "
                        + FIXED_HEADER_END);
            }
            ByteBuffer fixed = readFully(ch, 0, FIXED_HEADER_END);
            if (!detect(file, fixed.array())) {
                throw new EcgReadException(name, "not an ISHNE file: no 'ISHNE1.0' magic");
            }
            long varSize = fixed.getInt(VAR_BLOCK_SIZE);
            long varOffset = fixed.getInt(VAR_BLOCK_OFFSET);
            long ecgOffset = fixed.getInt(ECG_BLOCK_OFFSET);
            if (varSize < 0) {
                throw new EcgReadException(name, "damaged header: negative variable-length block size " + varSize);
            }
            if (varSize > size - FIXED_HEADER_END) {
                throw new EcgReadException(name, "truncated or damaged header: it declares a variable-length block of "
                        + varSize + " bytes, but only " + (size - FIXED_HEADER_END) + " bytes follow the fixed header");
            }
            // the CRC comes before the other checks, so that a damaged header byte is reported as such
            byte[] header = new byte[(int) (FIXED_HEADER_END + varSize)];
            System.arraycopy(fixed.array(), 0, header, 0, FIXED_HEADER_END);
            if (varSize > 0) {
                readFully(ch, FIXED_HEADER_END, (int) varSize).get(header, FIXED_HEADER_END, (int) varSize);
            }
            int stored = fixed.getShort(CRC) & 0xFFFF;
            int computed = crc(header, HEADER_START, header.length);
            if (stored != computed) {
                throw new EcgReadException(name, String.format("ISHNE header CRC mismatch: stored 0x%04X, computed 0x%04X "
                        + "(header damaged)", stored, computed));
            }
            if (varOffset != FIXED_HEADER_END) {
                throw new EcgReadException(name, "variable-length block offset is " + varOffset + "; the standard fixes it at "
                        + FIXED_HEADER_END);
            }
            if (ecgOffset != FIXED_HEADER_END + varSize) {
                throw new EcgReadException(name, "ECG block offset " + ecgOffset + " does not follow the header ("
                        + FIXED_HEADER_END + " + variable-length block of " + varSize + " bytes)");
            }
            return decode(name, ch, fixed, ecgOffset, size);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    private Ecg decode(String name, FileChannel ch, ByteBuffer h, long ecgOffset, long size)
            throws EcgReadException, IOException {
        int leads = h.getShort(NUMBER_OF_LEADS);
        if (leads < 1 || leads > MAX_LEADS) {
            throw new EcgReadException(name, "number of leads is " + leads + "; ISHNE holds 1 to " + MAX_LEADS);
        }
        int fs = h.getShort(SAMPLING_RATE);
        if (fs < 1) {
            throw new EcgReadException(name, "sampling rate is " + fs + " Hz");
        }
        List<String> warnings = new ArrayList<>();
        String[] names = new String[leads];
        int[] resolution = new int[leads];
        Set<String> seen = new HashSet<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < leads; i++) {
            int code = h.getShort(LEAD_SPECIFICATION + 2 * i);
            if (code == ABSENT) {
                throw new EcgReadException(name, "lead " + (i + 1) + " of " + leads + " is marked absent (-9) in the lead specification");
            }
            if (code < 0 || code >= LEAD_CODES.size()) {
                throw new EcgReadException(name, "lead " + (i + 1) + " has unknown lead specification code " + code
                        + " (the standard defines 0 to " + (LEAD_CODES.size() - 1) + ")");
            }
            String lead = LEAD_CODES.get(code);
            if (code <= 1) {
                // unknown and generic bipolar leads may repeat; their position tells them apart
                lead = lead + " " + (i + 1);
            } else if (!seen.add(lead)) {
                throw new EcgReadException(name, "lead " + lead + " (code " + code + ") appears twice in the lead specification");
            }
            names[i] = lead;
            resolution[i] = h.getShort(AMPLITUDE_RESOLUTION + 2 * i) & 0xFFFF;
            if (resolution[i] == 0) {
                throw new EcgReadException(name, "lead " + lead + " has an amplitude resolution of 0 nV");
            }
            int quality = h.getShort(LEAD_QUALITY + 2 * i);
            if (quality >= 0 && quality < QUALITY_CODES.size()) {
                properties.put("quality." + lead, QUALITY_CODES.get(quality));
                if (quality >= 2) {
                    warnings.add("the recorder marked lead " + lead + " as '" + QUALITY_CODES.get(quality) + "'");
                }
            } else if (quality != ABSENT) {
                warnings.add("lead " + lead + " has unknown quality code " + quality);
            }
        }
        long declared = h.getInt(SAMPLES_PER_LEAD);
        long dataBytes = size - ecgOffset;
        long samples;
        if (declared <= 0) {
            throw new EcgReadException(name, "the header declares " + declared + " samples");
        }
        if (declared * leads * 2 == dataBytes) {
            samples = declared;
        } else if (declared * 2 == dataBytes && declared % leads == 0) {
            // some writers count the samples of all leads together
            samples = declared / leads;
            warnings.add("the header counts " + declared + " samples over all " + leads + " leads, not per lead");
        } else if (dataBytes < declared * leads * 2) {
            throw new EcgReadException(name, "truncated: the header declares " + declared + " samples per lead ("
                    + declared * leads * 2 + " bytes for " + leads + " leads) but " + dataBytes + " bytes follow the header");
        } else {
            throw new EcgReadException(name, "size mismatch: the header declares " + declared + " samples per lead ("
                    + declared * leads * 2 + " bytes for " + leads + " leads) but " + dataBytes + " bytes follow the header");
        }
        if (samples > Integer.MAX_VALUE - 8) {
            throw new EcgReadException(name, samples + " samples per lead are more than one array can hold");
        }
        int n = (int) samples;
        float[][] mv = new float[leads][n];
        double[] scale = new double[leads];
        for (int i = 0; i < leads; i++) {
            scale[i] = resolution[i] * 1e-6;
        }
        int frame = 2 * leads;
        int framesPerChunk = Math.max(1, (1 << 20) / frame);
        ByteBuffer buf = ByteBuffer.allocate(framesPerChunk * frame).order(ByteOrder.LITTLE_ENDIAN);
        long pos = ecgOffset;
        for (int t = 0; t < n; ) {
            int frames = Math.min(framesPerChunk, n - t);
            buf.clear().limit(frames * frame);
            readInto(ch, pos, buf);
            pos += (long) frames * frame;
            buf.flip();
            for (int f = 0; f < frames; f++, t++) {
                for (int i = 0; i < leads; i++) {
                    mv[i][t] = (float) (buf.getShort() * scale[i]);
                }
            }
        }
        Ecg.Builder b = Ecg.builder(fs);
        for (int i = 0; i < leads; i++) {
            b.lead(names[i], mv[i]);
        }
        warnings.forEach(b::warning);
        Path ann = annotationFile(Path.of(name));
        if (ann != null) {
            b.warning("the annotation file " + ann.getFileName() + " beside it is not read");
        }
        int version = h.getShort(FILE_VERSION);
        properties.put("fileVersion", String.valueOf(version));
        int pacemaker = h.getShort(PACEMAKER);
        if (pacemaker >= 0 && pacemaker < PACEMAKER_CODES.size()) {
            properties.put("pacemaker", PACEMAKER_CODES.get(pacemaker));
        }
        properties.put("variableBlockBytes", String.valueOf(ecgOffset - FIXED_HEADER_END));
        Ecg ecg;
        try {
            ecg = b.build();
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        double[] gains = new double[ecg.leadCount()];
        double[] baselines = new double[ecg.leadCount()];
        java.util.Arrays.fill(gains, Double.NaN);
        java.util.Arrays.fill(baselines, Double.NaN);
        for (int i = 0; i < leads; i++) {
            int k = ecg.indexOf(names[i]);
            gains[k] = 1.0 / resolution[i];
            baselines[k] = 0;
        }
        List<String> notes = List.of(leads + " leads × " + n + " samples at " + fs + " Hz, int16 interleaved");
        SourceInfo source = new SourceInfo(name, name(), "nV", gains, baselines, fs, notes, text(h, RECORDER_TYPE, 40),
                startTime(h), properties);
        return ecg.toBuilder().source(source).build();
    }

    private static String text(ByteBuffer h, int offset, int length) {
        byte[] b = new byte[length];
        h.get(offset, b);
        int end = 0;
        while (end < length && b[end] != 0) {
            end++;
        }
        String s = new String(b, 0, end, StandardCharsets.ISO_8859_1).trim();
        return s.isEmpty() ? null : s;
    }

    /** Recording date (day, month, year) and start time (hour, minute, second) as ISO 8601, or null. */
    private static String startTime(ByteBuffer h) {
        int day = h.getShort(RECORDING_DATE);
        int month = h.getShort(RECORDING_DATE + 2);
        int year = h.getShort(RECORDING_DATE + 4);
        int hour = h.getShort(START_TIME);
        int minute = h.getShort(START_TIME + 2);
        int second = h.getShort(START_TIME + 4);
        try {
            LocalDate date = LocalDate.of(year, month, day);
            try {
                return LocalDateTime.of(date, java.time.LocalTime.of(hour, minute, second)).toString();
            } catch (DateTimeException e) {
                return date.toString();
            }
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readInto(ch, position, buf);
        buf.flip();
        return buf;
    }

    private static void readInto(FileChannel ch, long position, ByteBuffer buf) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new IOException("file ended early at byte " + p);
            }
            p += r;
        }
    }
}
