package org.exchangeai.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.exchangeai.core.data.Split;
import org.exchangeai.core.onnx.HeadSurgery;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.prep.Preparation;

/**
 * Fine-tunes or trains an ONNX model on prepared recordings and exports the best epoch as ONNX.
 *
 * <p>One run: classes = sorted distinct labels; head surgery for that label set; method set-up
 * (head / all / scratch); stratified seeded split; class weights min(count)/count on the training
 * split (the original's rule); optional learning-rate finder; epochs of shuffled mini-batches with
 * exponential learning-rate decay; validation after every epoch; the kept epoch and stopping by
 * {@link EpochSelection}; export of the kept epoch's weights via {@link Export}.
 *
 * <p>Repeatable: the same seed, data and configuration give the same weights (libtorch runs on the
 * CPU, shuffling and initialisation use seeded Java generators, dropout the seeded libtorch one).
 * {@link #cancel()} is honoured between batches. The run executes on its own thread with a large native
 * stack ({@link Engines#onLargeStack}); events arrive on that thread. All arrays of a run live in one manager, every batch
 * in its own scope, so memory does not grow with epochs.
 */
public final class Trainer {

    private final TrainingConfig config;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private Consumer<TrainingEvent> listener = e -> { };
    private java.util.function.BiConsumer<Integer, GraphModule> epochHook = (e, m) -> { };

    public Trainer(TrainingConfig config) {
        this.config = config;
    }

    /** Receives every event, on the training thread. */
    public Trainer onEvent(Consumer<TrainingEvent> l) {
        this.listener = l;
        return this;
    }

    /**
     * Called after each epoch's validation with the 1-based epoch and the module (training mode off,
     * weights of that epoch), on the training thread; for studies that score every epoch.
     */
    public Trainer onEpochEnd(java.util.function.BiConsumer<Integer, GraphModule> hook) {
        this.epochHook = hook;
        return this;
    }

    /** Asks the run to stop after the current batch; safe from any thread. */
    public void cancel() {
        cancelled.set(true);
    }

    /**
     * Trains on the examples.
     *
     * @param base the base model (any ONNX classifier whose operators {@link GraphModule} supports)
     * @param baseSha256 SHA-256 of the base model file, for provenance
     * @param samplingRate input rate in Hz recorded when the base model declares none
     */
    public TrainingResult train(OnnxGraph base, String baseSha256, List<Example> examples, int samplingRate) {
        try (NDManager parent = Engines.newManager()) {
            return train(base, baseSha256, examples, samplingRate, parent);
        }
    }

    /**
     * Trains on examples prepared with {@code preparation} (normally {@code Preparation.fromMetadata} of
     * the base model); the recipe is written into the exported model's metadata.
     */
    public TrainingResult train(OnnxGraph base, String baseSha256, List<Example> examples, Preparation preparation) {
        try (NDManager parent = Engines.newManager()) {
            return train(base, baseSha256, examples, (int) Math.round(preparation.samplingRate()), preparation, parent);
        }
    }

    /** As {@link #train(OnnxGraph, String, List, int)}, with every array of the run under {@code parent}. */
    public TrainingResult train(OnnxGraph base, String baseSha256, List<Example> examples, int samplingRate,
            NDManager parent) {
        return train(base, baseSha256, examples, samplingRate, null, parent);
    }

    private TrainingResult train(OnnxGraph base, String baseSha256, List<Example> examples, int samplingRate,
            Preparation preparation, NDManager parent) {
        return Engines.onLargeStack(() -> run(base, baseSha256, examples, samplingRate, preparation, parent));
    }

    private TrainingResult run(OnnxGraph base, String baseSha256, List<Example> examples, int samplingRate,
            Preparation preparation, NDManager parent) {
        long start = System.nanoTime();
        if (examples.size() < 4) {
            throw new IllegalArgumentException("at least 4 recordings are needed, got " + examples.size());
        }
        List<String> classes = new ArrayList<>(new TreeSet<>(examples.stream().flatMap(e -> e.labels().stream()).toList()));
        if (!config.multiLabel() && classes.size() < 2) {
            throw new IllegalArgumentException("single-label training needs at least 2 classes, found " + classes);
        }
        if (!config.multiLabel()) {
            for (Example e : examples) {
                if (e.labels().size() != 1) {
                    throw new IllegalArgumentException("recording '" + e.id() + "' has " + e.labels().size()
                            + " labels; use multi-label training");
                }
            }
        }
        Map<String, Integer> classIndex = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        long[] inputShape = inputShape(base, examples);

        HeadSurgery.Result surgery = HeadSurgery.retarget(base, classes, config.seed());
        Split split = Holdout.split(examples, config);
        if (split.validation().length == 0) {
            throw new IllegalArgumentException("no class has 2 recordings, so nothing can be held out for validation");
        }

        Engine engine = Engines.pytorch();
        engine.setRandomSeed((int) config.seed());
        try (NDManager root = parent.newSubManager(); GraphModule module = GraphModule.build(surgery.graph(), root)) {
            switch (config.method()) {
                case HEAD -> module.setTrainable(n -> isHead(n, surgery));
                case ALL -> module.setTrainable(n -> true);
                case SCRATCH -> {
                    module.load(Initializers.scratch(module, config.seed()));
                    module.setTrainable(n -> true);
                }
            }
            if (module.trainableParameters().isEmpty()) {
                throw new IllegalArgumentException("nothing to train: no head parameters found for method "
                        + config.method());
            }
            Run run = new Run(module, root, examples, classIndex, inputShape, split, start);
            double lr = config.learningRate();
            if (config.findLearningRate()) {
                Map<String, Tensor> before = module.state();
                Double suggested = new LrFinder(run).find(config.learningRate());
                module.load(before);
                if (suggested != null && suggested > 0) {
                    lr = suggested;
                }
                run.emit(TrainingEvent.Kind.LEARNING_RATE_FOUND, 0, 0, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, lr, "learning rate " + lr + (suggested == null ? " (finder gave none)" : ""));
            }
            return run.fit(lr, surgery, base, baseSha256, samplingRate, preparation, classes);
        }
    }

    /** The classifier head: what head surgery re-targeted, or what is named so. */
    private static boolean isHead(String name, HeadSurgery.Result surgery) {
        return surgery.changed().contains(name) || name.toLowerCase(Locale.ROOT).contains("head");
    }

    private static long[] inputShape(OnnxGraph base, List<Example> examples) {
        int channels = examples.get(0).input().length;
        int samples = examples.get(0).input()[0].length;
        for (Example e : examples) {
            if (e.input().length != channels || e.input()[0].length != samples) {
                throw new IllegalArgumentException("recording '" + e.id() + "' has shape [" + e.input().length + ", "
                        + e.input()[0].length + "], others [" + channels + ", " + samples + "]");
            }
        }
        List<OnnxGraph.Dim> dims = base.inputs().get(0).shape();
        if (dims.size() == 3) {
            long[] want = {dims.get(1).size(), dims.get(2).size()};
            if ((dims.get(1).isFixed() && want[0] != channels) || (dims.get(2).isFixed() && want[1] != samples)) {
                throw new IllegalArgumentException("the model expects input [N, " + dims.get(1) + ", " + dims.get(2)
                        + "], the recordings are [" + channels + ", " + samples + "]");
            }
        }
        return new long[] {channels, samples};
    }

    /** State of one run, shared with the learning-rate finder. */
    final class Run {
        final GraphModule module;
        final NDManager root;
        final List<Example> examples;
        final Map<String, Integer> classIndex;
        final long[] inputShape;
        final Split split;
        final long start;
        final NDArray classWeights;
        final int batchesPerEpoch;
        private long batchesDone;

        Run(GraphModule module, NDManager root, List<Example> examples, Map<String, Integer> classIndex,
                long[] inputShape, Split split, long start) {
            this.module = module;
            this.root = root;
            this.examples = examples;
            this.classIndex = classIndex;
            this.inputShape = inputShape;
            this.split = split;
            this.start = start;
            this.classWeights = root.create(classWeights());
            this.batchesPerEpoch = batches(split.train().length).size();
        }

        /** Single label: min(count) / count per class over the training split (1 for absent classes). */
        private float[] classWeights() {
            int k = classIndex.size();
            long[] pos = new long[k];
            for (int i : split.train()) {
                for (String l : examples.get(i).labels()) {
                    pos[classIndex.get(l)]++;
                }
            }
            float[] w = new float[k];
            if (config.multiLabel()) {
                // pos_weight = negatives / positives, bounded so a rare label cannot dominate
                int n = split.train().length;
                for (int c = 0; c < k; c++) {
                    w[c] = pos[c] == 0 ? 1f : (float) Math.max(0.1, Math.min(100, (double) (n - pos[c]) / pos[c]));
                }
                return w;
            }
            long min = Arrays.stream(pos).filter(p -> p > 0).min().orElse(1);
            for (int c = 0; c < k; c++) {
                w[c] = pos[c] == 0 ? 1f : (float) min / pos[c];
            }
            return w;
        }

        /** Index ranges of the batches; a trailing batch of one is merged (BatchNormalization needs two). */
        List<int[]> batches(int n) {
            List<int[]> out = new ArrayList<>();
            int b = config.batchSize();
            for (int s = 0; s < n; s += b) {
                out.add(new int[] {s, Math.min(n, s + b)});
            }
            if (out.size() > 1 && out.get(out.size() - 1)[1] - out.get(out.size() - 1)[0] == 1) {
                int[] last = out.remove(out.size() - 1);
                out.get(out.size() - 1)[1] = last[1];
            }
            return out;
        }

        NDArray inputs(int[] order, int from, int to) {
            int per = (int) (inputShape[0] * inputShape[1]);
            float[] flat = new float[(to - from) * per];
            for (int i = from; i < to; i++) {
                int p = (i - from) * per;
                for (float[] row : examples.get(order[i]).input()) {
                    System.arraycopy(row, 0, flat, p, row.length);
                    p += row.length;
                }
            }
            return root.create(flat, new Shape(to - from, inputShape[0], inputShape[1]));
        }

        NDArray targets(int[] order, int from, int to) {
            int k = classIndex.size();
            if (config.multiLabel()) {
                float[] t = new float[(to - from) * k];
                for (int i = from; i < to; i++) {
                    for (String l : examples.get(order[i]).labels()) {
                        t[(i - from) * k + classIndex.get(l)] = 1f;
                    }
                }
                return root.create(t, new Shape(to - from, k));
            }
            long[] y = new long[to - from];
            for (int i = from; i < to; i++) {
                y[i - from] = classIndex.get(examples.get(order[i]).labels().get(0));
            }
            return root.create(y);
        }

        NDArray loss(NDArray logits, NDArray targets) {
            if (logits.getShape().dimension() != 2 || logits.getShape().get(1) != classIndex.size()) {
                throw new IllegalStateException("the model outputs " + logits.getShape() + ", expected [N, "
                        + classIndex.size() + "]");
            }
            return config.multiLabel() ? Losses.binaryCrossEntropy(logits, targets, classWeights)
                    : Losses.crossEntropy(logits, targets, classWeights);
        }

        /** One optimisation step on a batch; returns the loss. */
        double step(Optimizer optimizer, int[] order, int from, int to, double lr) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = inputs(order, from, to);
                NDArray y = targets(order, from, to);
                double value;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = loss(module.forward(x), y);
                    gc.backward(l);
                    value = l.getFloat();
                }
                optimizer.step(lr);
                optimizer.zeroGradients();
                return value;
            }
        }

        /** Validation loss (mean over batches, as the original) and F1 macro/weighted. */
        double[] validate() {
            module.setTraining(false);
            int[] order = split.validation();
            int k = classIndex.size();
            double lossSum = 0;
            int lossCount = 0;
            int n = order.length;
            float[] all = new float[n * k];
            for (int[] b : batches(n)) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray logits = module.forward(inputs(order, b[0], b[1]));
                    lossSum += loss(logits, targets(order, b[0], b[1])).getFloat();
                    lossCount++;
                    System.arraycopy(logits.toFloatArray(), 0, all, b[0] * k, (b[1] - b[0]) * k);
                }
            }
            double[] f1;
            if (config.multiLabel()) {
                boolean[][] truth = new boolean[n][k];
                boolean[][] pred = new boolean[n][k];
                for (int i = 0; i < n; i++) {
                    for (String l : examples.get(order[i]).labels()) {
                        truth[i][classIndex.get(l)] = true;
                    }
                    for (int c = 0; c < k; c++) {
                        pred[i][c] = all[i * k + c] > 0; // sigmoid > 0.5
                    }
                }
                f1 = ClassScores.f1MacroWeighted(truth, pred, k);
            } else {
                int[] truth = new int[n];
                int[] pred = new int[n];
                for (int i = 0; i < n; i++) {
                    truth[i] = classIndex.get(examples.get(order[i]).labels().get(0));
                    int best = 0;
                    for (int c = 1; c < k; c++) {
                        if (all[i * k + c] > all[i * k + best]) {
                            best = c;
                        }
                    }
                    pred[i] = best;
                }
                f1 = ClassScores.f1MacroWeighted(truth, pred, k);
            }
            return new double[] {lossSum / Math.max(1, lossCount), f1[0], f1[1], macroAuc(all, order, k)};
        }

        /**
         * Mean one-vs-rest AUC over the classes with positive and negative validation recordings, on
         * softmax (single-label) or sigmoid (multi-label) scores; NaN when no class has both.
         */
        private double macroAuc(float[] logits, int[] order, int k) {
            int n = order.length;
            double[][] score = new double[k][n];
            for (int i = 0; i < n; i++) {
                if (config.multiLabel()) {
                    for (int c = 0; c < k; c++) {
                        score[c][i] = logits[i * k + c];
                    }
                } else {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        max = Math.max(max, logits[i * k + c]);
                    }
                    double sum = 0;
                    for (int c = 0; c < k; c++) {
                        sum += Math.exp(logits[i * k + c] - max);
                    }
                    for (int c = 0; c < k; c++) {
                        score[c][i] = Math.exp(logits[i * k + c] - max) / sum;
                    }
                }
            }
            double total = 0;
            int counted = 0;
            for (Map.Entry<String, Integer> cls : classIndex.entrySet()) {
                boolean[] pos = new boolean[n];
                int p = 0;
                for (int i = 0; i < n; i++) {
                    pos[i] = examples.get(order[i]).labels().contains(cls.getKey());
                    p += pos[i] ? 1 : 0;
                }
                if (p > 0 && p < n) {
                    total += org.exchangeai.core.eval.RocCurve.of(pos, score[cls.getValue()]).auc();
                    counted++;
                }
            }
            return counted == 0 ? Double.NaN : total / counted;
        }

        int[] shuffledTrain(long seed) {
            int[] order = split.train().clone();
            Random r = new Random(seed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return order;
        }

        TrainingResult fit(double lr0, HeadSurgery.Result surgery, OnnxGraph base, String baseSha256, int samplingRate,
                Preparation preparation, List<String> classes) {
            EpochSelection selection = new EpochSelection(config.selection(), EpochSelection.earliest(config.method()),
                    config.patience(), config.minEpochs(), config.overfitFactor());
            List<TrainingResult.EpochStats> history = new ArrayList<>();
            TrainingResult.Status status = TrainingResult.Status.COMPLETED;
            emit(TrainingEvent.Kind.STARTED, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, lr0,
                    split.train().length + " training, " + split.validation().length + " validation recordings, "
                            + module.trainableParameters().size() + " trainable tensors; kept epoch: "
                            + selection.describe());
            try (Optimizer optimizer = Optimizer.create(config.optimizer(), module.trainableParameters(), root,
                    config.weightDecay()).scaleLearningRate(n -> !isHead(n, surgery), config.bodyLearningRateFactor());
                    EpochStates states = new EpochStates()) {
                int kept = 0;
                epochs:
                for (int epoch = 0; epoch < config.epochs(); epoch++) {
                    long epochStart = System.nanoTime();
                    double lr = lr0 * Math.pow(config.lrGamma(), epoch);
                    module.setTraining(true);
                    int[] order = shuffledTrain(config.seed() * 31 + epoch);
                    List<int[]> batches = batches(order.length);
                    double sum = 0;
                    for (int b = 0; b < batches.size(); b++) {
                        if (cancelled.get()) {
                            status = TrainingResult.Status.CANCELLED;
                            emit(TrainingEvent.Kind.CANCELLED, epoch + 1, b, Double.NaN, Double.NaN, Double.NaN,
                                    Double.NaN, lr, "cancelled");
                            break epochs;
                        }
                        double l = step(optimizer, order, batches.get(b)[0], batches.get(b)[1], lr);
                        sum += l;
                        batchesDone++;
                        emit(TrainingEvent.Kind.BATCH, epoch + 1, b + 1, l, Double.NaN, Double.NaN, Double.NaN, lr, null);
                    }
                    double trainLoss = sum / batches.size();
                    double[] v = validate();
                    double seconds = (System.nanoTime() - epochStart) / 1e9;
                    selection.add(v[0], v[1], v[3]);
                    states.put(epoch + 1, module.state());
                    epochHook.accept(epoch + 1, module);
                    history.add(new TrainingResult.EpochStats(epoch + 1, trainLoss, v[0], v[1], v[2], lr, seconds, v[3],
                            Double.NaN));
                    int now = selection.bestEpoch();
                    emit(TrainingEvent.Kind.EPOCH, epoch + 1, 0, trainLoss, v[0], v[1], v[2], lr,
                            String.format(Locale.ROOT, "epoch %d: train loss %.4f, validation loss %.4f, F1 %.3f "
                                    + "(macro) %.3f (weighted), AUC %.3f (macro)", epoch + 1, trainLoss, v[0], v[1], v[2],
                                    v[3]), v[3], now);
                    if (now != kept) {
                        kept = now;
                        TrainingResult.EpochStats k = history.get(kept - 1);
                        emit(TrainingEvent.Kind.NEW_BEST, epoch + 1, 0, k.trainLoss(), k.validationLoss(), k.f1Macro(),
                                k.f1Weighted(), lr, "keeping epoch " + kept, k.macroAuc(), kept);
                    }
                    if (selection.shouldStop()) {
                        status = TrainingResult.Status.STOPPED_EARLY;
                        emit(TrainingEvent.Kind.EARLY_STOP, epoch + 1, 0, trainLoss, v[0], v[1], v[2], lr,
                                "stopped early; kept epoch " + kept, v[3], kept);
                        break;
                    }
                }
                double[] curve = selection.smoothed();
                for (int i = 0; i < history.size(); i++) {
                    TrainingResult.EpochStats e = history.get(i);
                    history.set(i, new TrainingResult.EpochStats(e.epoch(), e.trainLoss(), e.validationLoss(), e.f1Macro(),
                            e.f1Weighted(), e.learningRate(), e.seconds(), e.macroAuc(), curve[i]));
                }
                int bestEpoch = selection.bestEpoch();
                OnnxGraph model = null;
                if (bestEpoch > 0) {
                    module.load(states.get(bestEpoch));
                    TrainingResult.EpochStats b = history.get(bestEpoch - 1);
                    Map<String, Object> hyper = new LinkedHashMap<>();
                    hyper.put("optimizer", config.optimizer().label());
                    hyper.put("learning_rate", lr0);
                    hyper.put("lr_gamma", config.lrGamma());
                    hyper.put("weight_decay", config.weightDecay() >= 0 ? config.weightDecay()
                            : config.optimizer() == Optimizer.Kind.ADAMW ? 0.01 : 0.0);
                    hyper.put("batch_size", config.batchSize());
                    hyper.put("max_epochs", config.epochs());
                    hyper.put("epochs_run", history.size());
                    hyper.put("best_epoch", b.epoch());
                    hyper.put("epoch_selection", selection.describe());
                    hyper.put("validation_fraction", config.validationFraction());
                    hyper.put("seed", config.seed());
                    hyper.put("learning_rate_finder", config.findLearningRate());
                    Map<String, Integer> counts = new TreeMap<>();
                    examples.forEach(e -> e.labels().forEach(l -> counts.merge(l, 1, Integer::sum)));
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("validation_loss", b.validationLoss());
                    metrics.put("f1_macro", b.f1Macro());
                    metrics.put("f1_weighted", b.f1Weighted());
                    metrics.put("macro_auc", b.macroAuc());
                    metrics.put("train_loss", b.trainLoss());
                    Provenance p = new Provenance(baseSha256, config.method(), hyper, counts, metrics, surgery.changed());
                    model = Export.finish(module.toGraph(), base, classes, samplingRate, preparation, config.multiLabel(),
                            p);
                }
                emit(TrainingEvent.Kind.FINISHED, history.size(), 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, lr0,
                        status + ", kept epoch " + bestEpoch + " (" + selection.describe() + ")", Double.NaN, bestEpoch);
                return new TrainingResult(status, model, List.copyOf(classes), bestEpoch, List.copyOf(history),
                        surgery.changed(), lr0, selection.describe());
            }
        }

        void emit(TrainingEvent.Kind kind, int epoch, int batch, double trainLoss, double valLoss, double f1Macro,
                double f1Weighted, double lr, String message) {
            emit(kind, epoch, batch, trainLoss, valLoss, f1Macro, f1Weighted, lr, message, Double.NaN, 0);
        }

        void emit(TrainingEvent.Kind kind, int epoch, int batch, double trainLoss, double valLoss, double f1Macro,
                double f1Weighted, double lr, String message, double auc, int kept) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            long total = (long) batchesPerEpoch * config.epochs();
            Duration eta = batchesDone == 0 ? Duration.ZERO
                    : elapsed.multipliedBy(Math.max(0, total - batchesDone)).dividedBy(batchesDone);
            listener.accept(new TrainingEvent(kind, epoch, config.epochs(), batch, batchesPerEpoch, trainLoss, valLoss,
                    f1Macro, f1Weighted, lr, elapsed, eta, message, auc, kept));
        }
    }
}
