package org.exchangeai.core.io.edf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.ecg.Annotation;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.ecg.Units;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.ReadOptions;

/**
 * European Data Format: EDF, EDF+ (the {@code EDF Annotations} signal is not a lead; its
 * time-stamped annotation lists become {@link Annotation}s) and BioSemi BDF (24-bit samples).
 * Physical value = (digital − digMin) · (physMax − physMin) / (digMax − digMin) + physMin, per
 * signal, in the signal's physical dimension. Voltage signals at the most common rate are read;
 * signals at other rates are left out with a warning. The header's sizes are checked against the
 * file: fewer bytes than the declared records is refused, a record count of −1 is computed from
 * the file size. Scaling that looks implausible for an ECG is read as declared, with a warning.
 */
public final class EdfReader implements EcgFormat {

    /** A scaling quantum coarser than this (µV per digital unit) is no diagnostic ECG resolution. */
    static final double PLAUSIBLE_QUANTUM_UV = 20;
    /** Amplitudes beyond this (mV) do not occur in a surface ECG. */
    static final double PLAUSIBLE_AMPLITUDE_MV = 20;
    /** More kept samples than this are refused before allocating (1 GiB of floats). */
    static final long MAX_SAMPLES = 1L << 28;
    private static final int MAX_SIGNALS = 4096;

    @Override
    public String name() {
        return "EDF";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        if (head.length < 256) {
            return false;
        }
        boolean edf = head[0] == '0' && allSpaces(head, 1, 8);
        boolean bdf = (head[0] & 0xff) == 0xff && new String(head, 1, 7, StandardCharsets.US_ASCII).equals("BIOSEMI");
        if (!edf && !bdf) {
            return false;
        }
        try {
            int headerBytes = Integer.parseInt(ascii(head, 184, 8));
            int ns = Integer.parseInt(ascii(head, 252, 4));
            return ns >= 0 && headerBytes == 256 * (ns + 1);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean allSpaces(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ') {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1).trim();
    }

    /** One signal's header fields. */
    record Signal(String label, String transducer, String dimension, double physMin, double physMax, double digMin,
                  double digMax, String prefilter, int samplesPerRecord, boolean annotation) {
        double gain() {
            return (digMax - digMin) / (physMax - physMin);
        }

        double baseline() {
            return digMin - physMin * gain();
        }
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        long size;
        byte[] fixed = new byte[256];
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            if (size == 0) {
                throw new EcgReadException(name, "file is empty");
            }
            if (in.readNBytes(fixed, 0, 256) < 256) {
                throw new EcgReadException(name, "truncated: " + size + " bytes is shorter than the 256-byte EDF header");
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        boolean bdf = (fixed[0] & 0xff) == 0xff;
        if (!bdf && !(fixed[0] == '0' && allSpaces(fixed, 1, 8))) {
            throw new EcgReadException(name, "not an EDF/BDF file (version field is '" + ascii(fixed, 0, 8) + "')");
        }
        int bytesPerSample = bdf ? 3 : 2;
        String reserved = ascii(fixed, 192, 44);
        boolean plus = reserved.startsWith("EDF+") || reserved.startsWith("BDF+");
        int headerBytes = intField(name, fixed, 184, 8, "header size");
        long declaredRecords = longField(name, fixed, 236, 8, "number of data records");
        double recordSeconds = doubleField(name, fixed, 244, 8, "data record duration");
        int ns = intField(name, fixed, 252, 4, "number of signals");
        if (ns < 1 || ns > MAX_SIGNALS) {
            throw new EcgReadException(name, "implausible number of signals " + ns);
        }
        if (headerBytes != 256 * (ns + 1)) {
            throw new EcgReadException(name, "header size field says " + headerBytes + " bytes, but " + ns
                    + " signals need 256 x (" + ns + " + 1) = " + 256 * (ns + 1));
        }
        if (size < headerBytes) {
            throw new EcgReadException(name, "truncated: the header needs " + headerBytes + " bytes, the file has " + size);
        }
        byte[] h = new byte[headerBytes];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(h, 0, headerBytes) != headerBytes) {
                throw new EcgReadException(name, "truncated header");
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        List<Signal> signals = parseSignals(name, h, ns, bdf);
        long recordBytes = 0;
        for (Signal s : signals) {
            recordBytes += (long) s.samplesPerRecord() * bytesPerSample;
        }
        if (recordBytes == 0) {
            throw new EcgReadException(name, "data records hold no samples");
        }
        long dataBytes = size - headerBytes;
        List<String> warnings = new ArrayList<>();
        long records;
        if (declaredRecords == -1) {
            if (dataBytes % recordBytes != 0) {
                throw new EcgReadException(name, "number of data records is -1 (unknown) and the " + dataBytes
                        + " data bytes are not a whole number of " + recordBytes + "-byte records");
            }
            records = dataBytes / recordBytes;
            warnings.add("number of data records was -1 (recording not closed); " + records + " computed from the file size");
        } else if (declaredRecords < 0) {
            throw new EcgReadException(name, "negative number of data records " + declaredRecords);
        } else {
            records = declaredRecords;
            long need = records * recordBytes;
            if (dataBytes < need) {
                throw new EcgReadException(name, "truncated: the header declares " + records + " data records of "
                        + recordBytes + " bytes (" + need + " bytes), the file holds " + dataBytes + " data bytes ("
                        + dataBytes / recordBytes + " whole records)");
            }
            if (dataBytes > need) {
                warnings.add((dataBytes - need) + " bytes after the last declared data record were ignored");
            }
        }
        if (records == 0) {
            throw new EcgReadException(name, "the file holds no data records");
        }
        if (!(recordSeconds > 0)) {
            throw new EcgReadException(name, "data record duration " + recordSeconds + " s is not positive");
        }
        // choose voltage signals at the most common rate
        Map<Integer, Integer> countByRate = new LinkedHashMap<>();
        List<Integer> candidates = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (int i = 0; i < ns; i++) {
            Signal s = signals.get(i);
            if (s.annotation()) {
                continue;
            }
            boolean voltage = Units.isVoltage(s.dimension()) || (s.dimension().isEmpty() && LeadNames.rank(
                    LeadNames.normalize(s.label())) < 1000);
            if (!voltage || s.samplesPerRecord() == 0) {
                leftOut.add(s.label() + " (" + (s.dimension().isEmpty() ? "no unit" : s.dimension()) + ")");
                continue;
            }
            candidates.add(i);
            countByRate.merge(s.samplesPerRecord(), 1, Integer::sum);
        }
        if (candidates.isEmpty()) {
            throw new EcgReadException(name, "no voltage signal to read as ECG" + (leftOut.isEmpty() ? "" : "; signals: "
                    + String.join(", ", leftOut)));
        }
        int chosen = countByRate.entrySet().stream().max((a, b) -> a.getValue().equals(b.getValue())
                ? Integer.compare(a.getKey(), b.getKey()) : Integer.compare(a.getValue(), b.getValue())).get().getKey();
        List<Integer> kept = new ArrayList<>();
        for (int i : candidates) {
            Signal s = signals.get(i);
            if (s.samplesPerRecord() == chosen) {
                kept.add(i);
            } else {
                leftOut.add(s.label() + " (" + fmt(s.samplesPerRecord() / recordSeconds) + " Hz)");
            }
        }
        if (!leftOut.isEmpty()) {
            warnings.add("left out " + leftOut.size() + " signal(s) that are not voltages or have another rate than the "
                    + fmt(chosen / recordSeconds) + " Hz of the leads: " + String.join(", ", leftOut));
        }
        long perLead = records * chosen;
        if (perLead > Integer.MAX_VALUE - 8 || perLead * kept.size() > MAX_SAMPLES) {
            throw new EcgReadException(name, records + " records x " + chosen + " samples x " + kept.size()
                    + " signals is too large to hold in memory");
        }
        double fs = chosen / recordSeconds;
        float[][] data = new float[kept.size()][(int) perLead];
        double[] mvPerPhys = new double[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            Signal s = signals.get(kept.get(k));
            if (s.dimension().isEmpty()) {
                mvPerPhys[k] = 1.0;
                warnings.add("signal " + s.label() + " has no physical dimension; read as mV");
            } else {
                mvPerPhys[k] = Units.millivoltsPer(s.dimension());
            }
        }
        int[] keptIndex = new int[ns];
        java.util.Arrays.fill(keptIndex, -1);
        for (int k = 0; k < kept.size(); k++) {
            keptIndex[kept.get(k)] = k;
        }
        int annotationSignal = -1;
        for (int i = 0; i < ns; i++) {
            if (signals.get(i).annotation()) {
                annotationSignal = i;
                break;
            }
        }
        List<Annotation> annotations = new ArrayList<>();
        List<String> annotationTexts = new ArrayList<>();
        double[] scale = new double[ns];
        double[] offset = new double[ns];
        for (int i = 0; i < ns; i++) {
            Signal s = signals.get(i);
            if (!s.annotation()) {
                scale[i] = (s.physMax() - s.physMin()) / (s.digMax() - s.digMin());
                offset[i] = s.physMin() - s.digMin() * scale[i];
            }
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            in.skipNBytes(headerBytes);
            byte[] rec = new byte[(int) Math.min(recordBytes, Integer.MAX_VALUE - 8)];
            if (recordBytes > rec.length) {
                throw new EcgReadException(name, "data records of " + recordBytes + " bytes are too large");
            }
            for (long r = 0; r < records; r++) {
                if (in.readNBytes(rec, 0, rec.length) != rec.length) {
                    throw new EcgReadException(name, "truncated: data ends inside record " + (r + 1) + " of " + records);
                }
                int pos = 0;
                for (int i = 0; i < ns; i++) {
                    Signal s = signals.get(i);
                    int n = s.samplesPerRecord();
                    int k = keptIndex[i];
                    if (k >= 0) {
                        float[] out = data[k];
                        int base = (int) (r * n);
                        double sc = scale[i] * mvPerPhys[k];
                        double of = offset[i] * mvPerPhys[k];
                        for (int j = 0; j < n; j++) {
                            int p = pos + j * bytesPerSample;
                            int digital = bdf
                                    ? (rec[p] & 0xff) | (rec[p + 1] & 0xff) << 8 | rec[p + 2] << 16
                                    : (short) ((rec[p] & 0xff) | (rec[p + 1] & 0xff) << 8);
                            out[base + j] = (float) (digital * sc + of);
                        }
                    } else if (i == annotationSignal) {
                        parseTals(rec, pos, n * bytesPerSample, fs, annotations, annotationTexts);
                    }
                    pos += n * bytesPerSample;
                }
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        Ecg.Builder b = Ecg.builder(fs);
        double[] gains = new double[kept.size()];
        double[] baselines = new double[kept.size()];
        List<String> flat = new ArrayList<>();
        for (int k = 0; k < kept.size(); k++) {
            Signal s = signals.get(kept.get(k));
            gains[k] = s.gain();
            baselines[k] = s.baseline();
            if (isFlat(data[k])) {
                flat.add(s.label());
            }
        }
        plausibility(signals, kept, mvPerPhys, data, warnings);
        if (!flat.isEmpty()) {
            warnings.add(flat.size() + " signal(s) are flat (one constant value): " + String.join(", ", flat));
        }
        if (reserved.startsWith("EDF+D") || reserved.startsWith("BDF+D")) {
            warnings.add("EDF+D (discontinuous) file: data records are joined without their time gaps");
        }
        try {
            for (int k = 0; k < kept.size(); k++) {
                b.lead(signals.get(kept.get(k)).label(), data[k]);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        Ecg probe = b.build();
        // gains and baselines follow the canonical order of the built recording; derived leads have none (NaN)
        double[] g = new double[probe.leadCount()];
        double[] bl = new double[probe.leadCount()];
        java.util.Arrays.fill(g, Double.NaN);
        java.util.Arrays.fill(bl, Double.NaN);
        for (int k = 0; k < kept.size(); k++) {
            int idx = probe.indexOf(signals.get(kept.get(k)).label());
            g[idx] = gains[k];
            bl[idx] = baselines[k];
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("variant", bdf ? (plus ? "BDF+" : "BDF") : (plus ? "EDF+" : "EDF"));
        props.put("data_records", String.valueOf(records));
        props.put("record_duration_s", String.valueOf(recordSeconds));
        props.put("samples_per_record", String.valueOf(chosen));
        props.put("physical_dimension", signals.get(kept.get(0)).dimension());
        List<String> notes = new ArrayList<>();
        String device = null;
        String recordingField = ascii(fixed, 88, 80);
        if (plus) {
            String[] parts = recordingField.split("\\s+");
            if (parts.length >= 5 && !parts[4].equals("X")) {
                device = parts[4].replace('_', ' ');
            }
        }
        for (int k = 0; k < kept.size(); k++) {
            Signal s = signals.get(kept.get(k));
            if (!s.prefilter().isEmpty()) {
                notes.add(s.label() + " prefiltering: " + s.prefilter());
            }
        }
        String dimension = signals.get(kept.get(0)).dimension();
        Ecg.Builder out = probe.toBuilder();
        out.annotations(annotations);
        warnings.forEach(out::warning);
        out.source(new SourceInfo(name, name(), dimension.isEmpty() ? "mV" : dimension, g, bl, fs, notes, device,
                acquisitionTime(fixed, recordingField), props));
        return out.build();
    }

    private static List<Signal> parseSignals(String name, byte[] h, int ns, boolean bdf) throws EcgReadException {
        int[] widths = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
        int[] starts = new int[widths.length];
        int off = 256;
        for (int f = 0; f < widths.length; f++) {
            starts[f] = off;
            off += widths[f] * ns;
        }
        List<Signal> out = new ArrayList<>();
        for (int i = 0; i < ns; i++) {
            String label = ascii(h, starts[0] + 16 * i, 16);
            boolean annotation = label.equals("EDF Annotations") || label.equals("BDF Annotations");
            String what = "signal " + (i + 1) + " (" + label + ")";
            double physMin = doubleField(name, h, starts[3] + 8 * i, 8, what + " physical minimum");
            double physMax = doubleField(name, h, starts[4] + 8 * i, 8, what + " physical maximum");
            double digMin = doubleField(name, h, starts[5] + 8 * i, 8, what + " digital minimum");
            double digMax = doubleField(name, h, starts[6] + 8 * i, 8, what + " digital maximum");
            int n = intField(name, h, starts[8] + 8 * i, 8, what + " samples per record");
            if (n < 0) {
                throw new EcgReadException(name, what + " has a negative sample count " + n);
            }
            if (!annotation && (digMax == digMin || physMax == physMin)) {
                throw new EcgReadException(name, what + " has a zero digital or physical range (digital " + fmt(digMin)
                        + ".." + fmt(digMax) + ", physical " + fmt(physMin) + ".." + fmt(physMax) + ")");
            }
            out.add(new Signal(label, ascii(h, starts[1] + 80 * i, 80), ascii(h, starts[2] + 8 * i, 8), physMin, physMax,
                    digMin, digMax, ascii(h, starts[7] + 80 * i, 80), n, annotation));
        }
        return out;
    }

    /**
     * Warns when a signal's scaling quantum is coarser than any diagnostic ECG resolution or its
     * amplitudes exceed what a surface ECG shows; the values stay as the header declares them.
     */
    private static void plausibility(List<Signal> signals, List<Integer> kept, double[] mvPerPhys, float[][] data,
                                     List<String> warnings) {
        double worstQuantum = 0;
        double worstAmplitude = 0;
        for (int k = 0; k < kept.size(); k++) {
            Signal s = signals.get(kept.get(k));
            double quantumUv = Math.abs((s.physMax() - s.physMin()) / (s.digMax() - s.digMin())) * mvPerPhys[k] * 1000;
            worstQuantum = Math.max(worstQuantum, quantumUv);
            for (float v : data[k]) {
                worstAmplitude = Math.max(worstAmplitude, Math.abs(v));
            }
        }
        boolean coarse = worstQuantum > PLAUSIBLE_QUANTUM_UV;
        boolean large = worstAmplitude > PLAUSIBLE_AMPLITUDE_MV;
        if (coarse || large) {
            warnings.add(String.format(Locale.ROOT, "header scaling looks implausible for an ECG (%s%s%s); read as "
                            + "declared, but amplitudes may be wrong by a constant factor",
                    coarse ? String.format(Locale.ROOT, "%.3g uV per digital unit, coarser than the %.0f uV of any "
                            + "diagnostic ECG", worstQuantum, PLAUSIBLE_QUANTUM_UV) : "",
                    coarse && large ? "; " : "",
                    large ? String.format(Locale.ROOT, "amplitudes reach %.3g mV, beyond the %.0f mV of a surface ECG",
                            worstAmplitude, PLAUSIBLE_AMPLITUDE_MV) : ""));
        }
    }

    private static boolean isFlat(float[] x) {
        for (float v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }

    /** EDF+ time-stamped annotation lists: {@code +onset[\x15duration]\x14text\x14...\x14\0}. */
    static void parseTals(byte[] rec, int from, int length, double fs, List<Annotation> out, List<String> texts) {
        int end = from + length;
        int p = from;
        while (p < end) {
            if (rec[p] == 0) {
                p++;
                continue;
            }
            int talEnd = p;
            while (talEnd < end && rec[talEnd] != 0) {
                talEnd++;
            }
            String tal = new String(rec, p, talEnd - p, StandardCharsets.UTF_8);
            p = talEnd + 1;
            String[] parts = tal.split("\u0014", -1);
            if (parts.length < 2) {
                continue;
            }
            String time = parts[0];
            String onsetText = time;
            String duration = null;
            int d = time.indexOf('\u0015');
            if (d >= 0) {
                onsetText = time.substring(0, d);
                duration = time.substring(d + 1);
            }
            double onset;
            try {
                onset = Double.parseDouble(onsetText);
            } catch (NumberFormatException e) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String text = parts[i].trim();
                if (text.isEmpty()) {
                    continue;
                }
                String full = duration == null || duration.isEmpty() ? text : text + " (duration " + duration + " s)";
                out.add(new Annotation(Math.round(onset * fs), "\"", null, full, 0));
                texts.add(full);
            }
        }
    }

    /** Start date and time as ISO 8601; EDF years 85–99 are 19xx, others 20xx, unless EDF+ gives four digits. */
    private static String acquisitionTime(byte[] h, String recordingField) {
        String date = ascii(h, 168, 8);
        String time = ascii(h, 176, 8);
        String[] dp = date.split("\\.");
        String[] tp = time.split("\\.");
        if (dp.length != 3 || tp.length != 3) {
            return null;
        }
        try {
            int day = Integer.parseInt(dp[0]);
            int month = Integer.parseInt(dp[1]);
            int yy = Integer.parseInt(dp[2]);
            int year = yy >= 85 ? 1900 + yy : 2000 + yy;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Startdate \\d{2}-[A-Za-z]{3}-(\\d{4})")
                    .matcher(recordingField);
            if (m.find()) {
                year = Integer.parseInt(m.group(1));
            }
            return String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
                    Integer.parseInt(tp[0]), Integer.parseInt(tp[1]), Integer.parseInt(tp[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int intField(String name, byte[] h, int off, int len, String what) throws EcgReadException {
        long v = longField(name, h, off, len, what);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new EcgReadException(name, what + " " + v + " is out of range");
        }
        return (int) v;
    }

    private static long longField(String name, byte[] h, int off, int len, String what) throws EcgReadException {
        String s = ascii(h, off, len);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new EcgReadException(name, "unreadable " + what + " '" + s + "' in the header");
        }
    }

    private static double doubleField(String name, byte[] h, int off, int len, String what) throws EcgReadException {
        String s = ascii(h, off, len).replace(',', '.');
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new EcgReadException(name, "unreadable " + what + " '" + s + "' in the header");
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
