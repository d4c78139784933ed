package org.exchangeai.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.explain.Attribution;
import org.exchangeai.core.explain.ExplainableModel;
import org.exchangeai.core.explain.GradCam;
import org.exchangeai.core.explain.IntegratedGradients;
import org.exchangeai.core.explain.Occlusion;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.GraphModule;

/**
 * Seconds per explanation of one 12 × 1000 input, against one forward pass of the same input, for the
 * shipped CardX ({@code models/cardx_ptbxl.onnx}) and the pretrained XceptionTime
 * ({@code xc_super_pretrained.onnx}), on the first PTB-XL recording of MI, NORM and CD in
 * {@code ptbxl/npy500}, each prepared with the model's own recipe and explained for its predicted class.
 *
 * <p>Cases: ONNX Runtime forward (batch 1, as {@code predict} runs it), {@link GraphModule} forward (batch 1,
 * inference mode, no gradient recording), Integrated Gradients with 32 steps, Grad-CAM (the layer found
 * once beforehand), occlusion. After 2 warm-up rounds, every round runs every case on every recording,
 * so slow changes of the machine's load hit all cases alike; the table gives medians over rounds ×
 * recordings and ratios to the two forward passes.
 *
 * <p>Then the parts of one Integrated Gradients chunk ({@code chunk} path points through the graph at once):
 * forward without recording, forward while recording, backward to the input (these on a module built like
 * {@link ExplainableModel}'s); and the whole 32 steps by chunk size, the sizes interleaved round by round.
 *
 * <p>Arguments: {@code rounds} (default 5), {@code threads} (libtorch intra-op and ONNX Runtime threads;
 * default 0: all cores), optionally a folder to write every attribution to (raw float32, for comparing
 * two builds). Run from the repository's root with
 * {@code java -Xss16m -Dai.djl.offline=true -cp core/target/test-classes:core/target/classes:$(cat core/target/bench.cp)
 * org.exchangeai.core.bench.ExplanationBench} after writing that class path with {@code dependency:build-classpath}.
 */
public final class ExplanationBench {

    static final String[] CASES = {"ORT forward", "GraphModule forward", "IG 32 steps", "Grad-CAM", "occlusion"};
    static final List<String> LABELS = List.of("MI", "NORM", "CD");
    static final int WARM_UP = 2;

    private ExplanationBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int requested = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Path dump = args.length > 2 ? Path.of(args[2]) : null;
        int threads = requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        Engines.pytorch();
        System.out.printf(Locale.ROOT, "%s, load average %s, %d cores, libtorch intra-op threads %d (inter-op %d), "
                + "ONNX Runtime threads %d, OMP_WAIT_POLICY %s, %d rounds after %d warm-up%n", Instant.now(),
                InterpreterOverheadBench.loadAverage(), Runtime.getRuntime().availableProcessors(),
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), threads,
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), rounds, WARM_UP);
        Map<String, Ecg> records = records();
        Map<String, Path> models = new LinkedHashMap<>();
        models.put("CardX", repositoryFile("models/cardx_ptbxl.onnx"));
        models.put("XceptionTime", TestData.model("xc_super_pretrained.onnx"));
        for (Map.Entry<String, Path> m : models.entrySet()) {
            bench(m.getKey(), m.getValue(), records, rounds, threads, dump);
        }
        System.out.printf(Locale.ROOT, "%s, load average %s%n", Instant.now(), InterpreterOverheadBench.loadAverage());
    }

    /** The first recording of each of {@link #LABELS} in labels.csv order, read at 500 Hz. */
    static Map<String, Ecg> records() throws Exception {
        List<String> lines = Files.readAllLines(TestData.data("ptbxl/labels.csv"));
        Map<String, Ecg> out = new LinkedHashMap<>();
        for (String label : LABELS) {
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (f[0].startsWith("npy500/") && f[1].equals(label)) {
                    out.put(f[0] + " (" + label + ")",
                            Formats.read(TestData.data("ptbxl/" + f[0]), ReadOptions.DEFAULT.withFs(500.0)));
                    break;
                }
            }
        }
        return out;
    }

    static Path repositoryFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above the working folder");
    }

    private static void bench(String name, Path file, Map<String, Ecg> records, int rounds, int threads, Path dump)
            throws Exception {
        try (ExplainableModel model = ExplainableModel.open(file); OnnxModel ort = OnnxModel.load(file, threads)) {
            List<String> names = new ArrayList<>(records.keySet());
            List<float[][]> inputs = new ArrayList<>();
            for (Ecg ecg : records.values()) {
                inputs.add(model.preparation().apply(ecg));
            }
            Engines.onLargeStack(() -> {
                run(name, model, ort, names, inputs, rounds, dump);
                return null;
            });
        }
    }

    private static void run(String name, ExplainableModel model, OnnxModel ort, List<String> names,
            List<float[][]> inputs, int rounds, Path dump) throws Exception {
        int leads = model.leads();
        int samples = model.samples();
        IntegratedGradients ig = new IntegratedGradients();
        Occlusion occlusion = new Occlusion();
        try (NDManager manager = Engines.newManager(); GradCam gradCam = GradCam.of(model);
                GraphModule module = GraphModule.build(model.graph(), manager)) {
            module.setTraining(false);
            module.setTrainable(p -> false);
            int[] classes = new int[inputs.size()];
            for (int r = 0; r < inputs.size(); r++) {
                double[] p = model.probabilities(inputs.get(r));
                for (int c = 1; c < p.length; c++) {
                    classes[r] = p[c] > p[classes[r]] ? c : classes[r];
                }
            }
            double[][] seconds = new double[CASES.length][rounds * inputs.size()];
            for (int round = -WARM_UP; round < rounds; round++) {
                for (int r = 0; r < inputs.size(); r++) {
                    float[][] x = inputs.get(r);
                    float[] flat = flatten(x);
                    int c = classes[r];
                    Attribution[] attributions = new Attribution[3];
                    double[] t = {
                        timed(() -> ort.logits(flat, 1, leads, samples)),
                        timed(() -> graphForward(module, manager, flat, leads, samples)),
                        timed(() -> attributions[0] = ig.attribute(model, x, c)),
                        timed(() -> attributions[1] = gradCam.attribute(x, c)),
                        timed(() -> attributions[2] = occlusion.attribute(model, x, c)),
                    };
                    if (round >= 0) {
                        for (int k = 0; k < t.length; k++) {
                            seconds[k][round * inputs.size() + r] = t[k];
                        }
                    }
                    if (round == -WARM_UP) {
                        System.out.printf(Locale.ROOT, "%s %s class %s: IG sum %.7f, Grad-CAM sum %.7f, occlusion "
                                + "lead sum %.7f%n", name, names.get(r), model.classes().get(c), attributions[0].total(),
                                attributions[1].total(), sum(attributions[2].leadImportance()));
                        if (dump != null) {
                            write(dump, name, r, attributions);
                        }
                    }
                }
            }
            double ortMedian = InterpreterOverheadBench.median(seconds[0]);
            double graphMedian = InterpreterOverheadBench.median(seconds[1]);
            System.out.printf(Locale.ROOT, "%n%s, %d × %d, %d recordings × %d rounds, load average %s%n", name, leads,
                    samples, inputs.size(), rounds, InterpreterOverheadBench.loadAverage());
            System.out.println("| case | median s | min s | max s | × ORT forward | × GraphModule forward |");
            System.out.println("|---|---|---|---|---|---|");
            for (int k = 0; k < CASES.length; k++) {
                double m = InterpreterOverheadBench.median(seconds[k]);
                System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.1f | %.1f |%n", CASES[k], m,
                        Arrays.stream(seconds[k]).min().orElse(0), Arrays.stream(seconds[k]).max().orElse(0),
                        m / ortMedian, m / graphMedian);
            }
            parts(model, module, manager, inputs.get(0), classes[0], rounds, graphMedian);
        }
    }

    /** Where one IG chunk's time goes, and IG's total by chunk size, on the first recording. */
    private static void parts(ExplainableModel model, GraphModule module, NDManager manager, float[][] x, int c,
            int rounds, double graphMedian) {
        int leads = model.leads();
        int samples = model.samples();
        int chunk = IntegratedGradients.DEFAULT_CHUNK;
        float[] path = new float[chunk * leads * samples];
        float[] flat = flatten(x);
        for (int k = 0; k < chunk; k++) {
            float alpha = (k + 0.5f) / chunk;
            for (int i = 0; i < flat.length; i++) {
                path[k * flat.length + i] = alpha * flat[i];
            }
        }
        boolean multi = model.card().labelType() == ModelCard.LabelType.MULTI;
        double[][] t = new double[3][rounds];
        for (int round = -WARM_UP; round < rounds; round++) {
            double plain;
            double recorded;
            double[] backward = new double[1];
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray batch = manager.create(path, new Shape(chunk, leads, samples));
                long t0 = System.nanoTime();
                classProbability(module, batch, c, multi).toFloatArray();
                plain = (System.nanoTime() - t0) / 1e9;
                batch.setRequiresGradient(true);
                try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                    long t1 = System.nanoTime();
                    NDArray p = classProbability(module, batch, c, multi).sum();
                    p.toFloatArray();
                    recorded = (System.nanoTime() - t1) / 1e9;
                    long t2 = System.nanoTime();
                    collector.backward(p);
                    batch.getGradient().toFloatArray();
                    backward[0] = (System.nanoTime() - t2) / 1e9;
                }
            }
            if (round >= 0) {
                t[0][round] = plain;
                t[1][round] = recorded;
                t[2][round] = backward[0];
            }
        }
        System.out.printf(Locale.ROOT, "one IG chunk of %d path points (medians): forward without recording %.3f s, "
                + "forward while recording %.3f s, backward to the input %.3f s; per path point forward+backward "
                + "%.1f × a batch-1 GraphModule forward%n", chunk, InterpreterOverheadBench.median(t[0]),
                InterpreterOverheadBench.median(t[1]), InterpreterOverheadBench.median(t[2]),
                (InterpreterOverheadBench.median(t[1]) + InterpreterOverheadBench.median(t[2])) / chunk / graphMedian);
        // chunk sizes interleaved round by round, so that load changes hit them alike
        int[] sizes = {4, 8, 16, 32};
        int repeats = 3 * rounds;
        double[][] s = new double[sizes.length][repeats];
        for (int round = -1; round < repeats; round++) {
            for (int k = 0; k < sizes.length; k++) {
                IntegratedGradients ig = new IntegratedGradients(IntegratedGradients.DEFAULT_STEPS, sizes[k]);
                double v = timed(() -> ig.attribute(model, x, c));
                if (round >= 0) {
                    s[k][round] = v;
                }
            }
        }
        StringBuilder line = new StringBuilder("IG 32 steps by chunk size, interleaved, median of " + repeats + ":");
        for (int k = 0; k < sizes.length; k++) {
            line.append(String.format(Locale.ROOT, " %d: %.3f s;", sizes[k], InterpreterOverheadBench.median(s[k])));
        }
        System.out.println(line);
    }

    private static NDArray classProbability(GraphModule module, NDArray batch, int c, boolean multi) {
        NDArray logits = module.forward(batch);
        return (multi ? Activation.sigmoid(logits) : logits.softmax(1)).get(":, " + c);
    }

    private static void graphForward(GraphModule module, NDManager manager, float[] flat, int leads, int samples) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            module.forward(manager.create(flat, new Shape(1, leads, samples))).toFloatArray();
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double timed(Work work) {
        long t0 = System.nanoTime();
        try {
            work.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static float[] flatten(float[][] x) {
        float[] flat = new float[x.length * x[0].length];
        for (int l = 0; l < x.length; l++) {
            System.arraycopy(x[l], 0, flat, l * x[0].length, x[0].length);
        }
        return flat;
    }

    private static double sum(double[] v) {
        return Arrays.stream(v).sum();
    }

    private static void write(Path dir, String model, int record, Attribution[] attributions) throws IOException {
        Files.createDirectories(dir);
        String[] methods = {"ig", "gradcam", "occlusion"};
        for (int m = 0; m < methods.length; m++) {
            Path f = dir.resolve(model + "-" + record + "-" + methods[m] + ".f32");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(f))) {
                for (float[] row : attributions[m].values()) {
                    for (float v : row) {
                        out.writeFloat(v);
                    }
                }
                double[] leadImportance = attributions[m].leadImportance();
                if (leadImportance != null) {
                    for (double v : leadImportance) {
                        out.writeFloat((float) v);
                    }
                }
            }
        }
    }
}
