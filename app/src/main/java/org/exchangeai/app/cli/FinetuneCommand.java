package org.exchangeai.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import me.tongfei.progressbar.ProgressBar;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.eval.ClassMetrics;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Holdout;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingEvent;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.Zoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Fine-tunes an ONNX model (or trains a zoo architecture) on labelled recordings and writes a new ONNX model. */
@Command(name = "finetune", mixinStandardHelpOptions = true, description = "Fine-tune a model or train a zoo architecture on labelled recordings; "
        + "writes the best epoch as ONNX plus a JSON training report.")
public final class FinetuneCommand implements Callable<Integer> {

    @Option(names = "--base", required = true, paramLabel = "MODEL",
            description = "Base model: an ONNX file, a known model name, or inceptiontime, xceptiontime, cardx.")
    String base;

    @Option(names = "--labels", required = true, paramLabel = "labels.csv",
            description = "Label table file_name,label,ICD-10; file names relative to its folder.")
    Path labelsFile;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or ZIP archives.")
    List<Path> paths;

    @Option(names = "--method", defaultValue = "head", paramLabel = "head|all|scratch",
            description = "What trains: the classifier head, all layers, or all layers from fresh weights (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--seed", defaultValue = "42", description = "Makes split, shuffling and initialisation repeatable (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lr-find", description = "Run the learning-rate finder first (its suggestion is capped by --lr).")
    boolean lrFind;

    @Option(names = "--out", required = true, paramLabel = "NEW.onnx", description = "Where to write the trained model.")
    Path out;

    @Mixin
    TrainerOptions training;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        Method m = Method.parse(method);
        Labels labels = Labels.read(labelsFile);
        labels.problems().forEach(p -> System.err.println("labels: " + p));
        Path labelsDir = labelsFile.toAbsolutePath().normalize().getParent();

        // base model and its recipe; a zoo graph is built once the classes are known
        OnnxGraph baseGraph = null;
        String baseSha = null;
        String zoo = base.toLowerCase(Locale.ROOT);
        Preparation prep;
        if (Zoo.contains(zoo)) {
            prep = Zoo.preparation(zoo);
        } else {
            Path file = ModelCatalog.resolve(base);
            if (!Files.isRegularFile(file)) {
                System.err.println("no model file or zoo architecture named '" + base + "' (zoo: " + Zoo.NAMES + ")");
                return 2;
            }
            byte[] bytes = Files.readAllBytes(file);
            baseGraph = OnnxGraph.parse(bytes);
            baseSha = OnnxGraph.sha256(bytes);
            prep = Preparation.fromMetadata(baseGraph.metadata());
        }

        // recordings: read, label, prepare
        List<ReadResult> read = PredictCommand.readNamed(paths, recordingOptions);
        List<Example> examples = new ArrayList<>();
        List<String> unlabelled = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (ReadResult r : read) {
            if (!r.ok()) {
                unreadable.add(r.name() + ": " + r.error().getMessage());
                continue;
            }
            Labels.Row row = labels.find(EvaluateCommand.relativeToLabels(r, labelsDir));
            if (row == null) {
                unlabelled.add(r.name());
                continue;
            }
            try {
                examples.add(new Example(r.name(), prep.apply(r.ecg()), row.labels()));
            } catch (RuntimeException e) {
                unreadable.add(r.name() + ": cannot be prepared for the model: " + e.getMessage());
            }
        }
        unreadable.forEach(s -> System.err.println("unreadable: " + s));
        if (!unlabelled.isEmpty()) {
            System.err.println(unlabelled.size() + " recording(s) without a label in " + labelsFile + " left out"
                    + (unlabelled.size() <= 10 ? ": " + unlabelled : ""));
        }
        boolean multiLabel = examples.stream().anyMatch(e -> e.labels().size() > 1);
        if (baseGraph == null) {
            // the trainer's own class order (sorted), so the browser builds the identical graph
            baseGraph = Zoo.build(zoo, List.copyOf(new TreeSet<>(examples.stream().flatMap(e -> e.labels().stream()).toList())),
                    seed);
            baseSha = baseGraph.sha256();
        }
        o.printf(Locale.ROOT, "%d labelled recordings (%d unlabelled, %d unreadable); %s, method %s%s%n",
                examples.size(), unlabelled.size(), unreadable.size(), base, m.name().toLowerCase(Locale.ROOT),
                multiLabel ? ", multi-label" : "");

        TrainingConfig cfg = training.config(m, seed, multiLabel, lrFind);
        Trainer trainer = new Trainer(cfg);
        EpochPrinter printer = new EpochPrinter(o);
        trainer.onEvent(printer);

        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("stopping: finishing the current batch and keeping the best epoch ...");
            trainer.cancel();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "exchangeai-finetune-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            TrainingResult result;
            try {
                result = trainer.train(baseGraph, baseSha, examples, prep);
            } finally {
                printer.close();
            }
            if (result.model() == null) {
                System.err.println("no epoch finished, so no model was written");
                return 1;
            }
            PredictCommand.ensureParent(out);
            result.model().write(out);
            Path report = reportPath(out);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            json.writeValue(report.toFile(), report(result, cfg, baseSha, examples.size(), unlabelled, unreadable, null));
            Evaluation ev = null;
            try {
                ev = validation(result, examples, cfg);
            } catch (Exception | LinkageError e) {
                // e.g. ONNX Runtime already shut down after Ctrl-C; the model and report are written
                System.err.println("validation metrics not computed: " + e);
            }
            if (ev != null) {
                json.writeValue(report.toFile(), report(result, cfg, baseSha, examples.size(), unlabelled, unreadable, ev));
                o.println();
                o.printf(Locale.ROOT, "Validation (best epoch %d, %d recordings)%n", result.bestEpoch(), ev.samples());
                o.printf(Locale.ROOT, "%-14s %9s %9s %9s %8s%n", "class", "precision", "recall", "F1", "support");
                for (ClassMetrics c : ev.perClass()) {
                    o.printf(Locale.ROOT, "%-14s %9.3f %9.3f %9.3f %8d%n", c.name(), c.precision(), c.recall(), c.f1(),
                            c.support());
                }
                o.printf(Locale.ROOT, "%-14s %29.3f%n", "macro F1", ev.macroF1());
                o.printf(Locale.ROOT, "%-14s %29.3f%n", "weighted F1", ev.weightedF1());
                o.printf(Locale.ROOT, "%-14s %29.3f%n", "macro AUC", ev.macroAuc());
            }
            o.printf(Locale.ROOT, "kept epoch %d: %s%n", result.bestEpoch(), result.selection());
            o.printf(Locale.ROOT, "%s: %s, best epoch %d of %d; model written to %s, report to %s%n",
                    result.status(), String.join(", ", result.classes()), result.bestEpoch(), result.history().size(),
                    out, report);
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running; it only waits for the latch released above
            }
        }
    }

    /** {@code NEW.onnx} → {@code NEW.report.json} in the same folder. */
    static Path reportPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(stem + ".report.json");
    }

    /** Metrics of the exported model (ONNX Runtime) on the trainer's validation split. */
    private Evaluation validation(TrainingResult result, List<Example> examples, TrainingConfig cfg) throws Exception {
        try (OnnxModel model = OnnxModel.load(out, result.model().toBytes(), 1)) {
            return Holdout.evaluate(model, examples, cfg, result.classes());
        }
    }

    private Map<String, Object> report(TrainingResult r, TrainingConfig cfg, String baseSha, int n,
            List<String> unlabelled, List<String> unreadable, Evaluation ev) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("created", Instant.now().toString());
        j.put("model", out.getFileName().toString());
        j.put("base", base);
        j.put("base_sha256", baseSha);
        j.put("method", cfg.method().name().toLowerCase(Locale.ROOT));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("optimizer", cfg.optimizer().label());
        h.put("learning_rate", r.learningRate());
        h.put("lr_gamma", cfg.lrGamma());
        h.put("batch_size", cfg.batchSize());
        h.put("max_epochs", cfg.epochs());
        h.put("validation_fraction", cfg.validationFraction());
        h.put("seed", cfg.seed());
        h.put("learning_rate_finder", cfg.findLearningRate());
        h.put("multi_label", cfg.multiLabel());
        j.put("hyperparameters", h);
        j.put("recordings", n);
        j.put("unlabelled", unlabelled);
        j.put("unreadable", unreadable);
        j.put("classes", r.classes());
        j.put("status", r.status().name());
        j.put("best_epoch", r.bestEpoch());
        j.put("epoch_selection", r.selection());
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (TrainingResult.EpochStats e : r.history()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("epoch", e.epoch());
            x.put("train_loss", finite(e.trainLoss()));
            x.put("validation_loss", finite(e.validationLoss()));
            x.put("f1_macro", finite(e.f1Macro()));
            x.put("f1_weighted", finite(e.f1Weighted()));
            x.put("macro_auc", finite(e.macroAuc()));
            x.put("selection_criterion_smoothed", finite(e.criterion()));
            x.put("learning_rate", e.learningRate());
            x.put("seconds", e.seconds());
            epochs.add(x);
        }
        j.put("epochs", epochs);
        if (ev != null) {
            j.put("validation", EvaluateCommand.toJson(ev));
        }
        return j;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A progress bar per epoch and one table row when the epoch ends. */
    static final class EpochPrinter implements java.util.function.Consumer<TrainingEvent> {
        private final PrintStream out;
        private ProgressBar bar;
        private boolean header;

        EpochPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void accept(TrainingEvent e) {
            switch (e.kind()) {
                case LEARNING_RATE_FOUND, EARLY_STOP, CANCELLED -> {
                    close();
                    out.println(e.message());
                }
                case BATCH -> {
                    if (bar == null) {
                        bar = PredictCommand.progress(String.format(Locale.ROOT, "Epoch %d/%d", e.epoch(), e.epochs()),
                                e.batches());
                    }
                    bar.stepTo(e.batch());
                    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", e.trainLoss()));
                }
                case EPOCH -> {
                    close();
                    if (!header) {
                        out.printf(Locale.ROOT, "%5s %10s %10s %9s %11s %9s %10s %9s %5s%n", "epoch", "train loss",
                                "val loss", "macro F1", "weighted F1", "macro AUC", "lr", "elapsed", "kept");
                        header = true;
                    }
                    out.printf(Locale.ROOT, "%5d %10.4f %10.4f %9.3f %11.3f %9.3f %10.3g %8.1fs %5s%n", e.epoch(),
                            e.trainLoss(), e.validationLoss(), e.f1Macro(), e.f1Weighted(), e.macroAuc(),
                            e.learningRate(), e.elapsed().toMillis() / 1000.0,
                            e.keptEpoch() > 0 ? Integer.toString(e.keptEpoch()) : "");
                }
                default -> {
                }
            }
        }

        synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
