package org.exchangeai.core.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.GraphModule;
import org.exchangeai.core.train.Initializers;
import org.exchangeai.core.train.Losses;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Optimizer;
import org.exchangeai.core.train.TrainerPass;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.zoo.XceptionTime;

/**
 * What interpreting the ONNX graph costs in training: seconds per training pass (one epoch over all
 * recordings, no validation) of XceptionTime through {@link GraphModule} — the trainer's own step,
 * via {@link TrainerPass} — against {@link XceptionTimeByHand}, the same network written with DJL
 * array operations, in one JVM, alternating epoch by epoch. Both start from the same weights (the
 * trainer's from-scratch initialisation), see the same batches in the same order and use the same loss
 * (class-weighted cross-entropy) and optimizer (AdamW); their per-epoch losses are printed as a check
 * that they did the same work.
 *
 * <p>Every timed epoch is recorded with JDK Flight Recorder (execution and native-method samples every
 * 10 ms). Samples of the training thread taken while it runs Java code ({@code jdk.ExecutionSample})
 * are time outside libtorch; samples taken inside a native method ({@code jdk.NativeMethodSample}) are
 * inside libtorch when that method is one of DJL's libtorch bindings. libtorch's own worker threads are
 * not Java threads and are not sampled: while the training thread runs Java code they have nothing to do.
 *
 * <p>Synthetic data: seeded Gaussian noise plus a class-dependent sine on a class-dependent lead,
 * {@code recordings} × 12 × 1000, 5 classes of unequal size. Arguments: {@code epochs} (default 3),
 * {@code recordings} (default 1000), {@code batch} (default 32), {@code pairedEpochs} (default 1): epochs
 * that afterwards alternate the two sides batch by batch instead of epoch by epoch, which cancels slow
 * changes of the machine's load; {@code releaseEarly} (default true): whether the hand-written forward
 * closes intermediate arrays as soon as they are no longer needed, as the interpreter does, or leaves
 * them to the step's scope. Set {@code -Dai.djl.pytorch.num_threads}.
 */
public final class InterpreterOverheadBench {

    static final int LEADS = 12;
    static final int SAMPLES = 1000;
    static final String[] CLASSES = {"A", "B", "C", "D", "E"};
    static final double[] CLASS_SHARES = {0.35, 0.25, 0.2, 0.12, 0.08};
    static final Duration SAMPLE_PERIOD = Duration.ofMillis(10);

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int recordings = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int paired = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        boolean releaseEarly = args.length <= 4 || Boolean.parseBoolean(args[4]);
        System.out.printf(Locale.ROOT, "%s, load average %s, %d recordings %d×%d, batch %d, %d epochs per side + %d "
                + "alternating batch by batch, hand-written side releases intermediates early: %s, libtorch threads %s, "
                + "OMP_WAIT_POLICY %s%n", Instant.now(), loadAverage(), recordings, LEADS, SAMPLES, batch, epochs, paired,
                releaseEarly, System.getProperty("ai.djl.pytorch.num_threads", "default"),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        Engines.onLargeStack(() -> {
            run(epochs, recordings, batch, paired, releaseEarly);
            return null;
        });
        System.out.printf(Locale.ROOT, "%s, load average %s%n", Instant.now(), loadAverage());
    }

    static List<Example> data(int n, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = classOf(r.nextDouble());
            float[][] x = new float[LEADS][SAMPLES];
            double freq = 2 + 3 * c;
            for (int l = 0; l < LEADS; l++) {
                for (int t = 0; t < SAMPLES; t++) {
                    double signal = l == (c * 2) % LEADS ? 0.8 * Math.sin(2 * Math.PI * freq * t / SAMPLES) : 0;
                    x[l][t] = (float) (r.nextGaussian() + signal);
                }
            }
            out.add(Example.of("synthetic-" + i, x, CLASSES[c]));
        }
        return out;
    }

    /** The class whose cumulative share first reaches {@code u} in [0, 1). */
    static int classOf(double u) {
        double cumulative = 0;
        for (int c = 0; c < CLASSES.length - 1; c++) {
            cumulative += CLASS_SHARES[c];
            if (u < cumulative) {
                return c;
            }
        }
        return CLASSES.length - 1;
    }

    private static void run(int epochs, int recordings, int batch, int pairedEpochs, boolean releaseEarly)
            throws IOException {
        List<Example> examples = data(recordings, 1);
        List<String> classes = new ArrayList<>(new TreeSet<>(examples.stream().map(e -> e.labels().get(0)).toList()));
        Map<String, Integer> classIndex = new LinkedHashMap<>();
        classes.forEach(c -> classIndex.put(c, classIndex.size()));
        int[] all = new int[recordings];
        Arrays.setAll(all, i -> i);
        TrainingConfig config = TrainingConfig.defaults(Method.SCRATCH).withBatchSize(batch).withEpochs(epochs);
        OnnxGraph graph = XceptionTime.build(LEADS, SAMPLES, classes, config.seed());
        long threadId = Thread.currentThread().getId();
        Engine.getEngine(Engines.ENGINE).setRandomSeed((int) config.seed());

        try (NDManager root = Engines.newManager(); GraphModule module = GraphModule.build(graph, root)) {
            module.load(Initializers.scratch(module, config.seed()));
            module.setTrainable(n -> true);
            Map<String, Tensor> start = module.state();
            try (XceptionTimeByHand hand = new XceptionTimeByHand(start, SAMPLES, root);
                    Optimizer interpretedOpt = Optimizer.create(config.optimizer(), module.trainableParameters(), root,
                            config.weightDecay());
                    Optimizer handOpt = Optimizer.create(config.optimizer(), hand.parameters(), root,
                            config.weightDecay())) {
                TrainerPass pass = new TrainerPass(config, module, root, examples, classIndex, all);
                hand.setReleaseEarly(releaseEarly);
                HandLoop handLoop = new HandLoop(hand, handOpt, root, examples, classIndex, pass);
                System.out.printf(Locale.ROOT, "parameters: interpreted %d, by hand %d; %d batches per epoch%n",
                        module.parameterCount(), hand.parameterCount(), pass.batches(recordings).size());

                // warm-up (JIT, libtorch allocator): the same 3 batches on both sides, so they stay in step
                pass.batches(interpretedOpt, -1, 3, config.learningRate());
                handLoop.batches(-1, 3, config.learningRate());

                Profile interpretedProfile = new Profile();
                Profile handProfile = new Profile();
                double[] interpretedSeconds = new double[epochs];
                double[] handSeconds = new double[epochs];
                for (int e = 0; e < epochs; e++) {
                    double lr = config.learningRate() * Math.pow(config.lrGamma(), e);
                    final int epoch = e;
                    double[] loss = new double[2];
                    interpretedSeconds[e] = profiled(threadId, interpretedProfile,
                            () -> loss[0] = pass.epoch(interpretedOpt, epoch, lr));
                    handSeconds[e] = profiled(threadId, handProfile, () -> loss[1] = handLoop.epoch(epoch, lr));
                    System.out.printf(Locale.ROOT, "epoch %d: interpreted %.2f s (loss %.5f), by hand %.2f s (loss %.5f),"
                            + " ratio %.3f, load %s%n", e + 1, interpretedSeconds[e], loss[0], handSeconds[e], loss[1],
                            interpretedSeconds[e] / handSeconds[e], loadAverage());
                }
                double mi = median(interpretedSeconds);
                double mh = median(handSeconds);
                System.out.printf(Locale.ROOT, "median s/epoch: interpreted %.2f, by hand %.2f, ratio %.3f "
                        + "(per-epoch ratios %s)%n", mi, mh, mi / mh, ratios(interpretedSeconds, handSeconds));
                System.out.printf(Locale.ROOT, "sum over the %d epochs: interpreted %.2f s, by hand %.2f s, ratio %.3f%n",
                        epochs, sum(interpretedSeconds), sum(handSeconds), sum(interpretedSeconds) / sum(handSeconds));
                interpretedProfile.print("interpreted (GraphModule via the trainer's step)", sum(interpretedSeconds));
                handProfile.print("by hand (XceptionTimeByHand)", sum(handSeconds));

                // the same comparison alternating batch by batch (which side goes first swaps every batch),
                // so that changes in the machine's load over minutes hit both sides alike
                for (int e = epochs; e < epochs + pairedEpochs; e++) {
                    double lr = config.learningRate() * Math.pow(config.lrGamma(), e);
                    int[] order = pass.order(e);
                    List<int[]> batches = pass.batches(order.length);
                    double[] a = new double[batches.size()];
                    double[] b = new double[batches.size()];
                    for (int i = 0; i < batches.size(); i++) {
                        int from = batches.get(i)[0];
                        int to = batches.get(i)[1];
                        if (i % 2 == 0) {
                            a[i] = timed(() -> pass.step(interpretedOpt, order, from, to, lr));
                            b[i] = timed(() -> handLoop.step(order, from, to, lr));
                        } else {
                            b[i] = timed(() -> handLoop.step(order, from, to, lr));
                            a[i] = timed(() -> pass.step(interpretedOpt, order, from, to, lr));
                        }
                    }
                    double[] perBatch = new double[a.length];
                    Arrays.setAll(perBatch, i -> a[i] / b[i]);
                    System.out.printf(Locale.ROOT, "epoch %d alternating batch by batch: interpreted %.2f s, by hand %.2f s,"
                            + " ratio %.3f; per-batch ratio median %.3f (min %.3f, max %.3f), load %s%n", e + 1, sum(a),
                            sum(b), sum(a) / sum(b), median(perBatch), Arrays.stream(perBatch).min().orElse(0),
                            Arrays.stream(perBatch).max().orElse(0), loadAverage());
                }
            }
        }
    }

    /** The hand-written loop: the same batches, loss and optimizer as the trainer's step, no interpreter. */
    static final class HandLoop {
        final XceptionTimeByHand net;
        final Optimizer optimizer;
        final NDManager root;
        final List<Example> examples;
        final Map<String, Integer> classIndex;
        final TrainerPass pass;
        final NDArray weights;

        HandLoop(XceptionTimeByHand net, Optimizer optimizer, NDManager root, List<Example> examples,
                Map<String, Integer> classIndex, TrainerPass pass) {
            this.net = net;
            this.optimizer = optimizer;
            this.root = root;
            this.examples = examples;
            this.classIndex = classIndex;
            this.pass = pass;
            this.weights = pass.classWeights();
        }

        double epoch(int epoch, double lr) {
            int[] order = pass.order(epoch);
            List<int[]> batches = pass.batches(order.length);
            double sum = 0;
            for (int[] b : batches) {
                sum += step(order, b[0], b[1], lr);
            }
            return sum / batches.size();
        }

        void batches(int epoch, int count, double lr) {
            int[] order = pass.order(epoch);
            List<int[]> batches = pass.batches(order.length);
            for (int i = 0; i < Math.min(count, batches.size()); i++) {
                step(order, batches.get(i)[0], batches.get(i)[1], lr);
            }
        }

        double step(int[] order, int from, int to, double lr) {
            net.setTraining(true);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int per = LEADS * SAMPLES;
                float[] flat = new float[(to - from) * per];
                long[] labels = new long[to - from];
                for (int i = from; i < to; i++) {
                    int p = (i - from) * per;
                    Example ex = examples.get(order[i]);
                    for (float[] row : ex.input()) {
                        System.arraycopy(row, 0, flat, p, row.length);
                        p += row.length;
                    }
                    labels[i - from] = classIndex.get(ex.labels().get(0));
                }
                NDArray x = root.create(flat, new Shape(to - from, LEADS, SAMPLES));
                NDArray y = root.create(labels);
                double value;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = Losses.crossEntropy(net.forward(x), y, weights);
                    gc.backward(loss);
                    value = loss.getFloat();
                }
                optimizer.step(lr);
                optimizer.zeroGradients();
                return value;
            }
        }
    }

    // ---- profiling ----------------------------------------------------------------------------

    /** Sample counts of the training thread, summed over the epochs of one side. */
    static final class Profile {
        long java;
        long nativeLibtorch;
        long nativeOther;
        final Map<String, Long> javaTop = new HashMap<>();
        final Map<String, Long> javaProject = new HashMap<>();
        final Map<String, Long> nativeTop = new HashMap<>();

        void add(RecordedEvent e) {
            List<RecordedFrame> frames = e.getStackTrace() == null ? List.of() : e.getStackTrace().getFrames();
            String top = frames.isEmpty() ? "?" : name(frames.get(0));
            if (e.getEventType().getName().equals("jdk.ExecutionSample")) {
                java++;
                javaTop.merge(top, 1L, Long::sum);
                String first = frames.stream().map(InterpreterOverheadBench::name)
                        .filter(n -> n.startsWith("org.exchangeai.")).findFirst().orElse("(no project frame)");
                javaProject.merge(first, 1L, Long::sum);
            } else {
                if (top.startsWith("ai.djl.pytorch.jni.PyTorchLibrary.")) {
                    nativeLibtorch++;
                } else {
                    nativeOther++;
                }
                nativeTop.merge(top, 1L, Long::sum);
            }
        }

        void print(String side, double seconds) {
            long total = java + nativeLibtorch + nativeOther;
            double expected = seconds * 1000 / SAMPLE_PERIOD.toMillis();
            System.out.printf(Locale.ROOT, "%s: %d samples of the training thread over %.1f s (%.0f%% of the 10 ms "
                    + "periods); Java code %d (%.1f%%), native in libtorch bindings %d (%.1f%%), other native %d "
                    + "(%.1f%%) -> outside libtorch %.1f%% of samples%n", side, total, seconds, 100 * total / expected,
                    java, pct(java, total), nativeLibtorch, pct(nativeLibtorch, total), nativeOther,
                    pct(nativeOther, total), pct(java + nativeOther, total));
            top("  Java, top frame", javaTop, total);
            top("  Java, innermost project frame", javaProject, total);
            top("  native, top frame", nativeTop, total);
        }

        private static void top(String title, Map<String, Long> counts, long total) {
            System.out.println(title + ":");
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .forEach(en -> System.out.printf(Locale.ROOT, "    %5d  %5.1f%%  %s%n", en.getValue(),
                            pct(en.getValue(), total), en.getKey()));
        }
    }

    static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Runs {@code work} under a flight recording, adds the training thread's samples, returns seconds. */
    static double profiled(long threadId, Profile profile, Runnable work) throws IOException {
        Path file = Files.createTempFile("interpreter-overhead", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD).withStackTrace();
            rec.enable("jdk.NativeMethodSample").withPeriod(SAMPLE_PERIOD).withStackTrace();
            rec.start();
            long t0 = System.nanoTime();
            work.run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            rec.stop();
            rec.dump(file);
            try (RecordingFile in = new RecordingFile(file)) {
                while (in.hasMoreEvents()) {
                    RecordedEvent e = in.readEvent();
                    RecordedThread t = e.getThread("sampledThread");
                    if (t != null && t.getJavaThreadId() == threadId) {
                        profile.add(e);
                    }
                }
            }
            return seconds;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    // ---- small helpers ------------------------------------------------------------------------

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double timed(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double sum(double[] v) {
        return Arrays.stream(v).sum();
    }

    static double pct(long part, long total) {
        return total == 0 ? 0 : 100.0 * part / total;
    }

    static String ratios(double[] a, double[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", a[i] / b[i]));
        }
        return s.toString();
    }
}
