package org.exchangeai.core.pretrain;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.io.Formats;

/**
 * The recordings a pretraining run learns from: file paths with their optional labels, patient and
 * fold, never their signals. Signals are read from disk batch by batch ({@link BatchLoader}), so the
 * memory a run needs does not grow with the archive; only this index does (about a hundred bytes a
 * recording).
 *
 * <p>Recordings come from files and folders (scanned as every command scans them, companions
 * grouped) and from manifests: text files with one path per line, relative to the manifest's folder
 * (blank lines and lines starting with {@code #} ignored). A manifest is not scanned, which keeps
 * the start of a run on a million-recording archive short.
 *
 * <p>A metadata table ({@code --metadata}, CSV with a header) can give each recording a patient and
 * a fold: the row is found by a {@code file_name} column (path or stem) or else by the first column
 * matched to the file stem (PTB-XL's {@code ecg_id}); the patient comes from {@code patient_id} or
 * {@code patient}, the fold from {@code strat_fold} or {@code fold}.
 */
public final class Corpus {

    /**
     * One recording.
     *
     * @param path the file (absolute, normalised)
     * @param name the path relative to the folder or manifest it was listed from
     * @param labels its labels (empty when unknown)
     * @param patient its patient, or {@code null}
     * @param fold its fold, or {@code null}
     */
    public record Item(String path, String name, List<String> labels, String patient, String fold) {
        public Item {
            labels = List.copyOf(labels);
        }

        public Path file() {
            return Path.of(path);
        }

        Item with(List<String> l, String p, String f) {
            return new Item(path, name, l, p, f);
        }
    }

    private final List<Item> items;

    private Corpus(List<Item> items) {
        this.items = List.copyOf(items);
    }

    public static Corpus of(List<Item> items) {
        return new Corpus(items);
    }

    public List<Item> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    /** The distinct labels, sorted. */
    public List<String> classes() {
        TreeSet<String> c = new TreeSet<>();
        items.forEach(i -> c.addAll(i.labels()));
        return List.copyOf(c);
    }

    public long labelled() {
        return items.stream().filter(i -> !i.labels().isEmpty()).count();
    }

    /**
     * SHA-256 of the recordings' names and labels in order: two runs with the same fingerprint saw
     * the same list (a resumed run checks it).
     */
    public String fingerprint() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Item i : items) {
                d.update(i.name().getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(String.join("|", i.labels()).getBytes(StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The items whose fold is one of {@code folds}. */
    public Corpus inFolds(Set<String> folds) {
        return new Corpus(items.stream().filter(i -> i.fold() != null && folds.contains(i.fold())).toList());
    }

    /** Items listed by files, folders and manifests, in the order given (folders sorted). */
    public static Corpus scan(List<Path> inputs, List<Path> manifests) throws IOException {
        List<Item> out = new ArrayList<>();
        if (!inputs.isEmpty()) {
            for (Formats.Scan.Entry e : Formats.scan(inputs).recordings()) {
                out.add(new Item(e.file().toAbsolutePath().normalize().toString(),
                        e.relative().toString().replace('\\', '/'), List.of(), null, null));
            }
        }
        for (Path m : manifests) {
            Path dir = m.toAbsolutePath().normalize().getParent();
            List<String> lines = Files.readAllLines(m, StandardCharsets.UTF_8);
            for (String line : lines) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                Path p = dir.resolve(t).normalize();
                out.add(new Item(p.toString(), t.replace('\\', '/'), List.of(), null, null));
            }
        }
        return new Corpus(out);
    }

    /**
     * Labels each item from a {@code file_name,label,ICD-10} table (matched by path relative to the
     * table's folder, else by stem); items without a row keep no label.
     */
    public Corpus withLabels(Labels labels) {
        Path dir = labels.source() == null ? null : labels.source().toAbsolutePath().normalize().getParent();
        List<Item> out = new ArrayList<>(items.size());
        for (Item i : items) {
            Path abs = i.file();
            String rel = dir != null && abs.startsWith(dir) ? dir.relativize(abs).toString().replace('\\', '/') : i.name();
            Labels.Row row = labels.find(rel);
            out.add(row == null ? i : i.with(row.labels(), i.patient(), i.fold()));
        }
        return new Corpus(out);
    }

    /** Adds patient and fold from a metadata table; see the class comment. */
    public Corpus withMetadata(Path csv) throws IOException {
        Map<String, String[]> byKey = new HashMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(csv)) {
            List<String> header = null;
            for (NamedCsvRecord rec : r) {
                if (header == null) {
                    header = rec.getHeader();
                }
                String key = header.contains("file_name") ? stem(rec.getField("file_name")) : stem(rec.getField(0));
                String patient = first(rec, header, "patient_id", "patient");
                String fold = first(rec, header, "strat_fold", "fold");
                byKey.put(key, new String[] {normaliseNumber(patient), normaliseNumber(fold)});
            }
        }
        List<Item> out = new ArrayList<>(items.size());
        for (Item i : items) {
            String[] m = byKey.get(stem(i.name()));
            out.add(m == null ? i : i.with(i.labels(), m[0], m[1]));
        }
        return new Corpus(out);
    }

    /** Items with no metadata row (no patient and no fold). */
    public long withoutMetadata() {
        return items.stream().filter(i -> i.patient() == null && i.fold() == null).count();
    }

    /** Patients that appear in both corpora (by patient id); a split by patient leaves this empty. */
    public Set<String> sharedPatients(Corpus other) {
        Set<String> mine = new HashSet<>();
        items.forEach(i -> {
            if (i.patient() != null) {
                mine.add(i.patient());
            }
        });
        Set<String> both = new TreeSet<>();
        other.items.forEach(i -> {
            if (i.patient() != null && mine.contains(i.patient())) {
                both.add(i.patient());
            }
        });
        return both;
    }

    /** Parses fold lists such as {@code 1-8}, {@code 9} or {@code 1,3,5-7}. */
    public static Set<String> folds(String spec) {
        Set<String> out = new TreeSet<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-', 1);
            if (dash > 0) {
                int a = Integer.parseInt(p.substring(0, dash).strip());
                int b = Integer.parseInt(p.substring(dash + 1).strip());
                if (b < a || b - a > 10_000) {
                    throw new IllegalArgumentException("fold range '" + p + "' is not a range from low to high");
                }
                for (int k = a; k <= b; k++) {
                    out.add(Integer.toString(k));
                }
            } else {
                out.add(normaliseNumber(p));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no fold in '" + spec + "'");
        }
        return out;
    }

    private static String first(NamedCsvRecord rec, List<String> header, String... names) {
        for (String n : names) {
            if (header.contains(n)) {
                String v = rec.getField(n).strip();
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    /** "18792.0" and "18792" name the same patient (PTB-XL writes ids as floats). */
    private static String normaliseNumber(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.matches("-?\\d+\\.0+")) {
            return t.substring(0, t.indexOf('.'));
        }
        return t;
    }

    private static String stem(String path) {
        String p = path.strip().replace('\\', '/');
        String name = p.substring(p.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }
}
