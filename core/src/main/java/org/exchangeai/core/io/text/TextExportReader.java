package org.exchangeai.core.io.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;

/**
 * Plain-text exports that carry a few lines of description before the samples, recognised by
 * content whatever the extension:
 *
 * <ul>
 *   <li><b>Rhythm-signal layout</b>: a line {@code Rhythm signal: N X M} (N samples of M leads),
 *       then N rows of M whitespace-separated integers (the 12-lead ECG viewer's export). The file
 *       states neither rate, units nor lead names: the rate follows {@code --fs} or the 10-s rule,
 *       the integers are read as µV (what that exporter writes) unless {@code --units} or
 *       {@code --adc-gain} say otherwise, and 12 columns are taken in the standard order; every
 *       assumption is a warning.</li>
 *   <li><b>Key-value header</b>: lines {@code key: value} such as {@code Sampling Rate (Hz): 500}
 *       and {@code Gain (digit/millivolt): 2048}, then a row of lead names and delimited rows of
 *       numbers. Keys for rate, gain, resolution and units are read; other keys are kept as
 *       properties.</li>
 * </ul>
 */
public final class TextExportReader implements EcgFormat {

    static final long MAX_BYTES = CsvReader.MAX_BYTES;

    private static final Pattern RHYTHM = Pattern.compile("(?i)^\\s*rhythm\\s+signal\\s*:\\s*(\\d+)\\s*[xX×]\\s*(\\d+)\\s*$");
    private static final Pattern KEY_VALUE = Pattern.compile("^\\s*([A-Za-z][^:,;\\t]{0,80}?)\\s*:\\s*(.*?)\\s*$");
    private static final Pattern RATE_KEY = Pattern.compile("(?i).*(sampl\\w*\\s*(rate|freq\\w*)|^fs\\b|^frequency).*");
    private static final Pattern GAIN_KEY = Pattern.compile("(?i).*\\bgain\\b.*");
    private static final Pattern RESOLUTION_KEY = Pattern.compile("(?i).*(resolution|lsb|amplitude\\s*unit).*");
    private static final Pattern UNITS_KEY = Pattern.compile("(?i)^\\s*units?\\b.*");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    @Override
    public String name() {
        return "Text export";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        String text = CsvReader.decodeText(head);
        if (text == null || Headerless.extension(file).equals("hea")) {
            return false;
        }
        String[] lines = text.split("\r\n|\r|\n", 64);
        int keys = 0;
        boolean known = false;
        for (int i = 0; i < lines.length - 1; i++) {
            String l = lines[i].strip();
            if (l.isEmpty()) {
                continue;
            }
            if (keys == 0 && RHYTHM.matcher(l).matches()) {
                return true;
            }
            Matcher kv = KEY_VALUE.matcher(l);
            if (kv.matches() && !kv.group(2).isEmpty()) {
                keys++;
                String k = kv.group(1);
                known |= RATE_KEY.matcher(k).matches() || GAIN_KEY.matcher(k).matches()
                        || RESOLUTION_KEY.matcher(k).matches();
                continue;
            }
            // the first line that is not "key: value": a table must follow a described header
            return keys > 0 && known && isTableStart(lines, i);
        }
        return false;
    }

    /** A row of names (or numbers) followed by a row of numbers with as many fields. */
    private static boolean isTableStart(String[] lines, int i) {
        if (i + 1 >= lines.length - 1) {
            return false;
        }
        char d = delimiter(lines[i]);
        String[] names = split(lines[i], d);
        String[] first = split(lines[i + 1], d);
        if (names.length < 1 || names.length != first.length) {
            return false;
        }
        for (String f : first) {
            if (!NUMBER.matcher(f).matches()) {
                return false;
            }
        }
        return true;
    }

    private static char delimiter(String line) {
        if (line.indexOf('\t') >= 0) {
            return '\t';
        }
        if (line.indexOf(';') >= 0) {
            return ';';
        }
        return line.indexOf(',') >= 0 ? ',' : ' ';
    }

    private static String[] split(String line, char d) {
        String t = line.strip();
        if (t.isEmpty()) {
            return new String[0];
        }
        String[] parts = d == ' ' ? t.split("\\s+") : t.split(Pattern.quote(String.valueOf(d)), -1);
        for (int k = 0; k < parts.length; k++) {
            parts[k] = parts[k].strip().replace("\"", "");
        }
        return parts;
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        try {
            ReadLimits.checkBytes(name, "Text export", "the file holds", Files.size(file), MAX_BYTES);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Map<String, String> header = new LinkedHashMap<>();
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String l = line.strip();
                if (l.startsWith("\uFEFF")) {
                    l = l.substring(1).strip();
                }
                if (l.isEmpty()) {
                    continue;
                }
                Matcher rhythm = RHYTHM.matcher(l);
                if (header.isEmpty() && rhythm.matches()) {
                    return readRhythm(name, in, lineNo, rhythm, opts);
                }
                Matcher kv = KEY_VALUE.matcher(l);
                if (kv.matches() && !kv.group(2).isEmpty() && !NUMBER.matcher(l).lookingAt()) {
                    header.put(kv.group(1), kv.group(2));
                    continue;
                }
                return readTable(name, in, lineNo, l, header, opts);
            }
            throw new EcgReadException(name, "text export without samples: the file ends after its description");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new EcgReadException(name, "text export with bytes that are not UTF-8 text", e);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- "Rhythm signal: N X M"

    private Ecg readRhythm(String name, BufferedReader in, int lineNo, Matcher m, ReadOptions opts)
            throws EcgReadException, IOException {
        long n = Long.parseLong(m.group(1).length() > 12 ? "999999999999" : m.group(1));
        long leadsL = Long.parseLong(m.group(2).length() > 12 ? "999999999999" : m.group(2));
        if (n == 0 || leadsL == 0 || leadsL > CsvReader.MAX_LEADS) {
            throw new EcgReadException(name, "text export: line " + lineNo + " declares " + n + " samples of " + leadsL
                    + " leads; a recording needs samples and 1 to " + CsvReader.MAX_LEADS + " leads");
        }
        ReadLimits.checkValues(name, "Text export", "line " + lineNo + " declares " + n + " samples of " + leadsL
                + " leads", leadsL, n);
        int leads = (int) leadsL;
        int samples = (int) n;
        float[][] raw = new float[leads][samples];
        int row = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (row >= samples) {
                throw new EcgReadException(name, "text export: line " + lineNo + " holds more rows than the "
                        + samples + " the header declares");
            }
            String[] f = l.split("\\s+");
            if (f.length != leads) {
                throw new EcgReadException(name, "text export: line " + lineNo + " holds " + f.length
                        + " values, the header declares " + leads + " leads");
            }
            for (int k = 0; k < leads; k++) {
                raw[k][row] = number(name, f[k], lineNo, k + 1);
            }
            row++;
        }
        if (row < samples) {
            throw new EcgReadException(name, "truncated text export: the header declares " + samples
                    + " rows, the file holds " + row);
        }
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        notes.add("layout 'Rhythm signal: N X M' (rows of integers, one column per lead)");
        Headerless.Rate rate = Headerless.rate(name, opts, samples);
        if (rate.warning() != null) {
            warnings.add(rate.warning());
        }
        double mvPerValue;
        String units;
        if (opts.units() == null && opts.adcGain() == null) {
            mvPerValue = 0.001;
            units = "uV";
            warnings.add("units not stored in the file: the integers are read as uV, as the 'Rhythm signal' export "
                    + "writes them; pass --units or --adc-gain if this is wrong");
        } else {
            mvPerValue = Headerless.millivoltsPerValue(name, opts, "uV", 1.0);
            units = Headerless.storedUnits(opts, "uV");
        }
        List<String> names = leadNames(name, opts, leads, warnings);
        return build(name, raw, names, rate.fs(), mvPerValue, units, warnings, notes, Map.of("layout", "rhythm signal"),
                opts, Headerless.mayDerive(opts));
    }

    private static List<String> leadNames(String name, ReadOptions opts, int leads, List<String> warnings)
            throws EcgReadException {
        return Headerless.leadNames(name, opts, leads, warnings);
    }

    // ---------------------------------------------------------------- "key: value" + table

    private Ecg readTable(String name, BufferedReader in, int lineNo, String headerRow, Map<String, String> header,
                          ReadOptions opts) throws EcgReadException, IOException {
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, String> props = new LinkedHashMap<>();
        Double fileFs = null;
        Double unitsPerMv = null;
        String unitsText = null;
        for (Map.Entry<String, String> e : header.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (RATE_KEY.matcher(k).matches()) {
                fileFs = headerNumber(name, k, v);
                ReadLimits.checkRate(name, "Text export", "'" + k + "'", fileFs);
            } else if (GAIN_KEY.matcher(k).matches()) {
                double g = headerNumber(name, k, v);
                String lower = k.toLowerCase(Locale.ROOT);
                // "digit/millivolt" (units per mV) unless the key names microvolts
                unitsPerMv = lower.contains("microvolt") || lower.contains("uv") || lower.contains("µv") ? g * 1000 : g;
                ReadLimits.checkQuantum(name, "Text export", "'" + k + ": " + v + "'", 1.0 / unitsPerMv);
            } else if (RESOLUTION_KEY.matcher(k).matches()) {
                double r = headerNumber(name, k, v);
                String lower = (k + " " + v).toLowerCase(Locale.ROOT);
                double mvPerUnit = lower.contains("mv") ? r : lower.contains("nv") ? r / 1e6 : r / 1000;
                unitsPerMv = 1.0 / mvPerUnit;
                ReadLimits.checkQuantum(name, "Text export", "'" + k + ": " + v + "'", mvPerUnit);
            } else if (UNITS_KEY.matcher(k).matches()) {
                unitsText = v;
            } else {
                props.put(k, v);
            }
            notes.add(k + ": " + v);
        }
        char d = delimiter(headerRow);
        String[] names = split(headerRow, d);
        boolean named = false;
        for (String n : names) {
            named |= !NUMBER.matcher(n).matches();
        }
        List<float[]> columns = new ArrayList<>();
        int leads = names.length;
        if (leads == 0 || leads > 64) {
            throw new EcgReadException(name, "text export: line " + lineNo + " names " + leads
                    + " columns; a recording has 1 to 64");
        }
        for (int k = 0; k < leads; k++) {
            columns.add(new float[4096]);
        }
        int rows = 0;
        if (!named) {
            addRow(name, names, columns, rows++, lineNo);
        }
        long max = ReadLimits.maxValues() / leads;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = split(line, d);
            if (f.length != leads) {
                throw new EcgReadException(name, "text export: line " + lineNo + " holds " + f.length
                        + " values, the header row names " + leads + " columns");
            }
            if (rows >= max) {
                ReadLimits.checkValues(name, "Text export", "the table holds more than " + rows + " rows", leads,
                        rows + 1L);
            }
            if (rows == columns.get(0).length) {
                for (int k = 0; k < leads; k++) {
                    columns.set(k, java.util.Arrays.copyOf(columns.get(k), (int) Math.min(Integer.MAX_VALUE - 8,
                            rows * 2L)));
                }
            }
            addRow(name, f, columns, rows++, lineNo);
        }
        if (rows == 0) {
            throw new EcgReadException(name, "text export: the table under line " + lineNo + " has no rows");
        }
        double fs;
        if (fileFs != null) {
            fs = fileFs;
            if (opts.fs() != null && Math.abs(opts.fs() - fs) > 1e-9) {
                warnings.add("the file states " + ReadLimits.number(fs) + " Hz; --fs " + opts.fs() + " was not used");
            }
        } else {
            Headerless.Rate r = Headerless.rate(name, opts, rows);
            fs = r.fs();
            if (r.warning() != null) {
                warnings.add(r.warning());
            }
        }
        double mvPerValue;
        String units;
        if (unitsPerMv != null) {
            mvPerValue = 1.0 / unitsPerMv;
            units = "adu";
        } else if (unitsText != null && opts.units() == null && opts.adcGain() == null) {
            try {
                mvPerValue = org.exchangeai.core.ecg.Units.millivoltsPer(unitsText);
            } catch (IllegalArgumentException e) {
                throw new EcgReadException(name, "text export: units '" + unitsText + "' are not a voltage unit");
            }
            units = unitsText;
        } else {
            mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
            units = Headerless.storedUnits(opts, "mV");
            if (opts.units() == null && opts.adcGain() == null) {
                warnings.add("the header states no gain or units: the numbers are read as mV; pass --units or "
                        + "--adc-gain if this is wrong");
            }
        }
        List<String> leadNames;
        if (named && opts.leads() == null) {
            leadNames = List.of(names);
        } else {
            leadNames = leadNames(name, opts, leads, warnings);
        }
        float[][] raw = new float[leads][];
        for (int k = 0; k < leads; k++) {
            raw[k] = java.util.Arrays.copyOf(columns.get(k), rows);
        }
        props.put("layout", "key-value header + table");
        return build(name, raw, leadNames, fs, mvPerValue, units, warnings, notes, props, opts,
                named || Headerless.mayDerive(opts));
    }

    private static void addRow(String name, String[] f, List<float[]> columns, int row, int lineNo)
            throws EcgReadException {
        for (int k = 0; k < f.length; k++) {
            columns.get(k)[row] = number(name, f[k], lineNo, k + 1);
        }
    }

    private static double headerNumber(String name, String key, String value) throws EcgReadException {
        Matcher m = NUMBER.matcher(value);
        if (!m.find()) {
            throw new EcgReadException(name, "text export: '" + key + ": " + value + "' holds no number");
        }
        return Double.parseDouble(m.group());
    }

    private static float number(String name, String s, int line, int column) throws EcgReadException {
        if (!NUMBER.matcher(s).matches()) {
            throw new EcgReadException(name, "text export: unreadable number '" + (s.length() > 20 ? s.substring(0, 20)
                    + "…" : s) + "' at line " + line + ", column " + column);
        }
        return Float.parseFloat(s);
    }

    private Ecg build(String name, float[][] raw, List<String> names, double fs, double mvPerValue, String units,
                      List<String> warnings, List<String> notes, Map<String, String> props, ReadOptions opts,
                      boolean derive)
            throws EcgReadException {
        ReadLimits.checkRate(name, "Text export", "the sampling rate", fs);
        for (float[] lead : raw) {
            for (int t = 0; t < lead.length; t++) {
                lead[t] = (float) (lead[t] * mvPerValue);
            }
        }
        String amp = Headerless.amplitudeWarning(opts, Headerless.maxAbs(raw));
        if (amp != null) {
            warnings.add(amp);
        }
        double[] gains = new double[raw.length];
        // digital units per unit of "units" (per mV for device units)
        java.util.Arrays.fill(gains, org.exchangeai.core.ecg.Units.millivoltsPer(units.equals("adu") ? "mV" : units)
                / mvPerValue);
        Map<String, String> p = new LinkedHashMap<>(props);
        if (!opts.describe().isEmpty()) {
            p.put("options", opts.describe());
        }
        Ecg.Builder b = Ecg.builder(fs).deriveMissingLimbLeads(derive);
        try {
            for (int k = 0; k < raw.length; k++) {
                b.lead(names.get(k), raw[k]);
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, "text export: " + e.getMessage());
        }
        warnings.forEach(b::warning);
        b.source(new SourceInfo(name, name(), units, gains, null, fs, notes, null, null, p));
        return b.build();
    }
}
