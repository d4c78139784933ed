package org.exchangeai.core.data;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A label table: CSV with the header {@code file_name,label,ICD-10} (column order free, further
 * columns ignored, a UTF-8 byte order mark tolerated). {@code file_name} is relative to the folder
 * of the table; several labels or codes are joined with {@code |}; a blank ICD-10 is allowed.
 * Recordings are matched by relative path, else by file stem (so {@code E07500.mat} labels the
 * recording read from {@code E07500.hea}).
 */
public final class Labels {

    public static final List<String> HEADER = List.of("file_name", "label", "ICD-10");

    /** One row of the table. */
    public record Row(String fileName, List<String> labels, List<String> icd10, long line) {
        public Row {
            labels = List.copyOf(labels);
            icd10 = List.copyOf(icd10);
        }

        /** The labels joined with {@code |}, as in the file. */
        public String label() {
            return String.join("|", labels);
        }
    }

    private final Path source;
    private final List<Row> rows;
    private final Map<String, Row> byPath = new LinkedHashMap<>();
    private final Map<String, List<Row>> byStem = new LinkedHashMap<>();
    private final List<String> problems;

    private Labels(Path source, List<Row> rows, List<String> problems) {
        this.source = source;
        this.rows = List.copyOf(rows);
        this.problems = List.copyOf(problems);
        for (Row r : this.rows) {
            byPath.putIfAbsent(normalize(r.fileName()), r);
            byStem.computeIfAbsent(stem(r.fileName()), k -> new ArrayList<>()).add(r);
        }
    }

    /**
     * Reads a label table.
     *
     * @throws IOException when it cannot be read or lacks the required header; the message names
     *                     the file and the reason
     */
    public static Labels read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().detectBomHeader(true).allowMissingFields(true)
                .allowExtraFields(true).skipEmptyLines(true).ofCsvRecord(csv, StandardCharsets.UTF_8)) {
            int[] col = null;
            for (CsvRecord rec : reader) {
                List<String> f = rec.getFields();
                if (col == null) {
                    col = headerColumns(csv, f);
                    continue;
                }
                if (f.size() == 1 && f.get(0).isBlank()) {
                    continue;
                }
                long line = rec.getStartingLineNumber();
                String file = field(f, col[0]);
                if (file.isEmpty()) {
                    problems.add("line " + line + ": empty file_name");
                    continue;
                }
                List<String> labels = split(field(f, col[1]));
                if (labels.isEmpty()) {
                    problems.add("line " + line + ": no label for " + file);
                    continue;
                }
                String key = normalize(file);
                Long first = seen.putIfAbsent(key, line);
                if (first != null) {
                    problems.add("line " + line + ": duplicate file_name " + file + " (first on line " + first
                            + "); the first row is used");
                    continue;
                }
                rows.add(new Row(file, labels, split(field(f, col[2])), line));
            }
            if (col == null) {
                throw new IOException(csv + ": empty label file (expected the header " + String.join(",", HEADER) + ")");
            }
        } catch (UncheckedIOException e) {
            throw new IOException(csv + ": " + e.getCause().getMessage(), e);
        } catch (CsvParseException e) {
            throw new IOException(csv + ": malformed CSV: " + e.getMessage(), e);
        }
        return new Labels(csv, rows, problems);
    }

    private static int[] headerColumns(Path csv, List<String> header) throws IOException {
        int[] col = {-1, -1, -1};
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i).trim().toLowerCase(Locale.ROOT);
            for (int k = 0; k < 3; k++) {
                if (h.equals(HEADER.get(k).toLowerCase(Locale.ROOT))) {
                    col[k] = i;
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            if (col[k] < 0) {
                missing.add(HEADER.get(k));
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(csv + ": label file header " + header + " lacks " + missing + " (expected "
                    + String.join(",", HEADER) + ")");
        }
        return col;
    }

    private static String field(List<String> f, int i) {
        return i < f.size() ? f.get(i).trim() : "";
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.split("\\|")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** The table this was read from, or {@code null}. */
    public Path source() {
        return source;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Duplicate file names, rows without a name or label: each with its line number. */
    public List<String> problems() {
        return problems;
    }

    /** The distinct labels in order of first appearance. */
    public List<String> classes() {
        return rows.stream().flatMap(r -> r.labels().stream()).distinct().toList();
    }

    /**
     * The row for a recording, by its path relative to the table's folder (any separator),
     * else by its file stem when exactly one row has that stem; {@code null} when none matches.
     */
    public Row find(String relativePath) {
        Row r = byPath.get(normalize(relativePath));
        if (r != null) {
            return r;
        }
        List<Row> candidates = byStem.get(stem(relativePath));
        if (candidates != null && candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates != null) {
            // several rows share the stem: use the one in the same folder, if it is unique
            String dir = folder(normalize(relativePath));
            List<Row> same = candidates.stream().filter(c -> folder(normalize(c.fileName())).equals(dir)).toList();
            return same.size() == 1 ? same.get(0) : null;
        }
        return null;
    }

    /** The outcome of matching recordings with rows. */
    public record Matching(Map<String, Row> matched, List<String> unlabelledRecordings, List<String> unmatchedRows) {
    }

    /** Matches recordings (paths relative to the table's folder) and reports what is left on either side. */
    public Matching match(List<String> relativePaths) {
        Map<String, Row> matched = new LinkedHashMap<>();
        List<String> unlabelled = new ArrayList<>();
        java.util.Set<Row> used = new java.util.HashSet<>();
        for (String p : relativePaths) {
            Row r = find(p);
            if (r == null) {
                unlabelled.add(p);
            } else {
                matched.put(p, r);
                used.add(r);
            }
        }
        List<String> unmatched = rows.stream().filter(r -> !used.contains(r)).map(Row::fileName).toList();
        return new Matching(matched, unlabelled, unmatched);
    }

    static String normalize(String path) {
        String p = path.trim().replace('\\', '/');
        int bang = p.lastIndexOf("!/");
        if (bang >= 0) {
            p = p.substring(bang + 2);
        }
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }

    static String stem(String path) {
        String p = normalize(path);
        String name = p.substring(p.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }

    private static String folder(String normalized) {
        int slash = normalized.lastIndexOf('/');
        return slash < 0 ? "" : normalized.substring(0, slash);
    }
}
