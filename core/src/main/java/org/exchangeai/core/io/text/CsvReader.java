package org.exchangeai.core.io.text;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgFormat;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.Headerless;
import org.exchangeai.core.io.ReadOptions;

/**
 * Delimited text: one column per lead and one row per sample (or, for short tables, one row per
 * lead). The delimiter (comma, tab or semicolon) is sniffed; an optional header row names the
 * leads in any order and may name a time or index column, which then gives the sampling rate.
 * A decimal comma is accepted with tab or semicolon delimiters. Columns that are entirely empty
 * are left out with a warning. What the file cannot say comes from {@link ReadOptions}: rate
 * ({@code --fs}, else the 10-s rule of {@link Headerless}), units (default mV) and ADC gain.
 */
public final class CsvReader implements EcgFormat {

    /** Larger text files are refused before parsing (about 40 M values). */
    static final long MAX_BYTES = 512L * 1024 * 1024;

    /** A table with at most this many rows and more columns than rows stores one lead per row. */
    static final int MAX_LEADS = 16;

    private static final Pattern NUMBER =
            Pattern.compile("[-+]?(\\d+[.,]?\\d*|[.,]\\d+)([eE][-+]?\\d+)?|(?i:nan|na|inf|-inf|infinity|-infinity)");
    private static final Pattern SECONDS = Pattern.compile("(?i)(t|time|times|time_?s|time ?\\(s\\)|sec|secs|seconds|timestamp)");
    private static final Pattern MILLISECONDS = Pattern.compile("(?i)(time_?ms|time ?\\(ms\\)|ms|msec|millis|milliseconds)");
    private static final Pattern INDEX = Pattern.compile("(?i)(|#|n|nr|no|idx|index|sample|samples|sample_?(nr|no|index|number)|unnamed: ?0)");

    @Override
    public String name() {
        return "CSV";
    }

    @Override
    public boolean detect(Path file, byte[] head) {
        String ext = Headerless.extension(file);
        if (ext.equals("hea") || head.length == 0) {
            return false;
        }
        String text = decodeText(head);
        if (text == null) {
            return false;
        }
        List<String> lines = new ArrayList<>();
        String[] all = text.split("\r?\n|\r", -1);
        int usable = head.length >= Formats.HEAD_BYTES ? all.length - 1 : all.length;
        for (int i = 0; i < usable && lines.size() < 30; i++) {
            if (!all[i].isBlank()) {
                lines.add(all[i]);
            }
        }
        if (lines.size() < 2) {
            return false;
        }
        char delim = sniffDelimiter(lines);
        int numericRows = 0;
        int labelledRows = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(Pattern.quote(String.valueOf(delim)), -1);
            int numbers = 0;
            boolean firstIsWord = false;
            boolean otherWord = false;
            for (int c = 0; c < cells.length; c++) {
                String cell = unquote(cells[c]);
                if (cell.isEmpty()) {
                    continue;
                }
                if (isNumber(cell, delim)) {
                    numbers++;
                } else if (c == 0) {
                    firstIsWord = true;
                } else {
                    otherWord = true;
                }
            }
            if (otherWord || numbers == 0) {
                return false;
            }
            if (firstIsWord) {
                labelledRows++;
            } else {
                numericRows++;
            }
        }
        return numericRows == lines.size() - 1 || labelledRows == lines.size() - 1;
    }

    @Override
    public Ecg read(Path file, ReadOptions options) throws EcgReadException {
        String name = file.toString();
        ReadOptions opts = options == null ? ReadOptions.DEFAULT : options;
        long size;
        byte[] head;
        try {
            size = Files.size(file);
            head = Formats.head(file);
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new EcgReadException(name, "file is empty");
        }
        if (size > MAX_BYTES) {
            throw new EcgReadException(name, "text file of " + size + " bytes is larger than the " + MAX_BYTES
                    + "-byte limit for CSV; convert it to a binary format first");
        }
        String text = decodeText(head);
        if (text == null) {
            throw new EcgReadException(name, "not a text file (binary content)");
        }
        List<String> sniffLines = new ArrayList<>();
        for (String l : text.split("\r?\n|\r")) {
            if (!l.isBlank() && sniffLines.size() < 30) {
                sniffLines.add(l);
            }
        }
        char delim = sniffDelimiter(sniffLines);
        double mvPerValue = Headerless.millivoltsPerValue(name, opts, "mV", 1.0);
        Table table = parse(file, name, delim, mvPerValue);
        return build(name, table, opts, delim, mvPerValue);
    }

    /** The parsed numbers: column 0 kept in double precision (it may be a time column). */
    private static final class Table {
        List<String> header;
        List<String> rowLabels = new ArrayList<>();
        int columns = -1;
        int rows;
        double[] first = new double[1024];
        float[][] rest;
        boolean[] filled;
        int[] filledCount;
        long[] firstEmptyLine;

        void add(int column, double value, double mvPerValue) {
            if (column == 0) {
                if (rows == first.length) {
                    first = Arrays.copyOf(first, rows * 2);
                }
                first[rows] = value;
            } else {
                float[] col = rest[column - 1];
                if (rows == col.length) {
                    col = Arrays.copyOf(col, rows * 2);
                    rest[column - 1] = col;
                }
                col[rows] = (float) (value * mvPerValue);
            }
        }
    }

    private static Table parse(Path file, String name, char delim, double mvPerValue) throws EcgReadException {
        Table t = new Table();
        try (de.siegmar.fastcsv.reader.CsvReader<CsvRecord> csv = de.siegmar.fastcsv.reader.CsvReader.builder()
                .fieldSeparator(delim)
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .detectBomHeader(true)
                .ofCsvRecord(file, StandardCharsets.UTF_8)) {
            boolean firstRecord = true;
            for (CsvRecord rec : csv) {
                List<String> fields = rec.getFields();
                long line = rec.getStartingLineNumber();
                if (fields.size() == 1 && fields.get(0).isBlank()) {
                    continue;
                }
                if (firstRecord) {
                    firstRecord = false;
                    t.columns = fields.size();
                    t.rest = new float[Math.max(0, t.columns - 1)][1024];
                    t.filled = new boolean[t.columns];
                    t.filledCount = new int[t.columns];
                    t.firstEmptyLine = new long[t.columns];
                    if (isHeader(fields, delim)) {
                        t.header = fields.stream().map(CsvReader::unquote).toList();
                        continue;
                    }
                }
                if (fields.size() != t.columns) {
                    throw new EcgReadException(name, "line " + line + " has " + fields.size() + " fields, expected "
                            + t.columns);
                }
                int startColumn = 0;
                if (!fields.isEmpty() && t.header == null && !isNumberOrEmpty(fields.get(0).trim(), delim)) {
                    if (t.rows != t.rowLabels.size()) {
                        throw new EcgReadException(name, "unreadable number '" + fields.get(0).trim() + "' at line "
                                + line + ", column 1");
                    }
                    t.rowLabels.add(fields.get(0).trim());
                    t.add(0, Double.NaN, mvPerValue);
                    startColumn = 1;
                } else if (!t.rowLabels.isEmpty()) {
                    throw new EcgReadException(name, "line " + line + " has no lead name in column 1 like the lines before it");
                }
                for (int c = startColumn; c < fields.size(); c++) {
                    String cell = fields.get(c).trim();
                    double v;
                    if (cell.isEmpty()) {
                        if (t.firstEmptyLine[c] == 0) {
                            t.firstEmptyLine[c] = line;
                        }
                        v = Double.NaN;
                    } else {
                        v = parseNumber(cell, delim, name, line, c + 1);
                        t.filledCount[c]++;
                    }
                    t.add(c, v, mvPerValue);
                }
                t.rows++;
            }
        } catch (IOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new EcgReadException(name, "cannot be read: " + e.getCause().getMessage(), e);
        } catch (CsvParseException e) {
            throw new EcgReadException(name, "malformed CSV: " + e.getMessage(), e);
        }
        if (t.rows == 0) {
            throw new EcgReadException(name, t.header == null ? "no data rows" : "header row but no data rows");
        }
        for (int c = t.rowLabels.isEmpty() ? 0 : 1; c < t.columns; c++) {
            if (t.filledCount[c] > 0 && t.filledCount[c] < t.rows) {
                throw new EcgReadException(name, "empty value at line " + t.firstEmptyLine[c] + ", column " + (c + 1));
            }
            t.filled[c] = t.filledCount[c] > 0;
        }
        if (t.header != null && t.header.size() != t.columns) {
            throw new EcgReadException(name, "header names " + t.header.size() + " columns, data has " + t.columns);
        }
        return t;
    }

    private Ecg build(String name, Table t, ReadOptions opts, char delim, double mvPerValue) throws EcgReadException {
        List<String> warnings = new ArrayList<>();
        Map<String, float[]> leads = new LinkedHashMap<>();
        Double fileFs = null;
        String timeNote = null;
        boolean byRows = t.header == null && t.rows <= MAX_LEADS && t.columns - (t.rowLabels.isEmpty() ? 0 : 1) > t.rows;
        if (byRows) {
            int first = t.rowLabels.isEmpty() ? 0 : 1;
            int n = t.columns - first;
            List<String> names = t.rowLabels.isEmpty()
                    ? Headerless.leadNames(name, opts, t.rows, warnings) : t.rowLabels;
            for (int r = 0; r < t.rows; r++) {
                float[] lead = new float[n];
                for (int c = first; c < t.columns; c++) {
                    double v = c == 0 ? t.first[r] * mvPerValue : t.rest[c - 1][r];
                    if (Double.isNaN(v) && !t.filled[c]) {
                        throw new EcgReadException(name, "column " + (c + 1) + " is empty in a table of one lead per row");
                    }
                    lead[c - first] = (float) v;
                }
                putLead(name, leads, names.get(r), lead);
            }
        } else {
            if (!t.rowLabels.isEmpty()) {
                throw new EcgReadException(name, t.rowLabels.size() + " rows start with a lead name, but a table of one "
                        + "lead per row has at most " + MAX_LEADS + " rows and more columns than rows");
            }
            int timeColumn = -1;
            String timeKind = null;
            if (t.header != null) {
                String h0 = t.header.get(0).trim();
                timeKind = timeKind(h0);
                if (timeKind != null && t.columns > 1) {
                    timeColumn = 0;
                }
            } else if (t.columns > 1 && t.rows >= 3 && t.filled[0]) {
                timeKind = unlabelledTimeKind(t.first, t.rows);
                if (timeKind != null) {
                    timeColumn = 0;
                }
            }
            if (timeColumn == 0 && !timeKind.equals("index")) {
                fileFs = rateFromTime(name, t.first, t.rows, timeKind.equals("ms") ? 1000.0 : 1.0);
                timeNote = "sampling rate " + fileFs + " Hz from the time column" + (t.header == null ? "" : " '"
                        + t.header.get(0) + "'");
            }
            int leadColumns = t.columns - (timeColumn == 0 ? 1 : 0);
            List<String> names;
            if (t.header != null) {
                names = t.header.subList(timeColumn == 0 ? 1 : 0, t.columns);
                if (opts.leads() != null) {
                    warnings.add("--leads ignored: the header row names the leads");
                }
            } else {
                names = Headerless.leadNames(name, opts, leadColumns, warnings);
            }
            List<String> empty = new ArrayList<>();
            for (int i = 0; i < leadColumns; i++) {
                int c = i + (timeColumn == 0 ? 1 : 0);
                String leadName = names.get(i);
                if (leadName.isBlank()) {
                    leadName = "ch" + (c + 1);
                }
                if (!t.filled[c]) {
                    empty.add(LeadNames.normalize(leadName));
                    continue;
                }
                float[] lead;
                if (c == 0) {
                    lead = new float[t.rows];
                    for (int r = 0; r < t.rows; r++) {
                        lead[r] = (float) (t.first[r] * mvPerValue);
                    }
                } else {
                    lead = t.rest[c - 1].length == t.rows ? t.rest[c - 1] : Arrays.copyOf(t.rest[c - 1], t.rows);
                }
                putLead(name, leads, leadName, lead);
            }
            if (!empty.isEmpty()) {
                warnings.add(empty.size() + " of " + leadColumns + " columns are empty and were left out ("
                        + String.join(", ", empty) + ")");
            }
        }
        if (leads.isEmpty()) {
            throw new EcgReadException(name, "no column holds numbers");
        }
        int samples = leads.values().iterator().next().length;
        double fs;
        if (fileFs != null) {
            fs = fileFs;
            if (opts.fs() != null && Math.abs(opts.fs() - fs) > 0.005 * fs) {
                warnings.add("--fs " + opts.fs() + " ignored: the time column gives " + fs + " Hz");
            }
        } else {
            Headerless.Rate rate = Headerless.rate(name, opts, samples);
            fs = rate.fs();
            if (rate.warning() != null) {
                warnings.add(rate.warning());
            }
        }
        float[][] all = leads.values().toArray(new float[0][]);
        String ampWarning = Headerless.amplitudeWarning(opts, Headerless.maxAbs(all));
        if (ampWarning != null) {
            warnings.add(ampWarning);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("delimiter", delim == '\t' ? "tab" : String.valueOf(delim));
        props.put("header_row", String.valueOf(t.header != null));
        props.put("orientation", byRows ? "one lead per row" : "one sample per row");
        if (!opts.describe().isEmpty()) {
            props.put("options", opts.describe());
        }
        List<String> notes = timeNote == null ? List.of() : List.of(timeNote);
        double gain = 1.0 / mvPerValue;
        double[] gains = null;
        if (opts.adcGain() != null) {
            gains = new double[leads.size()];
            Arrays.fill(gains, gain);
        }
        // names from a header row or row labels are the file's own; assumed ones never derive leads
        boolean named = t.header != null || !t.rowLabels.isEmpty();
        Ecg.Builder b = Ecg.builder(fs).deriveMissingLimbLeads(named || Headerless.mayDerive(opts));
        try {
            for (Map.Entry<String, float[]> e : leads.entrySet()) {
                b.lead(e.getKey(), e.getValue());
            }
        } catch (IllegalArgumentException e) {
            throw new EcgReadException(name, e.getMessage());
        }
        warnings.forEach(b::warning);
        b.source(new SourceInfo(name, name(), Headerless.storedUnits(opts, "mV"), gains, null, fs, notes, null, null,
                props));
        Ecg ecg = b.build();
        if (gains != null && gains.length != ecg.leadCount()) {
            double[] g = new double[ecg.leadCount()];
            Arrays.fill(g, gain);
            ecg = ecg.toBuilder().source(new SourceInfo(name, name(), "adu", g, null, fs, notes, null, null, props)).build();
        }
        return ecg;
    }

    private static void putLead(String file, Map<String, float[]> leads, String rawName, float[] data)
            throws EcgReadException {
        if (leads.containsKey(rawName)) {
            throw new EcgReadException(file, "lead '" + rawName + "' appears twice");
        }
        leads.put(rawName, data);
    }

    /** {@code s} (seconds), {@code ms} or {@code index} for a time column name, else {@code null}. */
    static String timeKind(String header) {
        String h = header.trim();
        if (MILLISECONDS.matcher(h).matches()) {
            return "ms";
        }
        if (SECONDS.matcher(h).matches()) {
            return "s";
        }
        if (INDEX.matcher(h).matches()) {
            return "index";
        }
        return null;
    }

    /**
     * An unnamed first column that rises by exactly 1 from 0 or 1 is a sample index; one that
     * rises by a constant step below 1 is time in seconds. ECG amplitudes never rise steadily.
     */
    private static String unlabelledTimeKind(double[] v, int n) {
        double step = (v[n - 1] - v[0]) / (n - 1);
        if (!(step > 0)) {
            return null;
        }
        for (int i = 1; i < n; i++) {
            double d = v[i] - v[i - 1];
            if (!(d > 0) || Math.abs(d - step) > 0.5 * step) {
                return null;
            }
        }
        if (step == 1.0 && (v[0] == 0 || v[0] == 1) && v[n - 1] == v[0] + n - 1) {
            return "index";
        }
        return step < 1 ? "s" : null;
    }

    private static double rateFromTime(String name, double[] v, int n, double perSecond) throws EcgReadException {
        if (n < 2) {
            throw new EcgReadException(name, "a time column needs at least 2 rows to give a sampling rate");
        }
        double step = (v[n - 1] - v[0]) / (n - 1);
        if (!(step > 0)) {
            throw new EcgReadException(name, "time column does not increase");
        }
        for (int i = 1; i < n; i++) {
            double d = v[i] - v[i - 1];
            if (!(d > 0) || Math.abs(d - step) > 0.5 * step) {
                throw new EcgReadException(name, "time column is not uniformly sampled (step " + d + " at data row "
                        + (i + 1) + ", average " + step + ")");
            }
        }
        double fs = perSecond / step;
        double rounded = Math.rint(fs);
        return Math.abs(fs - rounded) <= 2e-5 * fs ? rounded : fs;
    }

    private static boolean isHeader(List<String> fields, char delim) {
        int words = 0;
        for (String f : fields) {
            String s = unquote(f);
            if (!s.isEmpty() && !isNumber(s, delim)) {
                words++;
            }
        }
        if (words == 0) {
            return false;
        }
        // a row that starts with a lead name followed by numbers is data of a one-lead-per-row table
        return !(words == 1 && !isNumberOrEmpty(unquote(fields.get(0)), delim) && fields.size() > 2);
    }

    static char sniffDelimiter(List<String> lines) {
        for (char d : new char[] {'\t', ';', ','}) {
            int count = -1;
            boolean consistent = true;
            for (String l : lines) {
                int c = countOutsideQuotes(l, d);
                if (count < 0) {
                    count = c;
                } else if (c != count) {
                    consistent = false;
                    break;
                }
            }
            if (consistent && count > 0) {
                return d;
            }
        }
        return ',';
    }

    private static int countOutsideQuotes(String line, char d) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == d && !quoted) {
                n++;
            }
        }
        return n;
    }

    private static double parseNumber(String cell, char delim, String file, long line, int column)
            throws EcgReadException {
        String s = cell;
        if (s.length() > 1 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            s = s.substring(1, s.length() - 1).trim();
        }
        if (delim != ',' && s.indexOf(',') >= 0) {
            s = s.replace(',', '.');
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.equals("nan") || lower.equals("na")) {
                return Double.NaN;
            }
            throw new EcgReadException(file, "unreadable number '" + cell + "' at line " + line + ", column " + column);
        }
    }

    static boolean isNumber(String s, char delim) {
        if (!NUMBER.matcher(s).matches()) {
            return false;
        }
        return delim != ',' || s.indexOf(',') < 0;
    }

    private static boolean isNumberOrEmpty(String s, char delim) {
        return s.isEmpty() || isNumber(s, delim);
    }

    private static String unquote(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"') {
            t = t.substring(1, t.length() - 1).trim();
        }
        return t;
    }

    /** The head as text (BOM dropped), or {@code null} when it holds NUL bytes or is mostly non-text. */
    public static String decodeText(byte[] head) {
        int start = head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF
                ? 3 : 0;
        int bad = 0;
        int n = Math.min(head.length, 4096);
        for (int i = start; i < n; i++) {
            int b = head[i] & 0xff;
            if (b == 0) {
                return null;
            }
            if (b < 32 && b != 9 && b != 10 && b != 13) {
                bad++;
            }
        }
        if (bad * 20 > n) {
            return null;
        }
        return new String(head, start, head.length - start, StandardCharsets.UTF_8);
    }
}
