package org.exchangeai.app.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import me.tongfei.progressbar.ProgressBar;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.pretrain.Checkpoint;
import org.exchangeai.core.pretrain.Corpus;
import org.exchangeai.core.pretrain.Objective;
import org.exchangeai.core.pretrain.PretrainConfig;
import org.exchangeai.core.pretrain.PretrainEvent;
import org.exchangeai.core.pretrain.PretrainResult;
import org.exchangeai.core.pretrain.Pretrainer;
import org.exchangeai.core.pretrain.RecordingSource;
import org.exchangeai.core.zoo.Zoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Pretrains a model on a corpus of recordings (labels optional) and writes an encoder to fine-tune. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a model on many recordings (self-supervised, supervised on their labels, or both) and "
                + "write an encoder that 'finetune --method head|all' starts from. Reads recordings from disk batch by "
                + "batch, writes a checkpoint after every epoch, and continues from it with --resume.")
public final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--arch", defaultValue = "cardx", paramLabel = "cardx|inceptiontime|xceptiontime|M.onnx",
            description = "Architecture to pretrain from fresh weights, or an ONNX model to continue from "
                    + "(default: ${DEFAULT-VALUE}).")
    String arch;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Files, folders or ZIP archives of recordings.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "Text file listing one recording per line (relative to the file's folder); may repeat.")
    List<Path> manifests = new ArrayList<>();

    @Option(names = "--labels", paramLabel = "labels.csv",
            description = "Label table file_name,label,ICD-10 (several labels joined with |); needed by "
                    + "--objective supervised|both.")
    Path labelsFile;

    @Option(names = "--metadata", paramLabel = "metadata.csv",
            description = "Table giving each recording a patient (patient_id) and fold (strat_fold or fold), matched "
                    + "by file_name or by the first column against the file name without extension.")
    Path metadata;

    @Option(names = "--folds", paramLabel = "LIST",
            description = "Train only on recordings of these folds (e.g. 1-8); needs --metadata.")
    String folds;

    @Option(names = "--validation-folds", paramLabel = "LIST",
            description = "Hold out recordings of these folds (e.g. 9) to choose the epoch and report; needs --metadata.")
    String validationFolds;

    @Option(names = "--objective", defaultValue = "both", paramLabel = "ssl|supervised|both",
            description = "ssl: contrastive (SimCLR) on augmented views, no labels used; supervised: multi-label "
                    + "classification of the labels; both: the two losses summed (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--epochs", defaultValue = "50", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Recordings per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate of AdamW (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "42", description = "Makes the run repeatable (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--loader-threads", defaultValue = "1",
            description = "Threads reading and preparing recordings ahead of training (default: ${DEFAULT-VALUE}).")
    int loaderThreads;

    @Option(names = "--out", required = true, paramLabel = "ENCODER.onnx", description = "Where to write the encoder.")
    Path out;

    @Option(names = "--resume", description = "Continue from the checkpoint beside --out (ENCODER.onnx.checkpoint).")
    boolean resume;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        Objective obj = Objective.parse(objective);
        if (paths.isEmpty() && manifests.isEmpty()) {
            System.err.println("no recordings: give files, folders or --manifest");
            return 2;
        }
        if ((folds != null || validationFolds != null) && metadata == null) {
            System.err.println("--folds and --validation-folds need --metadata, which says each recording's fold");
            return 2;
        }
        Corpus all = Corpus.scan(paths, manifests);
        if (labelsFile != null) {
            Labels labels = Labels.read(labelsFile);
            labels.problems().forEach(p -> System.err.println("labels: " + p));
            all = all.withLabels(labels);
        }
        if (metadata != null) {
            all = all.withMetadata(metadata);
            if (all.withoutMetadata() > 0) {
                System.err.println(all.withoutMetadata() + " recording(s) have no row in " + metadata);
            }
        }
        Corpus train = folds == null ? all : all.inFolds(Corpus.folds(folds));
        Corpus validation = validationFolds == null ? Corpus.of(List.of()) : all.inFolds(Corpus.folds(validationFolds));
        if (folds == null && validationFolds != null) {
            Set<String> held = Corpus.folds(validationFolds);
            train = Corpus.of(all.items().stream().filter(i -> i.fold() == null || !held.contains(i.fold())).toList());
        }
        Set<String> shared = train.sharedPatients(validation);
        if (!shared.isEmpty()) {
            System.err.println(shared.size() + " patient(s) have recordings in both training and validation folds: "
                    + "their validation recordings are left out");
            validation = Corpus.of(validation.items().stream().filter(i -> !shared.contains(i.patient())).toList());
        }

        String archName = arch.toLowerCase(Locale.ROOT);
        OnnxGraph graph;
        Preparation prep;
        if (Zoo.contains(archName)) {
            List<String> classes = train.classes().isEmpty() ? List.of("untrained_0", "untrained_1") : train.classes();
            graph = Zoo.build(archName, classes, seed);
            prep = Zoo.preparation(archName);
        } else {
            Path file = ModelCatalog.resolve(arch);
            if (!Files.isRegularFile(file)) {
                System.err.println("no model file or zoo architecture named '" + arch + "' (zoo: " + Zoo.NAMES + ")");
                return 2;
            }
            graph = OnnxGraph.read(file);
            prep = Preparation.fromMetadata(graph.metadata());
            archName = file.getFileName().toString();
        }
        PretrainConfig cfg = PretrainConfig.defaults(obj).withEpochs(epochs).withBatchSize(batch).withSeed(seed)
                .withLearningRate(lr).withLoaderThreads(loaderThreads);
        Path checkpoint = Checkpoint.pathFor(out.toAbsolutePath());
        if (!resume && Files.exists(checkpoint)) {
            System.err.println(checkpoint + " exists from an earlier run: continue it with --resume, or delete it");
            return 2;
        }
        PredictCommand.ensureParent(out);
        o.printf(Locale.ROOT, "%,d training recordings (%,d labelled), %,d validation; %s, objective %s, %d epochs%n",
                train.size(), train.labelled(), validation.size(), arch, obj.key(), epochs);

        Pretrainer pretrainer = new Pretrainer(cfg);
        Printer printer = new Printer(o);
        pretrainer.onEvent(printer);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("stopping after the current batch; the last checkpoint is kept for --resume ...");
            pretrainer.cancel();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "exchangeai-pretrain-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            PretrainResult result;
            try {
                result = pretrainer.run(new Pretrainer.Task(graph, archName, prep, train, validation,
                        RecordingSource.files(recordingOptions.toReadOptions()), checkpoint, resume));
            } finally {
                printer.close();
            }
            if (result.encoder() == null) {
                System.err.println("stopped before the end; continue with the same command and --resume");
                return 1;
            }
            result.encoder().write(out);
            o.printf(Locale.ROOT, "%s: encoder (epoch %d of %d) written to %s; %d recording(s) could not be used%n",
                    result.status(), result.chosenEpoch(), result.history().size(), out, result.unusable());
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

    /** One progress bar over the whole run (recordings, with loss and throughput) and a line per epoch. */
    static final class Printer implements java.util.function.Consumer<PretrainEvent> {
        private final PrintStream out;
        private ProgressBar bar;

        Printer(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void accept(PretrainEvent e) {
            switch (e.kind()) {
                case STARTED, WARNING, CANCELLED -> {
                    close();
                    out.println(e.message());
                }
                case BATCH -> {
                    if (bar == null) {
                        bar = PredictCommand.progress(String.format(Locale.ROOT, "Epoch %d/%d", e.epoch(), e.epochs()),
                                e.epochRecordings());
                    }
                    bar.stepTo(e.recordings());
                    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f, %.1f rec/s, run ETA %s", e.loss(),
                            e.recordingsPerSecond(), duration(e.eta())));
                }
                case EPOCH -> {
                    close();
                    out.println(e.message());
                }
                default -> {
                }
            }
        }

        private static String duration(java.time.Duration d) {
            long s = d.getSeconds();
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }

        synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }
}
