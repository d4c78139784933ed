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
import org.exchangeai.core.comparison.FolderStore;
import org.exchangeai.core.comparison.PatientTable;
import org.exchangeai.core.comparison.Reports;
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
        PatientTable patientTable = metadata == null ? null : PatientTable.read(metadata);

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
        // a fixed order (by name), so the folds do not depend on how the files were listed
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing(i -> kept.get(i).name()));
        List<ReadResult> sortedKept = order.stream().map(kept::get).toList();
        List<Labels.Row> sortedRows = order.stream().map(rows::get).toList();
        kept.clear();
        kept.addAll(sortedKept);
        rows.clear();
        rows.addAll(sortedRows);
        List<String> ids = kept.stream().map(ReadResult::name).toList();
        List<String> patients = ids.stream().map(id -> patientTable == null ? null : patientTable.patientOf(id)).toList();
        long withPatient = patients.stream().filter(p -> p != null).count();
        if (metadata != null && withPatient < ids.size()) {
            System.err.println((ids.size() - withPatient) + " recording(s) have no row in " + metadata
                    + " and count as their own patient");
        }

        // candidates: each prepares the recordings with its own recipe
        boolean multiLabel = rows.stream().anyMatch(r -> r.labels().size() > 1);
        List<String> classes = List.copyOf(new TreeSet<>(rows.stream().flatMap(r -> r.labels().stream()).toList()));
        List<Candidate.Spec> candidateSpecs = new ArrayList<>();
        for (Spec s : specs) {
            if (Zoo.contains(s.base())) {
                candidateSpecs.add(new Candidate.Spec(s.name(), null, null, s.base().toLowerCase(Locale.ROOT), s.method()));
                continue;
            }
            Path file = resolveModel(s.base());
            if (file == null) {
                System.err.println("--candidates: no model file, model name or zoo architecture '" + s.base()
                        + "' (zoo: " + Zoo.NAMES + ")");
                return 2;
            }
            byte[] bytes = Files.readAllBytes(file);
            candidateSpecs.add(new Candidate.Spec(s.name(), OnnxGraph.parse(bytes), OnnxGraph.sha256(bytes), null, s.method()));
        }
        List<Candidate> cands;
        try {
            cands = Candidate.prepare(candidateSpecs, ids, kept.stream().map(ReadResult::ecg).toList(),
                    rows.stream().map(Labels.Row::labels).toList());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 1;
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
            result = cv.run(ids, metadata == null ? null : patients, cands, new FolderStore(foldDir, System.err::println));
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
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("created", Instant.now().toString());
        about.put("labels", labelsFile.toString());
        Reports.write(out, result, board, about);
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
        try {
            return org.exchangeai.core.comparison.CurvePoints.parse(curve);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--curve: " + e.getMessage(), e);
        }
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
        Map<String, Object> summary = Reports.summary(b, c.name());
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
