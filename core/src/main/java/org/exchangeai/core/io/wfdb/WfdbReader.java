package org.exchangeai.core.io.wfdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;

/**
 * PhysioNet WFDB records: a text header ({@code .hea}, WFDB {@code header(5)}) naming one or
 * more binary signal files (WFDB {@code signal(5)}, see {@link WfdbSignalFormat}) and the
 * annotation files beside it ({@link WfdbAnnotationReader}).
 *
 * <p>Physical value = (digital − baseline) / gain, per signal, converted to mV from the
 * signal's units; a gain of 0 means the WFDB default of 200. Invalid-sample values become NaN.
 * Signals whose units are not a voltage (blood pressure, plethysmogram, …) are left out with a
 * warning. When signals have more than one sample per frame, the recording is returned at the
 * highest rate (frame rate × largest samples per frame) and signals with fewer samples per
 * frame repeat each sample; annotation positions are scaled to that rate.
 *
 * <p>Multi-segment records concatenate their segments; null segments ({@code ~}) and signals
 * a segment of a variable-layout record lacks are NaN. Segments with several samples per frame
 * are read when every segment has the same largest number of samples per frame.
 */
public final class WfdbReader implements EcgFormat {

    /** The header's default sampling frequency and ADC gain (WFDB {@code header(5)}). */
    static final double DEFAULT_FS = 250;
    static final double DEFAULT_GAIN = 200;
    /** Signal format 0: a signal the header declares but no file stores. */
    private static final int NULL_FORMAT = 0;
    private static final int MAX_HEADER_BYTES = 4 << 20;
    private static final int MAX_SIGNALS = 4096;
    private static final int MAX_SEGMENTS = 100_000;

    private static final Pattern FIELD_SEPARATOR = Pattern.compile("[ \t]+");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final Pattern RECORD_NAME = Pattern.compile("[A-Za-z0-9_.~+-]+");
    private static final Pattern FS_FIELD =
            Pattern.compile("([0-9.eE+-]+)(?:/([0-9.eE+-]+)(?:\\(([0-9.eE+-]+)\\))?)?");
    private static final Pattern FORMAT_FIELD = Pattern.compile("(\\d+)(?:x(\\d+))?(?::(\\d+))?(?:\\+(\\d+))?");
    private static final Pattern GAIN_FIELD = Pattern.compile("([-+]?[0-9.]+(?:[eE][-+]?\\d+)?)(?:\\(([-+]?\\d+)\\))?(?:/(.*))?");
    /** Extensions of the annotation files PhysioNet databases usually ship (reference beats, detectors). */
    private static final Set<String> USUAL_ANNOTATIONS = Set.of("atr", "qrs", "ecg", "ari", "sqrs", "wqrs", "gqrs");
    /** Extensions beside a header that are never annotation files. */
    private static final Set<String> NOT_ANNOTATIONS = Set.of(
            "hea", "dat", "mat", "csv", "txt", "json", "xml", "edf", "npy", "zip", "gz", "png", "pdf", "md", "html");

    @Override
    public String name() {
        return "WFDB";
    }

    // ---------------------------------------------------------------- detection and companions

    @Override
    public boolean detect(Path file, byte[] head) {
        if (head == null || head.length == 0) {
            return false;
        }
        if (headerOfSignalFile(file) != null) {
            return true;
        }
        for (byte b : head) {
            int c = b & 0xff;
            if (c == 0 || (c < 32 && c != 9 && c != 10 && c != 13)) {
                return false;
            }
        }
        String fileName = file.getFileName().toString();
        boolean heaName = fileName.toLowerCase(Locale.ROOT).endsWith(".hea");
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n|\r|\n", -1);
        int last = head.length >= Formats.HEAD_BYTES ? lines.length - 1 : lines.length;
        Header h = null;
        int signalsSeen = 0;
        for (int i = 0; i < last; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (h == null) {
                    h = parseRecordLine(line, fileName, i + 1);
                    String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
                    if (!heaName && !h.name.equals(stem)) {
                        return false;
                    }
                    if (h.nsig == 0 && h.nseg == 0) {
                        return true;
                    }
                } else if (h.nseg > 0) {
                    parseSegmentLine(line, fileName, i + 1);
                    return true;
                } else {
                    parseSignalLine(line, fileName, i + 1);
                    if (++signalsSeen >= h.nsig) {
                        return true;
                    }
                }
            } catch (EcgReadException e) {
                return false;
            }
        }
        return h != null && signalsSeen > 0;
    }

    /**
     * A {@code .hea} file, or text whose first line starts like a record line (a name and a
     * number of signals), is a WFDB header even when a field is wrong: reading it names the field.
     */
    @Override
    public boolean resembles(Path file, byte[] head) {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".hea")) {
            return true;
        }
        String text = new String(head, 0, Math.min(head.length, 4096), StandardCharsets.ISO_8859_1);
        for (String line : LINE_BREAK.split(text)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            return RECORD_LINE_SHAPE.matcher(l).lookingAt();
        }
        return false;
    }

    private static final Pattern RECORD_LINE_SHAPE =
            Pattern.compile("[A-Za-z0-9_.~+-]+(/\\d+)?[ \t]+\\d+[ \t]+[0-9.eE+-]+(/[0-9.eE+-]+)?[ \t]+\\d+");

    /**
     * The {@code .hea} beside a {@code .dat} or {@code .mat} file when that header names the file as a
     * signal file, else {@code null}.
     */
    static Path headerOfSignalFile(Path file) {
        String fileName = file.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".dat") || lower.endsWith(".mat"))) {
            return null;
        }
        Path hea = parent(file).resolve(fileName.substring(0, fileName.length() - 4) + ".hea");
        if (!java.nio.file.Files.isRegularFile(hea)) {
            return null;
        }
        try {
            Set<Path> files = new LinkedHashSet<>();
            new WfdbReader().collectFiles(parent(hea), parseHeader(hea), hea.toString(), files, 0);
            Path self = file.toAbsolutePath().normalize();
            for (Path f : files) {
                if (f.toAbsolutePath().normalize().equals(self)) {
                    return hea;
                }
            }
        } catch (EcgReadException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * The signal files, segment headers and annotation files of the record, so that a folder
     * scan reads them only through this header. Files that do not exist are not listed.
     */
    @Override
    public List<Path> companions(Path file) {
        Set<Path> out = new LinkedHashSet<>();
        try {
            Header h = parseHeader(file);
            Path dir = parent(file);
            collectFiles(dir, h, file.toString(), out, 0);
            out.addAll(annotationFiles(file, h.name, out));
        } catch (EcgReadException | RuntimeException e) {
            return List.of();
        }
        out.remove(file);
        return List.copyOf(out);
    }

    private void collectFiles(Path dir, Header h, String name, Set<Path> out, int depth) throws EcgReadException {
        if (h.nseg > 0) {
            if (depth > 0) {
                throw new EcgReadException(name, "a segment is itself a multi-segment record");
            }
            for (Segment s : h.segments) {
                if (s.isNull()) {
                    continue;
                }
                Path seg = dir.resolve(s.name + ".hea");
                if (Files.isRegularFile(seg)) {
                    out.add(seg);
                    collectFiles(dir, parseHeader(seg), seg.toString(), out, depth + 1);
                }
            }
        } else {
            Set<String> seen = new HashSet<>();
            for (Signal s : h.signals) {
                Path f = dir.resolve(s.fileName);
                if (s.format != NULL_FORMAT && seen.add(s.fileName) && Files.isRegularFile(f)) {
                    out.add(f);
                }
            }
        }
    }

    /** Files {@code <record>.<ext>} beside the header that parse as WFDB annotation files. */
    private static List<Path> annotationFiles(Path header, String record, Set<Path> exclude) {
        List<Path> out = new ArrayList<>();
        for (Path f : annotationCandidates(header, record, exclude)) {
            if (WfdbAnnotationReader.isAnnotationFile(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Files {@code <record>.<ext>} beside the header that may be annotation files, by name. */
    private static List<Path> annotationCandidates(Path header, String record, Set<Path> exclude) {
        List<Path> out = new ArrayList<>();
        Path dir = parent(header);
        String prefix = record + ".";
        for (String n : FolderListing.namesStartingWith(dir, prefix)) {
            if (n.length() == prefix.length()) {
                continue;
            }
            String ext = n.substring(prefix.length());
            if (ext.contains(".") || NOT_ANNOTATIONS.contains(ext.toLowerCase(Locale.ROOT))) {
                continue;
            }
            Path f = dir.resolve(n);
            if (exclude.contains(f) || f.equals(header) || !Files.isRegularFile(f)) {
                continue;
            }
            out.add(f);
        }
        return out;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        Path header = headerOfSignalFile(file);
        if (header != null) {
            // a signal file named directly (as label tables often do) is read through its header
            return read(header, options);
        }
        String name = file.toString();
        Header h = parseHeader(file);
        Path dir = parent(file);
        Block block;
        if (h.nseg > 0) {
            block = readMultiSegment(dir, h, name);
        } else {
            block = readSingle(dir, h, name);
        }
        Set<Path> signalFiles = new LinkedHashSet<>();
        collectFiles(dir, h, name, signalFiles, 0);
        List<Annotation> annotations = new ArrayList<>();
        List<String> annotationNames = new ArrayList<>();
        for (Path a : annotationCandidates(file, h.name, signalFiles)) {
            String ext = a.getFileName().toString().substring(h.name.length() + 1);
            String lead = LeadNames.rank(LeadNames.normalize(ext)) < 1000 ? LeadNames.normalize(ext) : null;
            List<Annotation> marks = WfdbAnnotationReader.readIfAnnotationFile(a, lead);
            if (marks == null) {
                // a file of another kind that shares the record's name, or a damaged annotation file
                if (lead != null || USUAL_ANNOTATIONS.contains(ext.toLowerCase(Locale.ROOT))) {
                    block.warnings.add("annotation file " + a.getFileName() + " is not a readable WFDB annotation file"
                            + " and was left out");
                }
                continue;
            }
            for (Annotation x : marks) {
                annotations.add(block.upsample == 1 ? x
                        : new Annotation(x.sample() * block.upsample, x.code(), x.lead(), x.text(), x.subtype()));
            }
            annotationNames.add(ext);
        }
        return toEcg(file, h, block, annotations, annotationNames, signalFiles);
    }

    private Ecg toEcg(Path file, Header h, Block block, List<Annotation> annotations, List<String> annotationNames,
                      Set<Path> signalFiles) throws EcgReadException {
        String name = file.toString();
        List<String> warnings = new ArrayList<>(h.notes);
        warnings.addAll(block.warnings);
        Map<String, Channel> byLead = new LinkedHashMap<>();
        Map<String, String> rawNames = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        List<String> notEcg = new ArrayList<>();
        int index = 0;
        for (Channel c : block.channels) {
            index++;
            if (!c.voltage) {
                dropped.add(c.description + " (" + c.units + ")");
                continue;
            }
            if (LeadNames.isNonEcgSignal(c.description)) {
                notEcg.add(c.description.strip());
                continue;
            }
            String raw = c.description.isBlank() ? "signal " + index : c.description;
            String canonical = LeadNames.normalize(raw);
            if (byLead.containsKey(canonical)) {
                String renamed = canonical + " (signal " + index + ")";
                warnings.add("signal " + index + " repeats lead name '" + raw + "' and is shown as '" + renamed + "'");
                raw = renamed;
                canonical = renamed;
            }
            byLead.put(canonical, c);
            rawNames.put(canonical, raw);
        }
        if (byLead.isEmpty()) {
            List<String> all = new ArrayList<>(dropped);
            all.addAll(notEcg);
            throw new EcgReadException(name, "WFDB record without an ECG signal: none is an ECG voltage (signals: "
                    + String.join(", ", all) + ")");
        }
        if (!dropped.isEmpty()) {
            warnings.add("signals that are not voltages were left out: " + String.join(", ", dropped));
        }
        if (!notEcg.isEmpty()) {
            warnings.add("signals named as other physiological measurements (not ECG leads) were left out: "
                    + String.join(", ", notEcg));
        }
        for (Map.Entry<String, Channel> e : byLead.entrySet()) {
            Channel c = e.getValue();
            ReadLimits.checkQuantum(name, "WFDB header", "the ADC gain " + ReadLimits.number(c.gain) + "/" + c.units
                    + " of signal " + e.getKey(), Units.millivoltsPer(c.units) / c.gain);
        }
        // a first build only to learn the canonical lead order; the arrays are shared, not copied
        List<String> leads = assemble(block.fs, byLead, rawNames, name).build().leads();
        Set<String> units = new LinkedHashSet<>();
        for (Channel c : byLead.values()) {
            units.add(c.units);
        }
        boolean oneUnit = units.size() == 1;
        double[] gains = new double[leads.size()];
        double[] baselines = new double[leads.size()];
        StringBuilder leadUnits = new StringBuilder();
        for (int i = 0; i < leads.size(); i++) {
            Channel c = byLead.get(leads.get(i));
            if (c == null) {
                gains[i] = Double.NaN;
                baselines[i] = Double.NaN;
                continue;
            }
            // one unit for the recording: gains per mV when the signals disagree on units
            gains[i] = oneUnit ? c.gain : c.gain / Units.millivoltsPer(c.units);
            baselines[i] = c.baseline;
            leadUnits.append(leadUnits.length() == 0 ? "" : ",").append(leads.get(i)).append('=').append(c.units);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("record", h.name);
        props.put("signal_files", String.join(",", signalFiles.stream().map(p -> p.getFileName().toString()).toList()));
        props.put("signal_formats", String.join(",", block.formats));
        props.put("lead_units", leadUnits.toString());
        if (h.nseg > 0) {
            props.put("segments", Integer.toString(h.nseg));
        }
        if (block.upsample > 1) {
            props.put("frame_rate_hz", Double.toString(h.fs));
            props.put("samples_per_frame", Integer.toString(block.upsample));
        }
        if (!annotationNames.isEmpty()) {
            props.put("annotation_files", String.join(",", annotationNames));
        }
        SourceInfo source = new SourceInfo(name, name(), oneUnit ? units.iterator().next() : "mV", gains, baselines,
                block.fs, h.comments, null, acquisitionTime(h), props);
        Ecg.Builder b = assemble(block.fs, byLead, rawNames, name).source(source).annotations(annotations);
        warnings.forEach(b::warning);
        return b.build();
    }

    private static Ecg.Builder assemble(double fs, Map<String, Channel> byLead, Map<String, String> rawNames,
                                        String name) throws EcgReadException {
        try {
            Ecg.Builder b = Ecg.builder(fs);
            for (Map.Entry<String, Channel> e : byLead.entrySet()) {
                b.lead(rawNames.get(e.getKey()), e.getValue().samples);
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
    }

    private static String acquisitionTime(Header h) {
        if (h.baseDate == null && h.baseTime == null) {
            return null;
        }
        String time = h.baseTime;
        if (time != null) {
            String[] p = time.split(":");
            if (p.length == 3) {
                time = pad(p[0]) + ":" + pad(p[1]) + ":" + (p[2].indexOf('.') == 1 ? "0" + p[2] : p[2]);
            } else if (p.length == 2) {
                time = "00:" + pad(p[0]) + ":" + (p[1].indexOf('.') == 1 ? "0" + p[1] : p[1]);
            }
        }
        if (h.baseDate != null) {
            String[] d = h.baseDate.split("/");
            if (d.length == 3) {
                String date = d[2] + "-" + pad(d[1]) + "-" + pad(d[0]);
                return time == null ? date : date + "T" + time;
            }
            return time == null ? h.baseDate : h.baseDate + " " + time;
        }
        return time;
    }

    private static String pad(String s) {
        return s.length() == 1 ? "0" + s : s;
    }

    /** A record's channels at one common rate, before they become an {@link Ecg}. */
    private static final class Block {
        final double fs;
        final int upsample;
        final List<Channel> channels;
        final List<String> warnings;
        final List<String> formats;

        Block(double fs, int upsample, List<Channel> channels, List<String> warnings, List<String> formats) {
            this.fs = fs;
            this.upsample = upsample;
            this.channels = channels;
            this.warnings = warnings;
            this.formats = formats;
        }
    }

    /** One signal in physical units converted to mV (voltages) or in its own units (others). */
    private static final class Channel {
        final String description;
        final String units;
        final double gain;
        final double baseline;
        final boolean voltage;
        final float[] samples;

        Channel(String description, String units, double gain, double baseline, boolean voltage, float[] samples) {
            this.description = description;
            this.units = units;
            this.gain = gain;
            this.baseline = baseline;
            this.voltage = voltage;
            this.samples = samples;
        }
    }

    private Block readSingle(Path dir, Header h, String name) throws EcgReadException {
        if (h.nsig == 0) {
            throw new EcgReadException(name, "the header declares no signals");
        }
        // signals grouped by file, in frame order within each file
        Map<String, List<Integer>> byFile = new LinkedHashMap<>();
        for (int i = 0; i < h.signals.size(); i++) {
            if (h.signals.get(i).format != NULL_FORMAT) {
                byFile.computeIfAbsent(h.signals.get(i).fileName, k -> new ArrayList<>()).add(i);
            }
        }
        if (byFile.isEmpty() && h.nsamp < 0) {
            throw new EcgReadException(name, "every signal is a null signal (format 0) and the header states no length");
        }
        int maxSpf = 1;
        for (Signal s : h.signals) {
            maxSpf = Math.max(maxSpf, s.spf);
        }
        // sizes first: every file must hold the declared samples before anything is allocated
        long nsamp = h.nsamp;
        Map<String, FileLayout> layouts = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : byFile.entrySet()) {
            FileLayout layout = layout(dir, e.getKey(), e.getValue(), h, name);
            layouts.put(e.getKey(), layout);
            long frames = layout.framesAvailable();
            if (h.nsamp < 0) {
                nsamp = nsamp < 0 ? frames : Math.min(nsamp, frames);
            } else if (frames < h.nsamp) {
                throw new EcgReadException(name, "truncated signal file " + e.getKey() + ": the header declares "
                        + h.nsamp + " samples per signal (" + layout.format.bytesFor(h.nsamp * layout.frameSamples)
                        + " bytes from byte " + layout.offset + "), the file holds " + layout.size + " bytes, enough for "
                        + frames);
            }
        }
        long outLength = nsamp * maxSpf;
        ReadLimits.checkValues(name, "WFDB", "the header declares " + h.nsig + " signals of " + outLength + " samples",
                h.nsig, outLength);
        List<String> warnings = new ArrayList<>();
        Channel[] channels = new Channel[h.nsig];
        Set<String> formats = new LinkedHashSet<>();
        for (Map.Entry<String, List<Integer>> e : byFile.entrySet()) {
            FileLayout layout = layouts.get(e.getKey());
            formats.add(Integer.toString(layout.format.code()));
            List<Integer> idx = e.getValue();
            SignalDecoder[] decoders = new SignalDecoder[idx.size()];
            int pos = 0;
            for (int k = 0; k < idx.size(); k++) {
                Signal s = h.signals.get(idx.get(k));
                decoders[k] = new SignalDecoder(s, layout.format, pos, nsamp, maxSpf);
                pos += s.spf;
            }
            decodeFile(layout, nsamp, decoders, name);
            for (int k = 0; k < idx.size(); k++) {
                channels[idx.get(k)] = decoders[k].finish(idx.get(k) + 1, warnings);
            }
        }
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] == null) {
                // format 0: the signal is declared but not stored
                Signal s = h.signals.get(i);
                float[] missing = new float[(int) outLength];
                Arrays.fill(missing, Float.NaN);
                String units = s.units == null ? "mV" : s.units;
                channels[i] = new Channel(s.description, units, s.gain == 0 ? DEFAULT_GAIN : s.gain, s.baseline,
                        Units.isVoltage(units), missing);
                warnings.add(label(i + 1, s.description) + " is not stored (format 0) and is NaN");
            }
        }
        return new Block(h.fs * maxSpf, maxSpf, List.of(channels), warnings, List.copyOf(formats));
    }

    private interface SegmentStep<T> {
        T run() throws EcgReadException;
    }

    /** A segment's failure, reported for the record the user asked for. */
    private static <T> T segmentPart(String record, String segment, SegmentStep<T> step) throws EcgReadException {
        try {
            return step.run();
        } catch (EcgReadException e) {
            throw new EcgReadException(record, "WFDB multi-segment record, segment " + segment + ": " + e.reason(), e);
        }
    }

    /** "signal 3 (V1)", or "signal 3" when the header gives no description. */
    static String label(int number, String description) {
        return description == null || description.isBlank() ? "signal " + number
                : "signal " + number + " (" + description.strip() + ")";
    }

    /** Where a signal file's samples are and how they are laid out. */
    private record FileLayout(Path path, String fileName, WfdbSignalFormat format, long offset, long size,
                              int frameSamples, int[] spf, int[] skew, int[] initial) {
        long framesAvailable() {
            long bytes = Math.max(0, size - offset);
            return format.samplesIn(bytes) / frameSamples;
        }

        int maxSkew() {
            int m = 0;
            for (int s : skew) {
                m = Math.max(m, s);
            }
            return m;
        }
    }

    private FileLayout layout(Path dir, String fileName, List<Integer> signals, Header h, String name)
            throws EcgReadException {
        Signal first = h.signals.get(signals.get(0));
        WfdbSignalFormat format = WfdbSignalFormat.of(first.format);
        if (format == null) {
            throw new EcgReadException(name, "unknown signal format " + first.format + " for " + fileName
                    + " (supported: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311)");
        }
        int[] spf = new int[signals.size()];
        int[] skew = new int[signals.size()];
        int[] initial = new int[signals.size()];
        int frame = 0;
        for (int k = 0; k < signals.size(); k++) {
            Signal s = h.signals.get(signals.get(k));
            if (s.format != first.format) {
                throw new EcgReadException(name, "signal file " + fileName + " mixes formats " + first.format + " and "
                        + s.format + ", which WFDB does not allow");
            }
            spf[k] = s.spf;
            skew[k] = s.skew;
            initial[k] = s.initialValue;
            frame += s.spf;
        }
        if (frame > 1 << 20) {
            throw new EcgReadException(name, "signal file " + fileName + " has " + frame
                    + " samples per frame, more than this reader takes (" + (1 << 20) + ")");
        }
        Path path = dir.resolve(fileName);
        if (!Files.isRegularFile(path)) {
            throw new EcgReadException(name, "signal file " + fileName + " named by the header is missing");
        }
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new EcgReadException(name, "signal file " + fileName + " cannot be read: " + e.getMessage(), e);
        }
        if (first.offset > size) {
            throw new EcgReadException(name, "signal file " + fileName + " has " + size + " bytes, fewer than its byte offset "
                    + first.offset);
        }
        return new FileLayout(path, fileName, format, first.offset, size, frame, spf, skew, initial);
    }

    /** Frames decoded per chunk: a multiple of 6, so chunks hold whole groups of every packed format. */
    private static final int CHUNK_FRAMES = 2730;

    /**
     * Decodes one signal file chunk by chunk into the signals' decoders; the file is never held
     * whole in memory, only the output samples are.
     */
    private void decodeFile(FileLayout layout, long nsamp, SignalDecoder[] decoders, String name)
            throws EcgReadException {
        long framesRead = Math.min(layout.framesAvailable(), nsamp + layout.maxSkew());
        int frameSamples = layout.frameSamples;
        WfdbSignalFormat format = layout.format;
        int chunkFrames = Math.max(6, Math.min(CHUNK_FRAMES, (1 << 20) / frameSamples) / 6 * 6);
        chunkFrames = (int) Math.min(chunkFrames, (framesRead + 5) / 6 * 6);
        int[] scratch = new int[chunkFrames * frameSamples];
        byte[] buf = new byte[(int) format.bytesFor((long) chunkFrames * frameSamples) + 4];
        try (FileChannel ch = FileChannel.open(layout.path, StandardOpenOption.READ)) {
            long position = layout.offset;
            for (long done = 0; done < framesRead; ) {
                int frames = (int) Math.min(chunkFrames, framesRead - done);
                int samples = frames * frameSamples;
                int bytes = (int) format.bytesFor(samples);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, bytes);
                while (bb.hasRemaining()) {
                    int n = ch.read(bb, position);
                    if (n < 0) {
                        throw new EcgReadException(name, "signal file " + layout.fileName + " ended early while reading");
                    }
                    position += n;
                }
                Arrays.fill(buf, bytes, Math.min(buf.length, bytes + 4), (byte) 0);
                format.decode(buf, 0, samples, scratch);
                for (SignalDecoder d : decoders) {
                    d.accept(scratch, frames, frameSamples, done);
                }
                done += frames;
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "signal file " + layout.fileName + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Turns one signal's digital samples into physical ones as chunks of frames arrive: format-8
     * integration, skew, checksum, invalid samples, and repetition up to the highest rate.
     */
    private static final class SignalDecoder {
        private final Signal signal;
        private final WfdbSignalFormat format;
        private final int pos;
        private final int spf;
        private final int maxSpf;
        private final long length;
        private final double baseline;
        private final double scale;
        private final String units;
        private final double gain;
        private final boolean voltage;
        private final float[] out;
        private int running;
        private int sum;
        private int invalid;
        private long written;

        SignalDecoder(Signal s, WfdbSignalFormat format, int pos, long nsamp, int maxSpf) {
            this.signal = s;
            this.format = format;
            this.pos = pos;
            this.spf = s.spf;
            this.maxSpf = maxSpf;
            this.length = nsamp * s.spf;
            this.units = s.units == null ? "mV" : s.units;
            this.voltage = Units.isVoltage(units);
            this.gain = s.gain == 0 ? DEFAULT_GAIN : s.gain;
            this.scale = (voltage ? Units.millivoltsPer(units) : 1.0) / gain;
            this.baseline = s.baseline;
            this.out = new float[(int) (nsamp * maxSpf)];
            this.running = s.initialValue;
        }

        void accept(int[] stream, int frames, int frameSamples, long firstFrame) {
            int inv = format.invalidValue();
            boolean hasInvalid = format != WfdbSignalFormat.DIFFERENCE_8;
            if (spf == 1 && maxSpf == 1 && signal.skew == 0 && hasInvalid) {
                // the common case, kept tight
                int t = (int) firstFrame;
                int n = (int) Math.min(frames, length - firstFrame);
                int s = sum;
                for (int f = 0, i = pos; f < n; f++, i += frameSamples) {
                    int d = stream[i];
                    s += d;
                    if (d == inv) {
                        out[t + f] = Float.NaN;
                        invalid++;
                    } else {
                        out[t + f] = (float) ((d - baseline) * scale);
                    }
                }
                sum = s;
                written = Math.max(written, (long) t + Math.max(n, 0));
                return;
            }
            for (int f = 0; f < frames; f++) {
                long frame = firstFrame + f - signal.skew;
                int base = f * frameSamples + pos;
                for (int j = 0; j < spf; j++) {
                    int d = stream[base + j];
                    if (!hasInvalid) {
                        running += d;
                        d = running;
                    }
                    long tk = frame * spf + j;
                    if (tk < 0 || tk >= length) {
                        continue;
                    }
                    sum += d;
                    float v;
                    if (hasInvalid && d == inv) {
                        v = Float.NaN;
                        invalid++;
                    } else {
                        v = (float) ((d - baseline) * scale);
                    }
                    if (spf == maxSpf) {
                        out[(int) tk] = v;
                        written = Math.max(written, tk + 1);
                    } else {
                        int lo = (int) ceilDiv(tk * maxSpf, spf);
                        int hi = (int) ceilDiv((tk + 1) * maxSpf, spf);
                        Arrays.fill(out, lo, hi, v);
                        written = Math.max(written, hi);
                    }
                }
            }
        }

        private static long ceilDiv(long a, long b) {
            return -Math.floorDiv(-a, b);
        }

        Channel finish(int number, List<String> warnings) {
            if (written < out.length) {
                // samples a skew moved past the end of the file
                Arrays.fill(out, (int) Math.min(written, out.length), out.length, Float.NaN);
            }
            checksum(signal, sum, number, warnings);
            if (invalid > 0) {
                warnings.add(label(number, signal.description) + ": " + invalid
                        + " samples hold the invalid-sample value and are NaN");
            }
            return new Channel(signal.description, units, gain, baseline, voltage, out);
        }
    }

    private static void checksum(Signal s, int sum, int number, List<String> warnings) {
        if (s.checksum == null) {
            return;
        }
        if ((sum & 0xffff) != (s.checksum & 0xffff)) {
            warnings.add(label(number, s.description) + ": checksum in the header is " + s.checksum
                    + " but the samples sum to " + (short) sum + " (mod 65536); the signal file may be damaged");
        }
    }

    private Block readMultiSegment(Path dir, Header h, String name) throws EcgReadException {
        List<String> warnings = new ArrayList<>();
        long total = 0;
        for (Segment s : h.segments) {
            total += s.nsamp;
            if (total < 0) {
                throw new EcgReadException(name, "WFDB header: the segments' sample counts overflow");
            }
        }
        long nsamp = h.nsamp >= 0 ? h.nsamp : total;
        if (nsamp != total) {
            warnings.add("the header declares " + h.nsamp + " samples but its segments hold " + total);
            nsamp = Math.min(nsamp, total);
        }
        // first every segment header (each name once), so that the whole size is known and
        // checked before any signal is decoded: a small header may list thousands of segments
        Map<String, Header> segmentHeaders = new LinkedHashMap<>();
        List<Signal> layoutSignals = null;
        int upsample = 0;
        for (int i = 0; i < h.segments.size(); i++) {
            Segment s = h.segments.get(i);
            if (s.isNull()) {
                continue;
            }
            Header sh = segmentHeaders.get(s.name);
            if (sh == null) {
                Path segPath = dir.resolve(s.name + ".hea");
                if (!Files.isRegularFile(segPath)) {
                    throw new EcgReadException(name, "WFDB multi-segment record: segment header " + s.name
                            + ".hea is missing");
                }
                sh = segmentPart(name, s.name, () -> parseHeader(segPath));
                if (sh.nseg > 0) {
                    throw new EcgReadException(name, "WFDB multi-segment record: segment " + s.name
                            + " is itself a multi-segment record");
                }
                segmentHeaders.put(s.name, sh);
            }
            if (i == 0 && s.nsamp == 0) {
                layoutSignals = sh.signals;
                continue;
            }
            if (sh.nsamp >= 0 && sh.nsamp != s.nsamp) {
                throw new EcgReadException(name, "WFDB multi-segment record: segment " + s.name + " has " + sh.nsamp
                        + " samples but the record header says " + s.nsamp);
            }
            if (Math.abs(sh.fs - h.fs) > 1e-9 * h.fs) {
                throw new EcgReadException(name, "WFDB multi-segment record: segment " + s.name + " is sampled at "
                        + sh.fs + " Hz, the record at " + h.fs + " Hz");
            }
            int spf = 1;
            for (Signal sig : sh.signals) {
                spf = Math.max(spf, sig.spf);
            }
            if (upsample == 0) {
                upsample = spf;
            } else if (spf != upsample) {
                throw new EcgReadException(name, "WFDB multi-segment record: segment " + s.name + " has " + spf
                        + " samples per frame at most, an earlier segment " + upsample
                        + "; segments of one record must agree");
            }
            if (layoutSignals == null) {
                layoutSignals = sh.signals;
            }
        }
        if (layoutSignals == null) {
            throw new EcgReadException(name, "WFDB multi-segment record: every segment is a null segment; there is no "
                    + "signal to read");
        }
        boolean variable = h.segments.get(0).nsamp == 0;
        int up = Math.max(upsample, 1);
        ReadLimits.checkValues(name, "WFDB", "the header lists " + h.nseg + " segments with " + nsamp
                + " samples in all" + (up > 1 ? " (" + up + " per frame)" : "") + " of " + layoutSignals.size()
                + " signals", layoutSignals.size(), nsamp * up);
        int length = (int) (nsamp * up);
        int nsig = layoutSignals.size();
        float[][] data = new float[nsig][length];
        Channel[] templates = new Channel[nsig];
        Set<String> formats = new LinkedHashSet<>();
        int pos = 0;
        for (int i = 0; i < h.segments.size() && pos < length; i++) {
            Segment s = h.segments.get(i);
            int n = (int) Math.min(s.nsamp * up, length - pos);
            if (n <= 0) {
                continue;
            }
            Block b = null;
            if (!s.isNull()) {
                Header sh = segmentHeaders.get(s.name);
                Path segPath = dir.resolve(s.name + ".hea");
                Header shs = sh.withSamples(s.nsamp);
                b = segmentPart(name, s.name, () -> readSingle(dir, shs, segPath.toString()));
                formats.addAll(b.formats);
                Block block = b;
                b.warnings.forEach(w -> warnings.add("segment " + s.name + ": " + w));
                if (!variable && block.channels.size() != nsig) {
                    throw new EcgReadException(name, "WFDB multi-segment record: segment " + s.name + " has "
                            + block.channels.size() + " signals, the first segment " + nsig + " (fixed layout)");
                }
            }
            for (int c = 0; c < nsig; c++) {
                Channel found = null;
                if (b != null) {
                    if (variable) {
                        for (Channel ch : b.channels) {
                            if (ch.description.equals(layoutSignals.get(c).description)) {
                                found = ch;
                                break;
                            }
                        }
                    } else {
                        found = b.channels.get(c);
                    }
                }
                if (found == null) {
                    Arrays.fill(data[c], pos, pos + n, Float.NaN);
                } else {
                    System.arraycopy(found.samples, 0, data[c], pos, n);
                    if (templates[c] == null) {
                        templates[c] = found;
                    }
                }
            }
            pos += n;
        }
        List<Channel> channels = new ArrayList<>();
        for (int c = 0; c < nsig; c++) {
            Signal ls = layoutSignals.get(c);
            Channel template = templates[c];
            String units = template != null ? template.units : ls.units == null ? "mV" : ls.units;
            double gain = template != null ? template.gain : ls.gain == 0 ? DEFAULT_GAIN : ls.gain;
            double baseline = template != null ? template.baseline : ls.baseline;
            channels.add(new Channel(ls.description, units, gain, baseline, Units.isVoltage(units), data[c]));
        }
        return new Block(h.fs * up, up, channels, warnings, List.copyOf(formats));
    }

    // ---------------------------------------------------------------- header parsing

    /** One signal line of a header. */
    record Signal(String fileName, int format, int spf, int skew, long offset, double gain, double baseline,
                  String units, int adcResolution, int adcZero, int initialValue, Integer checksum, int blockSize,
                  String description) {
    }

    /** One segment line of a multi-segment header; {@code ~} names a null segment. */
    record Segment(String name, long nsamp) {
        boolean isNull() {
            return "~".equals(name);
        }
    }

    /** A parsed header; {@code nsamp} is −1 when the header does not state it. */
    static final class Header {
        final String name;
        final int nseg;
        final int nsig;
        final double fs;
        final long nsamp;
        final String baseTime;
        final String baseDate;
        final List<Signal> signals = new ArrayList<>();
        final List<Segment> segments = new ArrayList<>();
        final List<String> comments = new ArrayList<>();
        /** What the record line says outside the WFDB specification but was read anyway. */
        final List<String> notes = new ArrayList<>();

        Header(String name, int nseg, int nsig, double fs, long nsamp, String baseTime, String baseDate) {
            this.name = name;
            this.nseg = nseg;
            this.nsig = nsig;
            this.fs = fs;
            this.nsamp = nsamp;
            this.baseTime = baseTime;
            this.baseDate = baseDate;
        }

        Header withSamples(long n) {
            Header copy = new Header(name, nseg, nsig, fs, n, baseTime, baseDate);
            copy.signals.addAll(signals);
            copy.segments.addAll(segments);
            copy.comments.addAll(comments);
            copy.notes.addAll(notes);
            return copy;
        }
    }

    /** Parses a header file; every violation of {@code header(5)} is an {@link EcgReadException}. */
    static Header parseHeader(Path file) throws EcgReadException {
        String name = file.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new EcgReadException(name, "header file not found");
            }
            long size = Files.size(file);
            if (size > MAX_HEADER_BYTES) {
                throw new EcgReadException(name, "header of " + size + " bytes is too large for a WFDB header");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new EcgReadException(name, "not a WFDB header: binary content");
            }
        }
        String[] lines = LINE_BREAK.split(new String(bytes, StandardCharsets.ISO_8859_1));
        Header h = null;
        List<String> comments = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String comment = line.substring(1).strip();
                if (!comment.isEmpty()) {
                    comments.add(comment);
                }
                continue;
            }
            try {
                if (h == null) {
                    h = parseRecordLine(line, name, i + 1);
                } else if (h.nseg > 0 && h.segments.size() < h.nseg) {
                    h.segments.add(parseSegmentLine(line, name, i + 1));
                } else if (h.nseg == 0 && h.signals.size() < h.nsig) {
                    h.signals.add(parseSignalLine(line, name, i + 1));
                } else {
                    throw new EcgReadException(name, "line " + (i + 1) + ": unexpected line after the "
                            + (h.nseg > 0 ? h.nseg + " segment" : h.nsig + " signal") + " lines: '" + abbreviate(line)
                            + "'");
                }
            } catch (EcgReadException e) {
                throw new EcgReadException(name, "WFDB header, " + e.reason());
            }
        }
        if (h == null) {
            throw new EcgReadException(name, "WFDB header without a record line (empty or only comments)");
        }
        h.comments.addAll(comments);
        if (h.nseg > 0 && h.segments.size() < h.nseg) {
            throw new EcgReadException(name, "WFDB header: the record line declares " + h.nseg
                    + " segments, the header lists " + h.segments.size());
        }
        if (h.nseg == 0 && h.signals.size() < h.nsig) {
            throw new EcgReadException(name, "WFDB header: the record line declares " + h.nsig
                    + " signals, the header describes " + h.signals.size());
        }
        return h;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    static Header parseRecordLine(String line, String name, int lineNo) throws EcgReadException {
        String[] t = FIELD_SEPARATOR.split(line);
        String where = "line " + lineNo + " (record line): ";
        String recordField = t[0];
        int nseg = 0;
        int slash = recordField.indexOf('/');
        String record = slash >= 0 ? recordField.substring(0, slash) : recordField;
        if (!RECORD_NAME.matcher(record).matches()) {
            throw new EcgReadException(name, where + "'" + abbreviate(record) + "' is not a record name");
        }
        if (slash >= 0) {
            nseg = parseInt(recordField.substring(slash + 1), name, where + "number of segments");
            if (nseg < 1 || nseg > MAX_SEGMENTS) {
                throw new EcgReadException(name, where + "number of segments " + nseg + " is out of range");
            }
        }
        if (t.length < 2) {
            throw new EcgReadException(name, where + "the number of signals is missing");
        }
        int nsig = parseInt(t[1], name, where + "number of signals");
        if (nsig < 0 || nsig > MAX_SIGNALS) {
            throw new EcgReadException(name, where + "number of signals " + nsig + " is out of range");
        }
        double fs = DEFAULT_FS;
        if (t.length > 2) {
            Matcher m = FS_FIELD.matcher(t[2]);
            if (!m.matches()) {
                throw new EcgReadException(name, where + "unreadable sampling frequency '" + t[2] + "'");
            }
            fs = parseDouble(m.group(1), name, where + "sampling frequency");
            if (!(fs >= ReadLimits.MIN_RATE_HZ && fs <= ReadLimits.MAX_RATE_HZ)) {
                throw new EcgReadException(name, where + "sampling frequency " + m.group(1)
                        + " Hz is outside the 1 Hz to 100 kHz an ECG can be sampled at");
            }
        }
        long nsamp = -1;
        if (t.length > 3) {
            nsamp = parseLong(t[3], name, where + "number of samples");
            if (nsamp < 0) {
                throw new EcgReadException(name, where + "negative number of samples " + nsamp);
            }
            if (nsamp == 0 && nseg == 0) {
                nsamp = -1;
            }
        }
        List<String> notes = new ArrayList<>();
        Matcher ext = RECORD_EXTENSION.matcher(record);
        if (ext.matches()) {
            // PhysioNet/CinC Challenge headers name the record with its signal file's extension
            notes.add("the record line names the record '" + record + "' with a file extension; read as '"
                    + ext.group(1) + "'");
            record = ext.group(1);
        }
        String baseTime = null;
        String baseDate = null;
        for (int k = 4; k < Math.min(t.length, 6); k++) {
            String field = t[k];
            if (baseTime == null && baseDate == null && k == 4 && BASE_TIME.matcher(field).matches()) {
                baseTime = field;
            } else if (baseDate == null && BASE_DATE.matcher(field).matches()) {
                baseDate = field;
            } else if (baseDate == null && MONTH_NAME_DATE.matcher(field).matches()) {
                baseDate = monthNameDate(field, name, where);
                notes.add("the base date '" + field + "' is written DD-Mon-YYYY (as in PhysioNet/CinC Challenge"
                        + " headers), not dd/mm/yyyy; read as " + baseDate);
            } else if (baseTime == null && baseDate != null && BASE_TIME.matcher(field).matches()) {
                baseTime = field;
                notes.add("the base time follows the base date on the record line; read as " + field);
            } else if (k == 4 && baseTime == null) {
                throw new EcgReadException(name, where + "unreadable base time '" + abbreviate(field) + "'");
            } else {
                throw new EcgReadException(name, where + "unreadable base date '" + abbreviate(field) + "'");
            }
        }
        if (t.length > 6) {
            throw new EcgReadException(name, where + "unexpected text after the base date: '" + abbreviate(t[6]) + "'");
        }
        Header header = new Header(record, nseg, nsig, fs, nsamp, baseTime, baseDate);
        header.notes.addAll(notes);
        return header;
    }

    private static final Pattern RECORD_EXTENSION = Pattern.compile("(.+)\\.(?i:mat|dat|hea)");
    private static final Pattern BASE_TIME = Pattern.compile("\\d{1,2}(:\\d{1,2}){0,2}(\\.\\d+)?");
    private static final Pattern BASE_DATE = Pattern.compile("\\d{1,2}/\\d{1,2}/\\d{1,4}");
    private static final Pattern MONTH_NAME_DATE = Pattern.compile("(\\d{1,2})-([A-Za-z]{3})-(\\d{4})");
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    /** {@code 05-May-2020} as WFDB's {@code 05/05/2020}. */
    private static String monthNameDate(String field, String name, String where) throws EcgReadException {
        Matcher m = MONTH_NAME_DATE.matcher(field);
        m.matches();
        int month = MONTHS.indexOf(m.group(2).toLowerCase(java.util.Locale.ROOT)) + 1;
        int day = Integer.parseInt(m.group(1));
        if (month == 0 || day < 1 || day > 31) {
            throw new EcgReadException(name, where + "unreadable base date '" + abbreviate(field) + "'");
        }
        return pad(Integer.toString(day)) + "/" + pad(Integer.toString(month)) + "/" + m.group(3);
    }

    static Segment parseSegmentLine(String line, String name, int lineNo) throws EcgReadException {
        String[] t = FIELD_SEPARATOR.split(line);
        String where = "line " + lineNo + " (segment line): ";
        if (t.length != 2) {
            throw new EcgReadException(name, where + "expected a segment name and its number of samples");
        }
        if (!t[0].equals("~") && !RECORD_NAME.matcher(t[0]).matches()) {
            throw new EcgReadException(name, where + "'" + abbreviate(t[0]) + "' is not a segment name");
        }
        long n = parseLong(t[1], name, where + "number of samples");
        if (n < 0) {
            throw new EcgReadException(name, where + "negative number of samples " + n);
        }
        return new Segment(t[0], n);
    }

    static Signal parseSignalLine(String line, String name, int lineNo) throws EcgReadException {
        String[] t = FIELD_SEPARATOR.split(line, 9);
        String where = "line " + lineNo + " (signal line): ";
        if (t.length < 2) {
            throw new EcgReadException(name, where + "the signal format is missing");
        }
        String fileName = t[0];
        if (fileName.contains("/") || fileName.contains("\\") || fileName.equals("..")) {
            throw new EcgReadException(name, where + "signal file '" + abbreviate(fileName)
                    + "' is not a plain file name beside the header");
        }
        Matcher f = FORMAT_FIELD.matcher(t[1]);
        if (!f.matches()) {
            throw new EcgReadException(name, where + "unreadable signal format '" + abbreviate(t[1]) + "'");
        }
        int format = parseInt(f.group(1), name, where + "signal format");
        int spf = f.group(2) == null ? 1 : parseInt(f.group(2), name, where + "samples per frame");
        int skew = f.group(3) == null ? 0 : parseInt(f.group(3), name, where + "skew");
        long offset = f.group(4) == null ? 0 : parseLong(f.group(4), name, where + "byte offset");
        if (spf < 1 || spf > 1_000_000) {
            throw new EcgReadException(name, where + "samples per frame " + spf + " is out of range");
        }
        if (skew > 1_000_000) {
            throw new EcgReadException(name, where + "skew " + skew + " is out of range");
        }
        double gain = DEFAULT_GAIN;
        String units = null;
        Double baseline = null;
        if (t.length > 2) {
            Matcher g = GAIN_FIELD.matcher(t[2]);
            if (!g.matches()) {
                throw new EcgReadException(name, where + "unreadable ADC gain '" + abbreviate(t[2]) + "'");
            }
            gain = parseDouble(g.group(1), name, where + "ADC gain");
            if (Double.isNaN(gain) || Double.isInfinite(gain)) {
                throw new EcgReadException(name, where + "ADC gain " + g.group(1) + " is not a number");
            }
            if (g.group(2) != null) {
                baseline = (double) parseInt(g.group(2), name, where + "baseline");
            }
            if (g.group(3) != null && !g.group(3).isEmpty()) {
                units = g.group(3);
            }
        }
        int adcResolution = t.length > 3 ? parseInt(t[3], name, where + "ADC resolution") : 0;
        int adcZero = t.length > 4 ? parseInt(t[4], name, where + "ADC zero") : 0;
        int initial = t.length > 5 ? parseInt(t[5], name, where + "initial value") : adcZero;
        Integer checksum = t.length > 6 ? parseInt(t[6], name, where + "checksum") : null;
        int blockSize = t.length > 7 ? parseInt(t[7], name, where + "block size") : 0;
        String description = t.length > 8 ? t[8].strip() : "";
        return new Signal(fileName, format, spf, skew, offset, gain, baseline == null ? adcZero : baseline, units,
                adcResolution, adcZero, initial, checksum, blockSize, description);
    }

    private static int parseInt(String s, String name, String what) throws EcgReadException {
        try {
            return Integer.parseInt(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw new EcgReadException(name, what + ": '" + abbreviate(s) + "' is not an integer");
        }
    }

    private static long parseLong(String s, String name, String what) throws EcgReadException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new EcgReadException(name, what + ": '" + abbreviate(s) + "' is not an integer");
        }
    }

    private static double parseDouble(String s, String name, String what) throws EcgReadException {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new EcgReadException(name, what + ": '" + abbreviate(s) + "' is not a number");
        }
    }

    private static Path parent(Path file) {
        Path p = file.toAbsolutePath().getParent();
        return p == null ? file.toAbsolutePath() : p;
    }
}
