package org.exchangeai.core.io.scp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;

/**
 * SCP-ECG (EN 1064 / ISO 11073-91064, protocol versions 1.x to 3.0).
 *
 * <p>A record is a 2-byte CRC, a 4-byte record size and sections, each with a 16-byte header (CRC,
 * id, length, section version, protocol version); section 0 points to the others by id, length and
 * 1-based byte index. The CRC of the record and of every standard section (0–11) is checked. Read:
 * section 1 (acquisition date/time, device, filters — never patient identity), 2 (Huffman tables),
 * 3 (lead definitions), 4 (QRS locations, subtraction and protected zones), 5 (reference beat),
 * 6 (rhythm data), 7 (global measurements), 8 and 11 (interpretive statements). Rhythm samples are
 * rebuilt as the standard describes: Huffman decoding (raw 16-bit values when section 2 is absent),
 * undoing first or second differences, restoring bimodally decimated stretches, adding the reference
 * beat back in the subtraction zones when section 3 flags reference-beat subtraction (after smoothing
 * a residual stored coarser than the beat, as the WFDB package's {@code parsescp} does), and scaling
 * by the amplitude value multipliers (nV per unit).
 */
public final class ScpEcgReader implements EcgFormat {

    public static final String NAME = "SCP-ECG";

    /** SCP files are small (compressed 12-lead rest ECGs); anything larger is refused before reading. */
    static final long MAX_FILE_BYTES = 64L << 20;
    /** Samples over all leads that one recording may decode to (200 MB of floats). */
    static final long MAX_TOTAL_SAMPLES = 50_000_000L;
    /** Bimodal decimation factors in use are 2 to 4; far larger ones would let tiny files expand hugely. */
    static final int MAX_DECIMATION = 16;
    private static final int HEADER = 16;
    private static final byte[] MAGIC = "SCPECG".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Section 0 directly after the 6-byte record header, with its own pointer (id 0 at byte 7) first,
     * and either the {@code SCPECG} mark of versions 2 and 3, a matching record CRC, or a {@code .scp} name.
     */
    @Override
    public boolean detect(Path file, byte[] head) {
        if (head.length < 32) {
            return false;
        }
        long sectionLength = ScpBytes.u32(head, 10);
        boolean layout = ScpBytes.u16(head, 8) == 0 && sectionLength >= 26 && sectionLength < 10_000
                && ScpBytes.u16(head, 22) == 0 && ScpBytes.u32(head, 24) == sectionLength
                && ScpBytes.u32(head, 28) == 7;
        if (!layout) {
            return false;
        }
        boolean magic = true;
        for (int i = 0; i < MAGIC.length; i++) {
            magic &= head[16 + i] == MAGIC[i];
        }
        if (magic || file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".scp")) {
            return true;
        }
        try {
            long size = Files.size(file);
            if (size != ScpBytes.u32(head, 2) || size > MAX_FILE_BYTES) {
                return false;
            }
            byte[] all = size <= head.length ? head : Files.readAllBytes(file);
            return ScpBytes.crc(all, 2, (int) size) == ScpBytes.u16(all, 0);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new EcgReadException(name, "file of " + size + " bytes is larger than the " + MAX_FILE_BYTES
                        + " bytes an SCP-ECG record can reasonably be");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        try {
            return decode(name, bytes);
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage(), e);
        }
    }

    /** One section found through section 0: where its data (after the 16-byte header) lies. */
    record Section(int id, int offset, int length, int version, int protocol) {
        int dataFrom() {
            return offset + HEADER;
        }

        int dataTo() {
            return offset + length;
        }

        int dataLength() {
            return length - HEADER;
        }
    }

    /** A lead of section 3: 1-based first and last sample and the lead code. */
    record LeadDef(long first, long last, int code) {
        long samples() {
            return last - first + 1;
        }
    }

    /** Section 5 or 6: amplitude multiplier (nV), sample interval (µs), difference order, flag, per-lead data. */
    record Encoded(int avmNv, int intervalUs, int differences, int flag, int[] from, int[] to) {
    }

    private Ecg decode(String name, byte[] b) {
        List<String> warnings = new ArrayList<>();
        Map<Integer, Section> sections = sections(b, warnings);
        Section s3 = require(sections, 3, "lead definitions");
        Section s6 = require(sections, 6, "rhythm data");

        int protocol = sections.get(0).protocol();
        ScpHuffman huffman = sections.containsKey(2) ? parseHuffman(sections.get(2), b) : null;

        LeadTable table = leadTable(b, s3, warnings);
        LeadDef[] leads = table.leads();
        List<String> names = table.names();
        int leadCount = leads.length;
        int flags = table.flags();
        boolean referenceBeatSubtracted = (flags & 1) != 0;
        long declared = leads[0].samples();
        QrsLocations locations = sections.containsKey(4)
                ? qrsLocations(b, sections.get(4), protocol) : QrsLocations.NONE;
        Section s4 = sections.get(4);
        int beatLengthMs = locations.beatLengthMs();
        int beatFiducial = locations.beatFiducial();
        List<ScpSignal.Qrs> qrs = locations.qrs();

        // section 6: rhythm
        Encoded rhythm = encoded(b, s6, leadCount, names);
        if (rhythm.flag() > 1) {
            throw new IllegalArgumentException("section 6 has an unknown bimodal compression flag " + rhythm.flag());
        }
        Section s5 = sections.get(5);
        Encoded beat = s5 == null ? null : encoded(b, s5, leadCount, names);
        boolean bimodal = rhythm.flag() == 1;
        int factor = 1;
        if (bimodal) {
            if (beat == null) {
                throw new IllegalArgumentException("section 6 flags bimodal compression, but section 5 (which gives "
                        + "the full-rate sample interval) is missing");
            }
            if (s4 == null) {
                throw new IllegalArgumentException("section 6 flags bimodal compression, but section 4 (the "
                        + "protected zones) is missing");
            }
            if (rhythm.intervalUs() % beat.intervalUs() != 0) {
                throw new IllegalArgumentException("bimodal compression needs the rhythm sample interval ("
                        + rhythm.intervalUs() + " µs) to be a multiple of the reference beat's ("
                        + beat.intervalUs() + " µs)");
            }
            factor = rhythm.intervalUs() / beat.intervalUs();
            if (factor > MAX_DECIMATION) {
                throw new IllegalArgumentException("bimodal decimation factor " + factor + " (rhythm "
                        + rhythm.intervalUs() + " µs, reference beat " + beat.intervalUs() + " µs) exceeds "
                        + MAX_DECIMATION);
            }
        }
        int outIntervalUs = bimodal ? beat.intervalUs() : rhythm.intervalUs();
        List<ScpSignal.Segment> segments = bimodal
                ? ScpSignal.segments(leads[0].first(), leads[0].last(), qrs)
                : List.of(new ScpSignal.Segment(leads[0].first(), leads[0].last(), true));
        long wanted = bimodal ? ScpSignal.storedCount(segments, factor) : declared;

        long[][] residual = new long[leadCount][];
        int stored = Integer.MAX_VALUE;
        for (int i = 0; i < leadCount; i++) {
            residual[i] = decodeLead(b, rhythm, i, wanted, huffman, "section 6 lead " + names.get(i),
                    !bimodal);
            stored = Math.min(stored, residual[i].length);
        }
        if (stored < wanted) {
            warnings.add("section 3 declares " + declared + " samples per lead, but section 6 stores only " + stored
                    + " (its 16-bit byte counts cap at 65 535 bytes per lead); the " + stored
                    + " stored samples are returned, nothing is padded");
        }

        double[][] nv = new double[leadCount][];
        for (int i = 0; i < leadCount; i++) {
            long[] r = residual[i];
            if (r.length > stored) {
                r = Arrays.copyOf(r, stored);
            }
            double[] values;
            if (bimodal && factor > 1) {
                values = ScpSignal.restoreBimodal(r, segments, factor);
            } else {
                values = new double[r.length];
                for (int t = 0; t < r.length; t++) {
                    values[t] = r[t];
                }
            }
            for (int t = 0; t < values.length; t++) {
                values[t] *= rhythm.avmNv();
            }
            nv[i] = values;
        }

        // section 5: reference beat, needed back in the rhythm when section 3 says it was subtracted
        double[][] beatNv = null;
        if (beat != null) {
            beatNv = decodeBeat(b, beat, leadCount, names, huffman, beatLengthMs, s4 != null, warnings,
                    referenceBeatSubtracted);
        }
        // a residual stored coarser than the beat is smoothed as parsescp does (see docs/formats.md)
        boolean smoothed = referenceBeatSubtracted && !bimodal && beatNv != null
                && rhythm.avmNv() > beat.avmNv();
        if (referenceBeatSubtracted) {
            if (s4 == null || beatNv == null) {
                throw new IllegalArgumentException("section 3 flags reference-beat subtraction, but section "
                        + (s4 == null ? "4 (QRS locations)" : "5 (reference beat)") + " is missing");
            }
            if (beatFiducial < 1) {
                throw new IllegalArgumentException("section 3 flags reference-beat subtraction, but section 4 gives "
                        + "the reference beat's fiducial as sample " + beatFiducial);
            }
            if (smoothed) {
                for (int i = 0; i < leadCount; i++) {
                    nv[i] = ScpSignal.smoothResidual(nv[i], leads[0].first(), qrs, beat.avmNv());
                }
            }
            for (int i = 0; i < leadCount; i++) {
                ScpSignal.addReferenceBeat(nv[i], leads[0].first(), beatNv[i], beatFiducial, qrs, outIntervalUs,
                        beat.intervalUs());
            }
        }

        double fs = rateOf(outIntervalUs, "section 6", warnings);
        Ecg.Builder builder = Ecg.builder(fs);
        for (int i = 0; i < leadCount; i++) {
            builder.lead(names.get(i), toMillivolts(nv[i]));
        }
        ScpText.Metadata meta = sections.containsKey(1)
                ? ScpText.section1(b, sections.get(1).dataFrom(), sections.get(1).dataTo(), warnings)
                : ScpText.Metadata.EMPTY;
        if (sections.containsKey(7)) {
            Section s7 = sections.get(7);
            ScpText.measurements(b, s7.dataFrom(), s7.dataTo(), builder, warnings);
        }
        for (int id : new int[] {8, 11}) {
            Section s = sections.get(id);
            if (s != null) {
                ScpText.statements(b, s.dataFrom(), s.dataTo(), id == 11).forEach(builder::statement);
            }
        }
        if (beatNv != null && (beatLengthMs > 0 || huffman == null)) {
            Ecg.Builder rb = Ecg.builder(rateOf(beat.intervalUs(), "section 5", new ArrayList<>()));
            for (int i = 0; i < leadCount; i++) {
                rb.lead(names.get(i), toMillivolts(beatNv[i]));
            }
            builder.representativeBeat(rb.build());
        }

        Map<String, String> props = new LinkedHashMap<>(meta.properties());
        props.put("scp.protocol_version", version(protocol));
        props.put("scp.sections", sections.keySet().toString());
        props.put("scp.huffman", huffman == null ? "none (16-bit values)"
                : sections.containsKey(2) && ScpBytes.u16(b, sections.get(2).dataFrom()) == ScpHuffman.DEFAULT_TABLE_MARKER
                ? "default table" : huffman.tableCount() + " table(s) from section 2");
        props.put("scp.difference_encoding", Integer.toString(rhythm.differences()));
        props.put("scp.bimodal_compression", bimodal ? "yes, decimation factor " + factor : "no");
        props.put("scp.reference_beat_subtraction", referenceBeatSubtracted ? "yes" : "no");
        props.put("scp.residual_smoothing", smoothed ? "3-sample mean outside the type-0 subtraction zones, "
                + "in " + beat.avmNv() + " nV steps" : "no");
        props.put("scp.all_leads_simultaneous", (flags & 4) != 0 ? "yes" : "no");
        props.put("scp.rhythm_avm_nv", Integer.toString(rhythm.avmNv()));
        props.put("scp.rhythm_interval_us", Integer.toString(rhythm.intervalUs()));
        props.put("scp.qrs_complexes", Integer.toString(qrs.size()));
        props.put("scp.declared_samples", Long.toString(declared));
        for (Integer id : sections.keySet()) {
            if (id == 9 || id == 10 || id > 11) {
                props.put("scp.section" + id, "present, not interpreted");
            }
        }
        warnings.forEach(builder::warning);
        Ecg ecg = builder.build();
        double[] gains = new double[ecg.leadCount()];
        Arrays.fill(gains, 1e6 / rhythm.avmNv());
        return ecg.toBuilder().source(new SourceInfo(name, NAME, "mV", gains, new double[ecg.leadCount()], fs,
                meta.notes(), meta.device(), meta.acquisitionTime(), props)).build();
    }

    /** Section 3: the leads, their names (made unique) and the flags byte. */
    record LeadTable(LeadDef[] leads, List<String> names, int flags) {
    }

    /** Section 4: reference beat length (ms) and fiducial (1-based sample), and the QRS complexes. */
    record QrsLocations(int beatLengthMs, int beatFiducial, List<ScpSignal.Qrs> qrs) {
        static final QrsLocations NONE = new QrsLocations(0, 0, List.of());
    }

    private static LeadTable leadTable(byte[] b, Section s3, List<String> warnings) {
        int from3 = s3.dataFrom();
        if (s3.dataLength() < 2) {
            throw new IllegalArgumentException("section 3 is too short to hold the lead count");
        }
        int leadCount = ScpBytes.u8(b, from3);
        int flags = ScpBytes.u8(b, from3 + 1);
        if (leadCount == 0) {
            throw new IllegalArgumentException("section 3 declares no leads");
        }
        if (2 + 9L * leadCount > s3.dataLength()) {
            throw new IllegalArgumentException("section 3 declares " + leadCount + " leads, but its "
                    + s3.dataLength() + " data bytes hold at most " + (s3.dataLength() - 2) / 9 + " lead definitions");
        }
        LeadDef[] leads = new LeadDef[leadCount];
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> zeroBased = new ArrayList<>();
        for (int i = 0; i < leadCount; i++) {
            int p = from3 + 2 + 9 * i;
            long first = ScpBytes.u32(b, p);
            long last = ScpBytes.u32(b, p + 4);
            int code = ScpBytes.u8(b, p + 8);
            String leadName = ScpLeads.name(code);
            if (!seen.add(leadName)) {
                leadName = leadName + " #" + (i + 1);
                seen.add(leadName);
            }
            names.add(leadName);
            if (first == 0 && last < MAX_TOTAL_SAMPLES) {
                // some writers number samples from 0 (the standard: from 1); parsescp and others read
                // last − first + 1 samples, so the range is taken as the same samples numbered from 1
                zeroBased.add(leadName + " 0–" + last);
                first = 1;
                last = last + 1;
            }
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("section 3 gives lead " + leadName + " the sample range "
                        + first + "–" + last);
            }
            leads[i] = new LeadDef(first, last, code);
        }
        if (!zeroBased.isEmpty()) {
            warnings.add("section 3 numbers the samples from 0, against the standard's 1 ("
                    + (zeroBased.size() == leadCount && leadCount > 1 ? "all " + leadCount + " leads, e.g. "
                    + zeroBased.get(0) : String.join(", ", zeroBased))
                    + "); read as the same " + (leads[0].last() - leads[0].first() + 1)
                    + " samples numbered from 1");
        }
        for (int i = 1; i < leadCount; i++) {
            if (leads[i].first() != leads[0].first() || leads[i].last() != leads[0].last()) {
                throw new IllegalArgumentException("leads cover different sample ranges (" + names.get(0) + ": "
                        + leads[0].first() + "–" + leads[0].last() + ", " + names.get(i) + ": " + leads[i].first()
                        + "–" + leads[i].last() + "); sequentially recorded leads are not supported");
            }
        }
        long declared = leads[0].samples();
        if (declared * leadCount > MAX_TOTAL_SAMPLES) {
            throw new IllegalArgumentException("section 3 declares " + declared + " samples for each of " + leadCount
                    + " leads, beyond the reader's limit of " + MAX_TOTAL_SAMPLES + " samples");
        }
        return new LeadTable(leads, List.copyOf(names), flags);
    }

    private static QrsLocations qrsLocations(byte[] b, Section s4, int protocol) {
        int p = s4.dataFrom();
        if (s4.dataLength() < 6) {
            throw new IllegalArgumentException("section 4 is too short (" + s4.dataLength() + " data bytes)");
        }
        int n = ScpBytes.u16(b, p + 4);
        if (6 + 14L * n > s4.dataLength()) {
            throw new IllegalArgumentException("section 4 declares " + n + " QRS complexes, but its "
                    + s4.dataLength() + " data bytes hold at most " + (s4.dataLength() - 6) / 14);
        }
        // version 1.0/1.1 files have no protected-zone fields; their subtraction zones serve instead
        boolean protectedZones = 6 + 22L * n <= s4.dataLength() && protocol != 10 && protocol != 11;
        List<ScpSignal.Qrs> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int q = p + 6 + 14 * i;
            long sb = ScpBytes.u32(b, q + 2);
            long se = ScpBytes.u32(b, q + 10);
            long qb = sb;
            long qe = se;
            if (protectedZones) {
                int z = p + 6 + 14 * n + 8 * i;
                qb = ScpBytes.u32(b, z);
                qe = ScpBytes.u32(b, z + 4);
            }
            list.add(new ScpSignal.Qrs(ScpBytes.u16(b, q), sb, ScpBytes.u32(b, q + 6), se, qb, qe));
        }
        return new QrsLocations(ScpBytes.u16(b, p), ScpBytes.u16(b, p + 2), List.copyOf(list));
    }

    private static float[] toMillivolts(double[] nanovolts) {
        float[] out = new float[nanovolts.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = (float) (nanovolts[t] * 1e-6);
        }
        return out;
    }

    private static String version(int protocol) {
        return protocol == 0 ? "unstated" : (protocol / 10) + "." + (protocol % 10);
    }

    private static Section require(Map<Integer, Section> sections, int id, String what) {
        Section s = sections.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no " + what + " (section " + id + " is absent)");
        }
        return s;
    }

    private static ScpHuffman parseHuffman(Section s2, byte[] b) {
        return ScpHuffman.parse(b, s2.dataFrom(), s2.dataTo());
    }

    /** Section 0, its pointers and every pointed-to section's header and CRC. */
    static Map<Integer, Section> sections(byte[] b, List<String> warnings) {
        if (b.length < 6 + HEADER) {
            throw new IllegalArgumentException("truncated: " + b.length + " bytes cannot hold an SCP-ECG record header");
        }
        long recordSize = ScpBytes.u32(b, 2);
        if (recordSize > b.length) {
            throw new IllegalArgumentException("truncated: the record declares " + recordSize + " bytes, the file holds "
                    + b.length);
        }
        if (recordSize < 6 + HEADER) {
            throw new IllegalArgumentException("the record size field says " + recordSize
                    + " bytes, too small for an SCP-ECG record");
        }
        int size = (int) recordSize;
        if (size < b.length) {
            warnings.add((b.length - size) + " bytes after the declared record end were ignored");
        }
        int storedCrc = ScpBytes.u16(b, 0);
        int crc = ScpBytes.crc(b, 2, size);
        if (storedCrc != crc) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "SCP record CRC mismatch (stored 0x%04X, computed 0x%04X)", storedCrc, crc));
        }
        Section s0 = header(b, 0, 6, size, -1);
        Map<Integer, Section> out = new TreeMap<>();
        out.put(0, s0);
        int pointers = s0.dataLength() / 10;
        for (int i = 0; i < pointers; i++) {
            int p = s0.dataFrom() + 10 * i;
            int id = ScpBytes.u16(b, p);
            long length = ScpBytes.u32(b, p + 2);
            long index = ScpBytes.u32(b, p + 6);
            if (length == 0 || id == 0) {
                continue;
            }
            if (length < HEADER) {
                throw new IllegalArgumentException("section 0 gives section " + id + " a length of " + length
                        + " bytes, shorter than a section header");
            }
            if (index < 7 || index - 1 + length > size) {
                throw new IllegalArgumentException("section " + id + " (" + length + " bytes at byte " + index
                        + ") extends past the end of the " + size + "-byte record");
            }
            if (out.containsKey(id)) {
                throw new IllegalArgumentException("section 0 lists section " + id + " twice");
            }
            Section s = header(b, id, (int) index - 1, size, length);
            if (s != null) {
                out.put(id, s);
            }
        }
        return out;
    }

    /** Reads and checks one section header; {@code null} for a manufacturer section whose CRC fails. */
    private static Section header(byte[] b, int id, int offset, int size, long pointerLength) {
        if (offset + HEADER > size) {
            throw new IllegalArgumentException("truncated: section " + id + " header lies past the end of the record");
        }
        int headerId = ScpBytes.u16(b, offset + 2);
        long length = ScpBytes.u32(b, offset + 4);
        if (headerId != id) {
            throw new IllegalArgumentException("section 0 points to section " + id + " at byte " + (offset + 1)
                    + ", but the header there names section " + headerId);
        }
        if (pointerLength >= 0 && length != pointerLength) {
            throw new IllegalArgumentException("SCP section " + id + " length disagrees: section 0 says "
                    + pointerLength + " bytes, the section header says " + length);
        }
        if (length < HEADER || offset + length > size) {
            throw new IllegalArgumentException("SCP section " + id + " declares " + length
                    + " bytes, which do not fit in the " + size + "-byte record");
        }
        int storedCrc = ScpBytes.u16(b, offset);
        int crc = ScpBytes.crc(b, offset + 2, offset + (int) length);
        if (storedCrc != crc) {
            if (id > 11) {
                return null;
            }
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "SCP section %d CRC mismatch (stored 0x%04X, computed 0x%04X)", id, storedCrc, crc));
        }
        return new Section(id, offset, (int) length, ScpBytes.u8(b, offset + 8), ScpBytes.u8(b, offset + 9));
    }

    /**
     * The rate a sample interval in whole microseconds stands for. Sections 5 and 6 cannot state
     * 1/600 s: writers store the nearest whole microseconds (1667). When exactly one whole rate
     * rounds to the stored interval and the interval is not exact for any, that rate is the one
     * the device sampled at (600 Hz, not the 599.88 Hz the rounded field gives), with a warning.
     */
    static double rateOf(int intervalUs, String where, List<String> warnings) {
        double literal = 1e6 / intervalUs;
        if (literal == Math.rint(literal)) {
            return literal;
        }
        long whole = Math.round(literal);
        if (whole > 0 && Math.round(1e6 / whole) == intervalUs && Math.round(1e6 / (whole - 1)) != intervalUs
                && Math.round(1e6 / (whole + 1)) != intervalUs) {
            warnings.add(where + " states a sample interval of " + intervalUs + " us, the whole microseconds nearest "
                    + "to 1/" + whole + " s: read as " + whole + " Hz (" + String.format(java.util.Locale.ROOT, "%.3f",
                    literal) + " Hz taken literally)");
            return whole;
        }
        return literal;
    }

    /** The common layout of sections 5 and 6: AVM, interval, difference order, one flag byte, byte counts, data. */
    private static Encoded encoded(byte[] b, Section s, int leadCount, List<String> names) {
        int p = s.dataFrom();
        if (s.dataLength() < 6 + 2L * leadCount) {
            throw new IllegalArgumentException("section " + s.id() + " (" + s.dataLength()
                    + " data bytes) is too short for its header and " + leadCount + " lead byte counts");
        }
        int avm = ScpBytes.u16(b, p);
        int interval = ScpBytes.u16(b, p + 2);
        int differences = ScpBytes.u8(b, p + 4);
        int flag = ScpBytes.u8(b, p + 5);
        if (avm == 0) {
            throw new IllegalArgumentException("section " + s.id() + " states an amplitude value multiplier of 0 nV");
        }
        if (interval == 0) {
            throw new IllegalArgumentException("section " + s.id() + " states a sample interval of 0 µs");
        }
        if (differences > 2) {
            throw new IllegalArgumentException("section " + s.id() + " states unknown difference encoding "
                    + differences + " (0, 1 or 2 expected)");
        }
        int[] from = new int[leadCount];
        int[] to = new int[leadCount];
        int data = p + 6 + 2 * leadCount;
        long sum = 0;
        for (int i = 0; i < leadCount; i++) {
            int n = ScpBytes.u16(b, p + 6 + 2 * i);
            from[i] = (int) (data + sum);
            sum += n;
            to[i] = (int) (data + sum);
        }
        if (data + sum > s.dataTo()) {
            throw new IllegalArgumentException("section " + s.id() + " lead byte counts add up to " + sum
                    + " bytes, but the section holds " + (s.dataTo() - data) + " bytes of data (lead "
                    + names.get(leadCount - 1) + " would end at byte " + (data + sum) + ")");
        }
        return new Encoded(avm, interval, differences, flag, from, to);
    }

    /**
     * The values of one lead of section 5 or 6 with differences undone. Without Huffman tables the
     * data are 16-bit values; when {@code allowCap} is set, a lead whose byte count hit the 16-bit
     * limit may hold fewer samples than wanted (the caller warns).
     */
    private static long[] decodeLead(byte[] b, Encoded e, int lead, long wanted, ScpHuffman huffman, String what,
                                     boolean allowCap) {
        int from = e.from()[lead];
        int to = e.to()[lead];
        int bytes = to - from;
        long[] v;
        if (huffman == null) {
            long available = bytes / 2;
            long n = wanted;
            if (available < wanted) {
                if (!allowCap || bytes < 65534) {
                    throw new IllegalArgumentException(what + " holds " + bytes + " bytes, fewer than the " + 2 * wanted
                            + " its " + wanted + " 16-bit samples need");
                }
                n = available;
            }
            v = new long[(int) n];
            for (int t = 0; t < n; t++) {
                v[t] = ScpBytes.s16(b, from + 2 * t);
            }
        } else {
            if (wanted > 8L * bytes) {
                throw new IllegalArgumentException(what + ": " + wanted + " samples cannot be coded in " + bytes
                        + " bytes of Huffman data");
            }
            int[] d;
            try {
                d = huffman.decode(b, from, to, (int) wanted);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(what + ": " + ex.getMessage(), ex);
            }
            v = new long[d.length];
            for (int t = 0; t < d.length; t++) {
                v[t] = d[t];
            }
        }
        ScpSignal.undoDifferences(v, e.differences());
        return v;
    }

    private static double[][] decodeBeat(byte[] b, Encoded beat, int leadCount, List<String> names, ScpHuffman huffman,
                                         int beatLengthMs, boolean haveSection4, List<String> warnings,
                                         boolean needed) {
        long samples;
        if (haveSection4 && beatLengthMs > 0) {
            samples = Math.round(beatLengthMs * 1000.0 / beat.intervalUs());
        } else if (huffman == null) {
            samples = (beat.to()[0] - beat.from()[0]) / 2;
        } else {
            if (needed) {
                throw new IllegalArgumentException("the reference beat length is unknown (section 4 states 0 ms)");
            }
            warnings.add("the reference beat of section 5 was not decoded: section 4 does not state its length");
            return null;
        }
        if (samples <= 0 || samples * leadCount > MAX_TOTAL_SAMPLES) {
            throw new IllegalArgumentException("section 4 gives the reference beat an unusable length of " + beatLengthMs
                    + " ms");
        }
        double[][] out = new double[leadCount][];
        for (int i = 0; i < leadCount; i++) {
            long[] v = decodeLead(b, beat, i, samples, huffman, "section 5 lead " + names.get(i), false);
            out[i] = new double[v.length];
            for (int t = 0; t < v.length; t++) {
                out[i][t] = (double) v[t] * beat.avmNv();
            }
        }
        return out;
    }
}
