package org.exchangeai.core.pretrain;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.exchangeai.core.eval.RocCurve;
import org.exchangeai.core.onnx.HeadSurgery;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.PythonLiterals;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.Export;
import org.exchangeai.core.train.GraphModule;
import org.exchangeai.core.train.Losses;
import org.exchangeai.core.train.Optimizer;

/**
 * Pretrains an ECG model on a corpus of recordings and exports it as an encoder that
 * {@code finetune --method head|all} can start from.
 *
 * <p>Per step: a batch of recordings is read and prepared with the model's recipe (in the
 * background, see {@link BatchLoader}) and two random views of each ({@link Augmentations}: 5 s
 * crops with lead masking, time out, scaling, wander and noise) go through the model in one pass.
 * For the contrastive objective, the features its classifier reads are projected
 * ({@link ProjectionHead}) and scored with NT-Xent ({@link ContrastiveLoss}). For the supervised
 * objective, the views' logits are scored with binary cross-entropy per class (positive weight
 * negatives/positives, bounded to [0.1, 100], from the training corpus). A view is half a
 * recording, so a step costs one forward and backward pass per recording. AdamW with a linear
 * warm-up over the first epoch and a cosine decay.
 *
 * <p>After every epoch: validation (macro AUC of the supervised head when labelled validation
 * recordings are given, else the contrastive loss on fixed views), then a {@link Checkpoint}. A run
 * given the checkpoint of an earlier run with the same settings and corpus continues after its
 * last finished epoch and ends with the same weights as an uninterrupted run. The exported model
 * holds the epoch with the best validation AUC when there is one, otherwise the last epoch.
 *
 * <p>Runs on a CUDA GPU when libtorch's GPU build is on the class path (see {@code docs/training.md}),
 * otherwise on the CPU; nothing else changes.
 */
public final class Pretrainer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PretrainConfig config;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private Consumer<PretrainEvent> listener = e -> { };

    public Pretrainer(PretrainConfig config) {
        this.config = config;
    }

    public Pretrainer onEvent(Consumer<PretrainEvent> l) {
        this.listener = l;
        return this;
    }

    /** Stops after the current batch; the last checkpoint stays for a resume. Safe from any thread. */
    public void cancel() {
        cancelled.set(true);
    }

    /**
     * What to pretrain.
     *
     * @param graph the model to start from (a zoo graph or a model file); its head is re-targeted to the
     *     corpus's classes for a supervised objective
     * @param architecture how the model is named in provenance (cardx, inceptiontime, a file name)
     * @param preparation how recordings become its input
     * @param corpus training recordings
     * @param validation held-out recordings (may be empty)
     * @param source where the items' signals come from ({@link RecordingSource#files} for files on disk)
     * @param checkpoint where the checkpoint is written after every epoch
     * @param resume continue from {@code checkpoint} when it exists
     */
    public record Task(OnnxGraph graph, String architecture, Preparation preparation, Corpus corpus, Corpus validation,
            RecordingSource source, Path checkpoint, boolean resume) {
    }

    public PretrainResult run(Task task) {
        return Engines.onLargeStack(() -> doRun(task));
    }

    private PretrainResult doRun(Task task) throws IOException {
        long started = System.nanoTime();
        Corpus corpus = task.corpus();
        if (corpus.size() < 2) {
            throw new IllegalArgumentException("at least 2 recordings are needed to pretrain, the corpus has " + corpus.size());
        }
        List<String> classes = corpus.classes();
        if (config.objective().supervised() && classes.isEmpty()) {
            throw new IllegalArgumentException("the " + config.objective().key() + " objective needs labels, and no "
                    + "recording of the corpus has one (give --labels, or use --objective ssl)");
        }
        OnnxGraph graph = task.graph();
        if (!classes.isEmpty() && !classes.equals(HeadSurgery.targetKeys(graph))) {
            graph = HeadSurgery.retarget(graph, classes, config.seed()).graph();
        }
        List<String> outputClasses = HeadSurgery.targetKeys(graph);
        String featureName = HeadSurgery.classifierInput(graph);
        int featureSize = featureSize(graph, featureName);
        Set<String> head = new HashSet<>(HeadSurgery.headInitializers(graph));
        OnnxGraph training = graph.edit(b -> b.setGraph(b.getGraph().toBuilder()
                .addOutput(Onnx.ValueInfoProto.newBuilder().setName(featureName))));

        Map<String, String> run = new LinkedHashMap<>(config.describe());
        run.put("architecture", task.architecture());
        run.put("corpus_sha256", corpus.fingerprint());
        run.put("corpus_size", Integer.toString(corpus.size()));
        run.put("validation_sha256", task.validation().fingerprint());
        run.put("classes", String.join(",", outputClasses));
        run.put("preparation", task.preparation().toJson());
        run.put("start_sha256", task.graph().sha256());

        Checkpoint resumed = null;
        if (task.resume() && task.checkpoint() != null && Files.isRegularFile(task.checkpoint())) {
            resumed = Checkpoint.read(task.checkpoint());
            for (Map.Entry<String, String> e : run.entrySet()) {
                String before = resumed.run().get(e.getKey());
                if (!e.getValue().equals(before)) {
                    throw new IllegalArgumentException("cannot resume from " + task.checkpoint() + ": its run had "
                            + e.getKey() + " = " + abbreviate(before) + ", this one " + abbreviate(e.getValue())
                            + "; start again without --resume or use the same settings and recordings");
                }
            }
        }

        Device device = Engines.device();
        Engine engine = Engines.pytorch();
        Augmentations augment = new Augmentations(Augmentations.Settings.standard(
                (int) Math.round(config.viewSeconds() * task.preparation().samplingRate())),
                task.preparation().samplingRate());
        int batchesPerEpoch = (corpus.size() + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) batchesPerEpoch * config.epochs();
        long warmup = Math.min(batchesPerEpoch, Math.max(1, totalSteps / 10));
        float[] positiveWeights = positiveWeights(corpus, outputClasses);

        try (NDManager root = engine.newBaseManager(device);
             GraphModule module = GraphModule.build(training, root);
             BatchLoader loader = new BatchLoader(corpus, task.preparation(), task.source(), augment,
                     outputClasses, config.loaderThreads(), w -> emit(PretrainEvent.Kind.WARNING, 0, 0, 0, Double.NaN,
                             Double.NaN, started, 0, w));
             BatchLoader validationLoader = new BatchLoader(task.validation(), task.preparation(), task.source(),
                     augment, outputClasses, 1, w -> { })) {
            boolean contrastive = config.objective().contrastive();
            module.setTrainable(n -> config.objective().supervised() || !head.contains(n));
            ProjectionHead projection = ProjectionHead.create(root, featureSize, config.projectionSize(),
                    config.seed() * 31 + 7);
            Map<String, NDArray> params = new LinkedHashMap<>(module.trainableParameters());
            if (contrastive) {
                params.putAll(projection.parameters());
            }
            NDArray posWeight = root.create(positiveWeights);
            List<PretrainResult.Epoch> history = new ArrayList<>();
            Map<String, Tensor> best = null;
            int bestEpoch = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            int firstEpoch = 0;
            PretrainResult.Status status = PretrainResult.Status.COMPLETED;
            try (Optimizer optimizer = Optimizer.create(Optimizer.Kind.ADAMW, params, root, config.weightDecay())) {
                if (resumed != null) {
                    module.load(resumed.model());
                    projection.load(resumed.projection());
                    optimizer.restore(resumed.optimizer());
                    history.addAll(resumed.history());
                    best = resumed.best();
                    bestEpoch = resumed.bestEpoch();
                    bestScore = resumed.bestScore();
                    firstEpoch = resumed.epoch();
                }
                emit(PretrainEvent.Kind.STARTED, firstEpoch, 0, corpus.size(), Double.NaN, Double.NaN, started, 0,
                        String.format(Locale.ROOT, "%s pretraining of %s (%,d weights) on %,d recordings (%,d labelled, "
                                + "%d classes), %,d validation, %s%s", config.objective().key(), task.architecture(),
                                module.parameterCount(), corpus.size(), corpus.labelled(), outputClasses.size(),
                                task.validation().size(), device, resumed == null ? ""
                                        : ", resumed after epoch " + firstEpoch));
                long trainedRecordings = 0;
                double trainedSeconds = 0;
                epochs:
                for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    engine.setRandomSeed((int) (config.seed() * 1000 + epoch));
                    module.setTraining(true);
                    int[] order = order(corpus.size(), BatchLoader.mix(config.seed(), epoch, 1));
                    double lossSum = 0;
                    double conSum = 0;
                    double supSum = 0;
                    int steps = 0;
                    int seen = 0;
                    double lr = config.learningRate();
                    for (BatchLoader.Batch batch : loader.batches(order, config.batchSize(),
                            BatchLoader.mix(config.seed(), epoch, 2), true)) {
                        if (cancelled.get()) {
                            status = PretrainResult.Status.CANCELLED;
                            emit(PretrainEvent.Kind.CANCELLED, epoch + 1, seen, corpus.size(), Double.NaN, Double.NaN,
                                    started, throughput(trainedRecordings, trainedSeconds),
                                    "stopped; the checkpoint after epoch " + epoch + " is kept for --resume");
                            break epochs;
                        }
                        lr = learningRate(optimizer.steps(), warmup, totalSteps);
                        double[] l = step(module, projection, optimizer, root, batch, posWeight, lr);
                        lossSum += l[0];
                        conSum += l[1];
                        supSum += l[2];
                        steps++;
                        seen += batch.size();
                        double secondsSoFar = trainedSeconds + (System.nanoTime() - epochStart) / 1e9;
                        emit(PretrainEvent.Kind.BATCH, epoch + 1, seen, corpus.size(), l[0], Double.NaN, started,
                                throughput(trainedRecordings + seen, secondsSoFar), null);
                    }
                    double seconds = (System.nanoTime() - epochStart) / 1e9;
                    trainedRecordings += seen;
                    trainedSeconds += seconds;
                    double[] v = validate(module, projection, root, validationLoader, task.validation(), outputClasses);
                    PretrainResult.Epoch stats = new PretrainResult.Epoch(epoch + 1, lossSum / Math.max(1, steps),
                            contrastive ? conSum / Math.max(1, steps) : Double.NaN,
                            config.objective().supervised() ? supSum / Math.max(1, steps) : Double.NaN, v[0], v[1], lr,
                            seen / Math.max(seconds, 1e-9), seconds);
                    history.add(stats);
                    double score = !Double.isNaN(v[0]) ? v[0] : Double.NaN;
                    emit(PretrainEvent.Kind.EPOCH, epoch + 1, seen, corpus.size(), stats.loss(),
                            !Double.isNaN(v[0]) ? v[0] : v[1], started, throughput(trainedRecordings, trainedSeconds),
                            String.format(Locale.ROOT, "epoch %d: loss %.4f%s%s%s, %.1f recordings/s", epoch + 1,
                                    stats.loss(), contrastive ? String.format(Locale.ROOT, " (contrastive %.4f)",
                                            stats.contrastiveLoss()) : "",
                                    config.objective().supervised() ? String.format(Locale.ROOT, " (supervised %.4f)",
                                            stats.supervisedLoss()) : "",
                                    !Double.isNaN(v[0]) ? String.format(Locale.ROOT, ", validation macro AUC %.4f", v[0])
                                            : !Double.isNaN(v[1]) ? String.format(Locale.ROOT,
                                                    ", validation contrastive loss %.4f", v[1]) : "",
                                    stats.recordingsPerSecond()));
                    if (!Double.isNaN(score) && score > bestScore) {
                        bestScore = score;
                        bestEpoch = epoch + 1;
                        best = module.state();
                        emit(PretrainEvent.Kind.NEW_BEST, epoch + 1, seen, corpus.size(), stats.loss(), score, started,
                                throughput(trainedRecordings, trainedSeconds), "new best validation macro AUC");
                    }
                    if (task.checkpoint() != null) {
                        new Checkpoint(epoch + 1, run, history, bestEpoch, bestScore, module.state(), best,
                                projection.state(), optimizer.snapshot()).write(task.checkpoint());
                        emit(PretrainEvent.Kind.CHECKPOINT, epoch + 1, seen, corpus.size(), stats.loss(), score,
                                started, throughput(trainedRecordings, trainedSeconds), "checkpoint written");
                    }
                }
            }
            OnnxGraph encoder = null;
            int chosen = 0;
            if (status == PretrainResult.Status.COMPLETED && !history.isEmpty()) {
                Map<String, Tensor> weights = best != null ? best : module.state();
                chosen = best != null ? bestEpoch : history.size();
                encoder = export(graph.withInitializers(weights.values()), task, outputClasses, corpus, history, chosen);
            }
            emit(PretrainEvent.Kind.FINISHED, history.size(), 0, corpus.size(), Double.NaN, Double.NaN, started, 0,
                    status == PretrainResult.Status.COMPLETED ? "finished; the encoder holds epoch " + chosen : "stopped");
            return new PretrainResult(status, encoder, chosen, List.copyOf(history), loader.failures().size());
        }
    }

    /**
     * One optimisation step on the two views of every recording of the batch (one forward pass);
     * returns {total, contrastive, supervised} losses. The supervised loss is taken on the views'
     * logits, so the head learns from crops as the encoder does; validation scores whole recordings.
     */
    private double[] step(GraphModule module, ProjectionHead projection, Optimizer optimizer, NDManager root,
            BatchLoader.Batch batch, NDArray posWeight, double lr) {
        double[] out = new double[3];
        int n = batch.size();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                float[][][] both = new float[n * 2][][];
                System.arraycopy(batch.viewsA(), 0, both, 0, n);
                System.arraycopy(batch.viewsB(), 0, both, n, n);
                NDList o = module.forward(new NDList(tensor(root, both)));
                NDArray total = null;
                if (config.objective().contrastive()) {
                    NDArray loss = ContrastiveLoss.ntXent(projection.forward(o.get(1)), config.temperature());
                    out[1] = loss.getFloat();
                    total = loss;
                }
                if (config.objective().supervised()) {
                    List<Long> rows = new ArrayList<>();
                    List<float[]> ys = new ArrayList<>();
                    for (int v = 0; v < 2; v++) {
                        for (int i = 0; i < n; i++) {
                            if (batch.labelled()[i]) {
                                rows.add((long) (v * n + i));
                                ys.add(batch.targets()[i]);
                            }
                        }
                    }
                    if (!rows.isEmpty()) {
                        long[] idx = rows.stream().mapToLong(Long::longValue).toArray();
                        NDArray logits = rows.size() == 2 * n ? o.get(0) : o.get(0).get(root.create(idx));
                        NDArray y = root.create(flat(ys.toArray(float[][]::new)), new Shape(ys.size(), ys.get(0).length));
                        NDArray loss = Losses.binaryCrossEntropy(logits, y, posWeight);
                        out[2] = loss.getFloat();
                        NDArray weighted = total != null ? loss.mul((float) config.supervisedWeight()) : loss;
                        total = total == null ? weighted : total.add(weighted);
                    }
                }
                if (total == null) {
                    return out;
                }
                out[0] = total.getFloat();
                gc.backward(total);
            }
            optimizer.step(lr);
            optimizer.zeroGradients();
        }
        return out;
    }

    /** {macro AUC, contrastive loss} on the validation recordings; NaN where not measured. */
    private double[] validate(GraphModule module, ProjectionHead projection, NDManager root, BatchLoader loader,
            Corpus validation, List<String> classes) {
        double[] out = {Double.NaN, Double.NaN};
        if (validation.size() < 2) {
            return out;
        }
        module.setTraining(false);
        int[] order = new int[validation.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        boolean auc = config.objective().supervised() && validation.labelled() > 0;
        boolean contrastive = !auc && config.objective().contrastive();
        List<float[]> scores = new ArrayList<>();
        List<float[]> truth = new ArrayList<>();
        double conSum = 0;
        int conBatches = 0;
        for (BatchLoader.Batch b : loader.batches(order, config.batchSize(), BatchLoader.mix(config.seed(), -1, 3),
                contrastive)) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (auc) {
                    NDList o = module.forward(new NDList(tensor(root, b.inputs())));
                    float[] logits = o.get(0).toFloatArray();
                    int k = classes.size();
                    for (int i = 0; i < b.size(); i++) {
                        if (b.labelled()[i]) {
                            scores.add(java.util.Arrays.copyOfRange(logits, i * k, (i + 1) * k));
                            truth.add(b.targets()[i]);
                        }
                    }
                } else if (contrastive && b.size() >= 2) {
                    float[][][] both = new float[b.size() * 2][][];
                    System.arraycopy(b.viewsA(), 0, both, 0, b.size());
                    System.arraycopy(b.viewsB(), 0, both, b.size(), b.size());
                    NDList o = module.forward(new NDList(tensor(root, both)));
                    conSum += ContrastiveLoss.ntXent(projection.forward(o.get(1)), config.temperature()).getFloat();
                    conBatches++;
                }
            }
        }
        module.setTraining(true);
        if (auc) {
            out[0] = macroAuc(scores, truth, classes.size());
        } else if (conBatches > 0) {
            out[1] = conSum / conBatches;
        }
        return out;
    }

    /** Mean AUC over the classes that have positive and negative validation recordings. */
    static double macroAuc(List<float[]> scores, List<float[]> truth, int classes) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            boolean[] pos = new boolean[scores.size()];
            double[] s = new double[scores.size()];
            int p = 0;
            for (int i = 0; i < s.length; i++) {
                pos[i] = truth.get(i)[c] > 0.5f;
                s[i] = scores.get(i)[c];
                p += pos[i] ? 1 : 0;
            }
            if (p > 0 && p < s.length) {
                sum += RocCurve.of(pos, s).auc();
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private double learningRate(long step, long warmup, long total) {
        if (step < warmup) {
            return config.learningRate() * (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return config.learningRate() * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }

    private static int[] order(int n, long seed) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /** negatives / positives per class over the labelled corpus, bounded to [0.1, 100]. */
    private static float[] positiveWeights(Corpus corpus, List<String> classes) {
        float[] w = new float[classes.size()];
        long n = corpus.labelled();
        for (int c = 0; c < classes.size(); c++) {
            String cls = classes.get(c);
            long p = corpus.items().stream().filter(i -> i.labels().contains(cls)).count();
            w[c] = p == 0 || n == 0 ? 1f : (float) Math.max(0.1, Math.min(100, (double) (n - p) / p));
        }
        return w;
    }

    private static int featureSize(OnnxGraph graph, String feature) {
        for (Onnx.NodeProto n : graph.nodes()) {
            if (n.getInputCount() >= 2 && n.getInput(0).equals(feature) && graph.hasInitializer(n.getInput(1))) {
                long[] w = graph.initializer(n.getInput(1)).dims();
                return (int) switch (n.getOpType()) {
                    case "Gemm" -> n.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() != 0)
                            ? w[1] : w[0];
                    case "Conv" -> w[1];
                    default -> w[0];
                };
            }
        }
        throw new IllegalArgumentException("the classifier layer reading '" + feature + "' has no weight initializer");
    }

    private static NDArray tensor(NDManager m, float[][][] x) {
        int leads = x[0].length;
        int samples = x[0][0].length;
        float[] flat = new float[x.length * leads * samples];
        int p = 0;
        for (float[][] rec : x) {
            for (float[] lead : rec) {
                System.arraycopy(lead, 0, flat, p, samples);
                p += samples;
            }
        }
        return m.create(flat, new Shape(x.length, leads, samples));
    }

    private static float[] flat(float[][] rows) {
        int k = rows[0].length;
        float[] out = new float[rows.length * k];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * k, k);
        }
        return out;
    }

    private static double throughput(long recordings, double seconds) {
        return seconds > 0 ? recordings / seconds : 0;
    }

    private OnnxGraph export(OnnxGraph trained, Task task, List<String> classes, Corpus corpus,
            List<PretrainResult.Epoch> history, int chosen) {
        OnnxGraph g = trained.withBatchNormInference().withDynamicBatch(Export.BATCH_DIM);
        if (g.opsetVersion() >= 13 && g.opsetVersion() < 17) {
            g = g.withOpsetVersion(17);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Export.TARGET_KEYS, PythonLiterals.stringList(classes));
        meta.putAll(task.preparation().toMetadata());
        boolean headTrained = config.objective().supervised();
        meta.put(Export.LABEL_TYPE, "multi-label");
        meta.put(ModelCard.HEAD_TRAINED, Boolean.toString(headTrained));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("what", headTrained ? "pretrained encoder with a multi-label head trained on the corpus's labels"
                : "pretrained encoder; the classifier head is untrained (fine-tune it before predicting)");
        p.put("architecture", task.architecture());
        p.put("objective", config.objective().key());
        p.put("epochs", config.epochs());
        p.put("chosen_epoch", chosen);
        p.put("corpus_size", corpus.size());
        p.put("corpus_labelled", corpus.labelled());
        p.put("corpus_sha256", corpus.fingerprint());
        p.put("validation_size", task.validation().size());
        p.put("validation_sha256", task.validation().fingerprint());
        p.put("classes", classes);
        p.put("hyperparameters", config.describe());
        p.put("augmentations", Augmentations.Settings.standard(
                (int) Math.round(config.viewSeconds() * task.preparation().samplingRate())));
        p.put("history", history);
        p.put("software", Map.of("exchangeai", org.exchangeai.core.Version.current(),
                "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "engine", "libtorch " + Engines.pytorch().getVersion()));
        meta.put(ModelCard.PRETRAINING, json(p));
        meta.put(Export.METHOD, "pretrain");
        meta.put(Export.CREATED, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        meta.put("exchangeai.architecture", task.architecture());
        return g.withMetadata(meta);
    }

    private void emit(PretrainEvent.Kind kind, int epoch, int recordings, int epochRecordings, double loss,
            double validation, long started, double perSecond, String message) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        long done = (long) Math.max(0, epoch - 1) * epochRecordings + recordings;
        long total = (long) config.epochs() * epochRecordings;
        Duration eta = perSecond > 0 ? Duration.ofMillis((long) ((total - done) / perSecond * 1000)) : Duration.ZERO;
        listener.accept(new PretrainEvent(kind, epoch, config.epochs(), recordings, epochRecordings, loss, validation,
                perSecond, elapsed, eta, message));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(nothing)";
        }
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
