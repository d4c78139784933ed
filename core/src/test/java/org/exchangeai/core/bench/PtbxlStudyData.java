package org.exchangeai.core.bench;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.core.TestData;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.LeadNames;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;

/**
 * The recordings of the small-data studies, read once.
 *
 * <ul>
 *   <li>Training pool: the 120 PTB-XL arrays of {@code ../shared/data/ptbxl/npy500} with their single
 *       labels (CD, MI, NORM, STTC) from its {@code labels.csv}.</li>
 *   <li>Test set: {@code strat_fold} 10 of {@code ../shared/pretrain/ptbxl100} (139 records, no patient in
 *       common with the pool), with its multi-labels, and single labels made by the pool's own rule: the
 *       diagnostic superclass of the diagnostic SCP statement with the highest likelihood, ties broken in
 *       the order MI, STTC, CD, HYP, NORM ({@code scp_statements.csv}); records whose label is none of the
 *       pool's four classes are left out of single-label scores.</li>
 * </ul>
 */
final class PtbxlStudyData {

    /** A recording with its labels. */
    record Item(String id, Ecg ecg, String label, Set<String> labels, String patient) {
    }

    static final ReadOptions READ = ReadOptions.DEFAULT.withLeads(LeadNames.STANDARD_12);
    private static final List<String> TIE_ORDER = List.of("MI", "STTC", "CD", "HYP", "NORM");
    private static final Pattern CODE = Pattern.compile("'([^']+)':\\s*([-0-9.]+)");

    private PtbxlStudyData() {
    }

    /** The 120 arrays with their single labels, in labels.csv order. */
    static List<Item> pool() throws Exception {
        Labels labels = Labels.read(TestData.data("ptbxl/labels.csv"));
        Map<String, String> patients = patients(TestData.data("ptbxl/metadata.csv"));
        List<Item> out = new ArrayList<>();
        for (Labels.Row r : labels.rows()) {
            if (!r.fileName().startsWith("npy500/")) {
                continue;
            }
            String id = stem(r.fileName());
            out.add(new Item(id, Formats.read(TestData.data("ptbxl/" + r.fileName()), READ), r.label(),
                    Set.copyOf(r.labels()), patients.get(id)));
        }
        return out;
    }

    /** Fold 10 of ptbxl100 with multi-labels and the pool's single-label rule. */
    static List<Item> fold10() throws Exception {
        Path folder = TestData.shared().resolve("pretrain/ptbxl100");
        Map<String, String> superclass = superclasses();
        Labels labels = Labels.read(folder.resolve("labels.csv"));
        List<Item> out = new ArrayList<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(folder.resolve("metadata.csv"))) {
            for (NamedCsvRecord rec : r) {
                if (!rec.getField("strat_fold").strip().equals("10")) {
                    continue;
                }
                String id = rec.getField("ecg_id").strip();
                Labels.Row row = labels.find(id + ".npy");
                out.add(new Item(id, Formats.read(folder.resolve(id + ".npy"), READ),
                        singleLabel(rec.getField("scp_codes"), superclass), new LinkedHashSet<>(row.labels()),
                        rec.getField("patient_id").strip()));
            }
        }
        return out;
    }

    /** The pool's rule: superclass of the most likely diagnostic statement, ties by {@link #TIE_ORDER}. */
    static String singleLabel(String scpCodes, Map<String, String> superclass) {
        String best = null;
        double bestLikelihood = Double.NEGATIVE_INFINITY;
        Matcher m = CODE.matcher(scpCodes);
        while (m.find()) {
            String cls = superclass.get(m.group(1));
            if (cls == null) {
                continue;
            }
            double l = Double.parseDouble(m.group(2));
            if (l > bestLikelihood || (l == bestLikelihood && TIE_ORDER.indexOf(cls) < TIE_ORDER.indexOf(best))) {
                best = cls;
                bestLikelihood = l;
            }
        }
        return best;
    }

    /** SCP code → diagnostic superclass, for diagnostic statements. */
    static Map<String, String> superclasses() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(
                TestData.data("ptbxl/scp_statements.csv"))) {
            for (NamedCsvRecord rec : r) {
                if (rec.getField("diagnostic").strip().startsWith("1")) {
                    out.put(rec.getField(0).strip(), rec.getField("diagnostic_class").strip());
                }
            }
        }
        return out;
    }

    private static Map<String, String> patients(Path metadata) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(metadata)) {
            for (NamedCsvRecord rec : r) {
                out.put(rec.getField("ecg_id").strip(), rec.getField("patient_id").strip());
            }
        }
        return out;
    }

    /**
     * A stratified subset of {@code n} items drawn with {@code seed}: the items of each class shuffled,
     * then taken class by class in proportion (largest remainders). For one seed, smaller subsets are
     * contained in larger ones.
     */
    static List<Item> subset(List<Item> pool, int n, long seed) {
        if (n >= pool.size()) {
            return pool;
        }
        Map<String, List<Item>> byClass = new TreeMap<>();
        pool.forEach(i -> byClass.computeIfAbsent(i.label(), k -> new ArrayList<>()).add(i));
        Random r = new Random(seed);
        byClass.values().forEach(l -> java.util.Collections.shuffle(l, r));
        // a fixed ranking per class: take the first k of each
        Map<String, Integer> take = new LinkedHashMap<>();
        double total = pool.size();
        int given = 0;
        List<Map.Entry<String, Double>> remainders = new ArrayList<>();
        for (Map.Entry<String, List<Item>> e : byClass.entrySet()) {
            double exact = n * e.getValue().size() / total;
            int k = Math.max(2, (int) Math.floor(exact));
            take.put(e.getKey(), k);
            given += k;
            remainders.add(Map.entry(e.getKey(), exact - Math.floor(exact)));
        }
        remainders.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        for (int i = 0; given < n && i < remainders.size(); i++, given++) {
            take.merge(remainders.get(i).getKey(), 1, Integer::sum);
        }
        List<Item> out = new ArrayList<>();
        byClass.forEach((c, l) -> out.addAll(l.subList(0, Math.min(l.size(), take.get(c)))));
        return out;
    }

    private static String stem(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }
}
