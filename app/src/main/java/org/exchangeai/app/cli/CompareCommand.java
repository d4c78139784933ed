package org.exchangeai.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.exchangeai.core.comparison.Candidate;
import org.exchangeai.core.comparison.CrossValidation;
import org.exchangeai.core.comparison.FoldResult;
import org.exchangeai.core.comparison.Folds;
import org.exchangeai.core.comparison.Leaderboard;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.statistics.Bootstrap;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.Zoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Cross-validates several candidates on the same patient-grouped folds and writes the leaderboard with
 * bootstrap intervals, paired tests against the leader and learning curves.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare candidates by k-fold "
        + "cross-validation on the same folds: pooled out-of-fold metrics with bootstrap intervals, paired tests "
        + "against the best (bootstrap, DeLong, Holm-corrected), learning curves. Writes leaderboard.csv/json, "
        + "delong.csv, learning-curve.csv, oof-predictions.csv and folds.csv to --out; finished folds are kept "
        + "there, so running the same command again continues where it stopped.")
public final class CompareCommand implements Callable<Integer> {

    @Option(names = "--labels", required = true, paramLabel = "labels.csv",
            description = "Label table file_name,label,ICD-10; file names relative to its folder.")
    Path labelsFile;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or ZIP archives.")
    List<Path> paths;

    @Option(names = "--candidates", required = true, paramLabel = "MODEL:METHOD,...",
            description = "Comma-separated candidates: a model file or name (e.g. xc_super) with head|all|scratch, "
                    + "or a zoo architecture (inceptiontime, xceptiontime, cardx) with scratch; "
                    + "e.g. \"xc_super:head,inceptiontime:scratch,cardx:scratch\".")
    String candidates;

    @Option(names = "--folds", defaultValue = "5", description = "Number of folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seeds", defaultValue = "1",
            description = "Repetitions with seeds --seed, --seed+1, ...; each has its own folds (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--curve", paramLabel = "PERCENT,...",
            description = "Learning curve: shares of each fold's training part in percent, e.g. 25,50,100 (nested; 100 is always run).")
    String curve;

    @Option(names = "--metadata", paramLabel = "metadata.csv",
            description = "Table with a patient column (patient_id or patient), matched by file stem to file_name or its "
                    + "first column (PTB-XL's ecg_id); folds and bootstrap then keep each patient's recordings together.")
    Path metadata;

    @Option(names = "--resamples", defaultValue = "2000", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", defaultValue = "42", description = "First seed: folds, shuffling, initialisation, bootstrap (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--train-best", paramLabel = "NEW.onnx",
            description = "Afterwards train the leader on all recordings and write it here, its cross-validated metrics in "
                    + "the model's metadata (exchangeai.cross_validation) and in NEW.report.json.")
    Path trainBest;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the results.")
    Path out;

    @Mixin
    TrainerOptions training;

    @Mixin
    RecordingOptions recordingOptions;

    /** One parsed candidate specification. */
    record Spec(String name, String base, Method method) {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        List<Spec> specs;
        try {
            specs = parse(candidates);
        } catch (IllegalArgumentException e) {
            System.err.println("--candidates: " + e.getMessage());
            return 2;
        }
        Labels labels = Labels.read(labelsFile);
        labels.problems().forEach(p -> System.err.println("labels: " + p));
        Path labelsDir = labelsFile.toAbsolutePath().normalize().getParent();
        Map<String, String> patientByStem = metadata == null ? Map.of() : patients(metadata);

        // recordings: read once, labelled ones kept in a fixed order
        List<ReadResult> read = PredictCommand.readNamed(paths, recordingOptions);
        List<ReadResult> kept = new ArrayList<>();
        List<Labels.Row> rows = new ArrayList<>();
        int unlabelled = 0;
        for (ReadResult r : read) {
            if (!r.ok()) {
                System.err.println("unreadable: " + r.name() + ": " + r.error().getMessage());
                continue;
            }
            Labels.Row row = labels.find(EvaluateCommand.relativeToLabels(r, labelsDir));
            if (row == null) {
                unlabelled++;
                continue;
            }
            kept.add(r);
            rows.add(row);
        }
        List<String> ids = kept.stream().map(ReadResult::name).toList();
        List<String> patients = ids.stream().map(id -> patientByStem.get(stem(id))).toList();
        long withPatient = patients.stream().filter(p -> p != null).count();
        if (metadata != null && withPatient < ids.size()) {
            System.err.println((ids.size() - withPatient) + " recording(s) have no row in " + metadata
                    + " and count as their own patient");
        }

        // candidates: each prepares the recordings with its own recipe
        List<Candidate> cands = new ArrayList<>();
        Map<String, List<Example>> preparedBy = new HashMap<>();
        boolean multiLabel = rows.stream().anyMatch(r -> r.labels().size() > 1);
        List<String> classes = List.copyOf(new TreeSet<>(rows.stream().flatMap(r -> r.labels().stream()).toList()));
        for (Spec s : specs) {
            OnnxGraph graph = null;
            String sha = null;
            Preparation prep;
            if (Zoo.contains(s.base())) {
                prep = Zoo.preparation(s.base());
            } else {
                Path file = resolveModel(s.base());
                if (file == null) {
                    System.err.println("--candidates: no model file, model name or zoo architecture '" + s.base()
                            + "' (zoo: " + Zoo.NAMES + ")");
                    return 2;
                }
                byte[] bytes = Files.readAllBytes(file);
                graph = OnnxGraph.parse(bytes);
                sha = OnnxGraph.sha256(bytes);
                prep = Preparation.fromMetadata(graph.metadata());
            }
            List<Example> examples = preparedBy.get(prep.toString());
            if (examples == null) {
                examples = new ArrayList<>();
                for (int i = 0; i < kept.size(); i++) {
                    try {
                        examples.add(new Example(ids.get(i), prep.apply(kept.get(i).ecg()), rows.get(i).labels()));
                    } catch (RuntimeException e) {
                        System.err.println(ids.get(i) + ": cannot be prepared for candidate " + s.name() + ": " + e.getMessage());
                        return 1;
                    }
                }
                preparedBy.put(prep.toString(), examples);
            }
            cands.add(new Candidate(s.name(), graph, sha, graph == null ? s.base().toLowerCase(Locale.ROOT) : null,
                    s.method(), prep, examples));
        }

        TrainingConfig cfg = trainingConfig(multiLabel);
        List<Long> seedList = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            seedList.add(seed + i);
        }
        CrossValidation.Settings settings = new CrossValidation.Settings(folds, seedList, fractions(curve), cfg);
        o.printf(Locale.ROOT, "%d labelled recordings (%d unlabelled), %d classes %s, %d patient(s) known; %d candidates, "
                + "%d folds, %d seed(s), training fractions %s: %d training runs%n", ids.size(), unlabelled,
                classes.size(), classes, withPatient, cands.size(), folds, seeds, settings.fractions(),
                settings.units(cands.size()));

        Path foldDir = out.resolve("folds");
        Files.createDirectories(foldDir);
        CrossValidation cv = new CrossValidation(settings).onProgress(p -> o.printf(Locale.ROOT,
                "[%d/%d] %s seed %d fold %d, %d%% of training part (%d recordings): %s%s%n", p.done(), p.total(),
                p.last().candidate(), p.last().seed(), p.last().fold() + 1, Math.round(p.last().fraction() * 100),
                p.last().trainSize(), p.reused() ? "reused from " + foldDir
                        : String.format(Locale.ROOT, "%.1f s, %d epochs", p.last().seconds(), p.last().epochs()),
                Double.isFinite(p.remainingSeconds()) && p.done() < p.total()
                        ? String.format(Locale.ROOT, "; about %.0f s left", p.remainingSeconds()) : ""));
        Thread hook = new Thread(() -> {
            System.err.println("stopping: the finished folds are kept in " + foldDir + "; run the same command to continue");
            cv.cancel();
        }, "exchangeai-compare-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        CrossValidation.Result result;
        try {
            result = cv.run(ids, metadata == null ? null : patients, cands, new FolderStore(foldDir));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already stopping
            }
        }
        if (!result.complete()) {
            System.err.println("comparison stopped before all folds finished; run the same command to continue");
            return 1;
        }
        Leaderboard board = Leaderboard.of(result, resamples, seed, 0.95);
        write(result, board);
        print(o, board);
        o.println("results written to " + out);
        if (trainBest != null) {
            return trainLeader(o, board, cands, cfg);
        }
        return 0;
    }

    private TrainingConfig trainingConfig(boolean multiLabel) {
        return training.config(Method.HEAD, seed, multiLabel, false);
    }

    static List<Spec> parse(String spec) {
        List<Spec> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("'" + p + "' is not MODEL:METHOD (method head, all or scratch)");
            }
            String base = p.substring(0, colon);
            Method m = Method.parse(p.substring(colon + 1));
            if (Zoo.contains(base) && m != Method.SCRATCH) {
                throw new IllegalArgumentException("'" + p + "': a zoo architecture trains from scratch only");
            }
            String shown = base.replace('\\', '/');
            shown = shown.substring(shown.lastIndexOf('/') + 1);
            if (shown.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                shown = shown.substring(0, shown.length() - 5);
            }
            String name = shown + ":" + m.name().toLowerCase(Locale.ROOT);
            if (out.stream().anyMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("'" + p + "' is given twice");
            }
            out.add(new Spec(name, base, m));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no candidate given");
        }
        return out;
    }

    static List<Double> fractions(String curve) {
        List<Double> f = new ArrayList<>();
        if (curve != null) {
            for (String s : curve.split(",")) {
                if (!s.isBlank()) {
                    double v = Double.parseDouble(s.strip().replace("%", "")) / 100.0;
                    if (!(v > 0 && v <= 1)) {
                        throw new IllegalArgumentException("--curve: " + s.strip() + " is not a percentage in (0, 100]");
                    }
                    f.add(v);
                }
            }
        }
        f.add(1.0);
        return List.copyOf(new TreeSet<>(f));
    }

    /** A model file, a catalogue name, or a catalogue name's prefix such as xc_super for xc_super_pretrained. */
    static Path resolveModel(String name) {
        Path p = ModelCatalog.resolve(name);
        if (Files.isRegularFile(p)) {
            return p;
        }
        List<Path> matches = new ArrayList<>();
        for (ModelCatalog.Entry e : ModelCatalog.all()) {
            if (e.name().startsWith(name + "_")) {
                matches.add(e.file());
            }
        }
        return matches.size() == 1 ? matches.get(0) : null;
    }

    /** Patient per recording stem from a metadata table (see --metadata). */
    static Map<String, String> patients(Path csv) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (CsvReader<NamedCsvRecord> r = CsvReader.builder().ofNamedCsvRecord(csv)) {
            List<String> header = null;
            for (NamedCsvRecord rec : r) {
                if (header == null) {
                    header = rec.getHeader();
                    if (!header.contains("patient_id") && !header.contains("patient")) {
                        throw new IOException(csv + ": no patient_id or patient column in the header " + header);
                    }
                }
                String key = stem(header.contains("file_name") ? rec.getField("file_name") : rec.getField(0));
                String p = (header.contains("patient_id") ? rec.getField("patient_id") : rec.getField("patient")).strip();
                if (p.matches("-?\\d+\\.0+")) {
                    p = p.substring(0, p.indexOf('.')); // PTB-XL writes ids as floats
                }
                if (!p.isEmpty()) {
                    out.put(key, p);
                }
            }
        }
        return out;
    }

    static String stem(String path) {
        String p = path.strip().replace('\\', '/');
        int bang = p.indexOf("!/");
        if (bang >= 0) {
            p = p.substring(bang + 2);
        }
        String name = p.substring(p.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }

    /** Finished folds as JSON files, written atomically, so an interrupted comparison continues. */
    static final class FolderStore implements FoldResult.Store {
        private final Path dir;
        private final ObjectMapper json = new ObjectMapper();

        FolderStore(Path dir) {
            this.dir = dir;
        }

        @Override
        public FoldResult find(String key) {
            Path f = dir.resolve(key + ".json");
            if (!Files.isRegularFile(f)) {
                return null;
            }
            try {
                return json.readValue(f.toFile(), FoldResult.class);
            } catch (IOException e) {
                System.err.println(f + ": unreadable fold result, trained again (" + e.getMessage() + ")");
                return null;
            }
        }

        @Override
        public void save(FoldResult result) {
            Path f = dir.resolve(result.key() + ".json");
            Path tmp = dir.resolve(result.key() + ".json.tmp");
            try {
                json.writeValue(tmp.toFile(), result);
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + f, e);
            }
        }
    }

    private void write(CrossValidation.Result r, Leaderboard b) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("created", Instant.now().toString());
        j.put("labels", labelsFile.toString());
        j.put("candidates", r.candidates());
        j.put("training_fractions", r.settings().fractions());
        Map<String, Object> h = new LinkedHashMap<>();
        TrainingConfig c = r.settings().training();
        h.put("optimizer", c.optimizer().label());
        h.put("learning_rate", c.learningRate());
        h.put("lr_gamma", c.lrGamma());
        h.put("batch_size", c.batchSize());
        h.put("max_epochs", c.epochs());
        h.put("validation_fraction", c.validationFraction());
        j.put("hyperparameters", h);
        j.put("leaderboard", b);
        json.writeValue(out.resolve("leaderboard.json").toFile(), j);
        writeLeaderboardCsv(out.resolve("leaderboard.csv"), b);

        try (PrintWriter w = writer(out.resolve("delong.csv"))) {
            w.println("candidate,leader,class,auc,leader_auc,z,p,p_holm");
            for (Leaderboard.Row row : b.rows()) {
                for (Leaderboard.ClassTest t : row.delong()) {
                    w.println(String.join(",", csv(row.candidate()), csv(b.leader()), csv(t.className()), num(t.auc()),
                            num(t.leaderAuc()), num(t.z()), num(t.p()), num(t.pHolm())));
                }
            }
        }
        try (PrintWriter w = writer(out.resolve("learning-curve.csv"))) {
            w.println("candidate,fraction,train_recordings,macro_f1,macro_f1_low,macro_f1_high,macro_auc");
            for (Leaderboard.CurvePoint p : b.curve()) {
                w.println(String.join(",", csv(p.candidate()), num(p.fraction()), num(p.trainRecordings()),
                        num(p.macroF1()), num(p.low()), num(p.high()), num(p.macroAuc())));
            }
        }
        try (PrintWriter w = writer(out.resolve("oof-predictions.csv"))) {
            StringBuilder head = new StringBuilder("candidate,seed,fraction,fold,file_name,patient,labels");
            r.classes().forEach(x -> head.append(',').append(csv(x)));
            w.println(head);
            for (FoldResult f : r.runs()) {
                for (int t = 0; t < f.test().length; t++) {
                    int i = f.test()[t];
                    StringBuilder line = new StringBuilder(String.join(",", csv(f.candidate()), Long.toString(f.seed()),
                            num(f.fraction()), Integer.toString(f.fold() + 1), csv(r.ids().get(i)),
                            csv(r.patients() == null || r.patients().get(i) == null ? "" : r.patients().get(i)),
                            csv(String.join("|", r.labels().get(i)))));
                    for (double p : f.probabilities()[t]) {
                        line.append(',').append(num(p));
                    }
                    w.println(line);
                }
            }
        }
        try (PrintWriter w = writer(out.resolve("folds.csv"))) {
            StringBuilder head = new StringBuilder("file_name,patient,labels");
            r.settings().seeds().forEach(s -> head.append(",fold_seed").append(s));
            w.println(head);
            for (int i = 0; i < r.ids().size(); i++) {
                StringBuilder line = new StringBuilder(String.join(",", csv(r.ids().get(i)),
                        csv(r.patients() == null || r.patients().get(i) == null ? "" : r.patients().get(i)),
                        csv(String.join("|", r.labels().get(i)))));
                for (long s : r.settings().seeds()) {
                    Folds f = r.folds().get(s);
                    line.append(',').append(f.fold()[i] + 1);
                }
                w.println(line);
            }
        }
    }

    static void writeLeaderboardCsv(Path file, Leaderboard b) throws IOException {
        try (PrintWriter w = writer(file)) {
            StringBuilder head = new StringBuilder("rank,candidate,leader,indistinguishable_from_leader");
            for (String m : b.rows().get(0).metrics().keySet()) {
                head.append(',').append(m).append(',').append(m).append("_ci_low,").append(m).append("_ci_high,")
                        .append(m).append("_fold_mean,").append(m).append("_fold_sd");
            }
            head.append(",macro_f1_diff,macro_f1_diff_low,macro_f1_diff_high,macro_f1_p,macro_f1_p_holm");
            head.append(",macro_auc_diff,macro_auc_diff_low,macro_auc_diff_high,macro_auc_p,macro_auc_p_holm");
            head.append(",training_seconds");
            w.println(head);
            for (Leaderboard.Row row : b.rows()) {
                StringBuilder line = new StringBuilder(String.join(",", Integer.toString(row.rank()), csv(row.candidate()),
                        Boolean.toString(row.leader()), Boolean.toString(row.indistinguishable())));
                for (Leaderboard.Metric m : row.metrics().values()) {
                    line.append(',').append(String.join(",", num(m.value()), num(m.low()), num(m.high()), num(m.foldMean()),
                            num(m.foldSd())));
                }
                for (Leaderboard.Difference d : new Leaderboard.Difference[] {row.macroF1VsLeader(), row.macroAucVsLeader()}) {
                    line.append(',').append(d == null ? ",,,," : String.join(",", num(d.difference()), num(d.low()),
                            num(d.high()), num(d.p()), num(d.pHolm())));
                }
                line.append(',').append(num(row.trainingSeconds()));
                w.println(line);
            }
        }
    }

    private static PrintWriter writer(Path f) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(f, StandardCharsets.UTF_8));
    }

    static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static void print(PrintStream o, Leaderboard b) {
        o.println();
        o.printf(Locale.ROOT, "Cross-validated leaderboard: %d recordings, %d %s, %d folds x %d seed(s), %d bootstrap resamples, %d %% intervals%n",
                b.recordings(), b.clusters(), b.byPatient() ? "patients" : "bootstrap units (recordings)", b.folds(),
                b.seeds().size(), b.resamples(), Math.round(b.level() * 100));
        o.printf(Locale.ROOT, "%-4s %-26s %-22s %-22s %-15s %-22s %-26s%n", "rank", "candidate", "macro F1 [95% CI]",
                "macro AUC [95% CI]", "F1 folds", "accuracy [95% CI]", "ΔF1 vs best (p Holm)");
        for (Leaderboard.Row r : b.rows()) {
            Leaderboard.Metric f1 = r.metrics().get("macro_f1");
            Leaderboard.Metric auc = r.metrics().get("macro_auc");
            Leaderboard.Metric acc = r.metrics().get("accuracy");
            Leaderboard.Difference d = r.macroF1VsLeader();
            o.printf(Locale.ROOT, "%-4s %-26s %-22s %-22s %-15s %-22s %-26s%n",
                    r.rank() + (r.indistinguishable() ? "*" : ""), r.candidate(), ci(f1), ci(auc),
                    String.format(Locale.ROOT, "%.3f±%.3f", f1.foldMean(), f1.foldSd()), ci(acc),
                    d == null ? "best" : String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f] (%.3f)", d.difference(), d.low(),
                            d.high(), d.pHolm()));
        }
        o.println("* cannot be told apart from the best (Holm-corrected paired bootstrap of macro F1, 5 %)");
        for (Leaderboard.Row r : b.rows()) {
            if (!r.delong().isEmpty()) {
                StringBuilder s = new StringBuilder("DeLong " + r.candidate() + " vs " + b.leader() + ":");
                for (Leaderboard.ClassTest t : r.delong()) {
                    s.append(String.format(Locale.ROOT, " %s %.3f/%.3f p=%.3f (Holm %.3f);", t.className(), t.auc(),
                            t.leaderAuc(), t.p(), t.pHolm()));
                }
                o.println(s);
            }
        }
        if (b.curve().stream().anyMatch(p -> p.fraction() < 1)) {
            o.println("Learning curve (macro F1 [95% CI] by share of the training part):");
            for (Leaderboard.CurvePoint p : b.curve()) {
                o.printf(Locale.ROOT, "  %-26s %3d %% (%5.1f recordings): %.3f [%.3f, %.3f]%n", p.candidate(),
                        Math.round(p.fraction() * 100), p.trainRecordings(), p.macroF1(), p.low(), p.high());
            }
        }
        o.println(b.conclusion());
    }

    private static String ci(Leaderboard.Metric m) {
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", m.value(), m.low(), m.high());
    }

    /** Trains the leader on every recording and records its cross-validated numbers with it. */
    private int trainLeader(PrintStream o, Leaderboard b, List<Candidate> cands, TrainingConfig cfg) throws Exception {
        Candidate c = cands.stream().filter(x -> x.name().equals(b.leader())).findFirst().orElseThrow();
        o.println("training " + c.name() + " on all " + c.examples().size() + " recordings ...");
        TrainingConfig full = new TrainingConfig(c.method(), cfg.optimizer(), cfg.epochs(), cfg.batchSize(),
                cfg.learningRate(), cfg.lrGamma(), cfg.weightDecay(), cfg.validationFraction(), cfg.seed(),
                cfg.multiLabel(), cfg.patience(), cfg.minEpochs(), cfg.overfitFactor(), false, cfg.select());
        List<String> classes = List.copyOf(new TreeSet<>(c.examples().stream().flatMap(e -> e.labels().stream()).toList()));
        OnnxGraph graph = c.base() != null ? c.base() : Zoo.build(c.zoo(), classes, cfg.seed());
        String sha = c.base() != null ? c.baseSha256() : graph.sha256();
        TrainingResult r = new Trainer(full).train(graph, sha, c.examples(), c.preparation());
        if (r.model() == null) {
            System.err.println("no epoch finished, so no model was written");
            return 1;
        }
        Leaderboard.Row row = b.rows().stream().filter(x -> x.candidate().equals(c.name())).findFirst().orElseThrow();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("candidate", c.name());
        summary.put("folds", b.folds());
        summary.put("seeds", b.seeds());
        summary.put("recordings", b.recordings());
        summary.put("bootstrap_units", b.clusters());
        summary.put("grouped_by_patient", b.byPatient());
        summary.put("level", b.level());
        summary.put("metrics", row.metrics());
        summary.put("indistinguishable_from", b.indistinguishable());
        summary.put("conclusion", b.conclusion());
        ObjectMapper json = new ObjectMapper();
        String cvJson = json.writeValueAsString(summary);
        PredictCommand.ensureParent(trainBest);
        r.model().withMetadata("exchangeai.cross_validation", cvJson).write(trainBest);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("created", Instant.now().toString());
        report.put("model", trainBest.getFileName().toString());
        report.put("candidate", c.name());
        report.put("method", c.method().name().toLowerCase(Locale.ROOT));
        report.put("recordings", c.examples().size());
        report.put("classes", r.classes());
        report.put("best_epoch", r.bestEpoch());
        report.put("epoch_selection", r.selection());
        report.put("cross_validation", summary);
        json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(FinetuneCommand.reportPath(trainBest).toFile(), report);
        o.printf(Locale.ROOT, "%s trained on all recordings (kept epoch %d of %d) written to %s, report to %s%n", c.name(),
                r.bestEpoch(), r.history().size(), trainBest, FinetuneCommand.reportPath(trainBest));
        return 0;
    }
}
