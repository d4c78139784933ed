package org.exchangeai.core.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.zoo.CardX;
import org.exchangeai.core.zoo.InceptionTime;
import org.exchangeai.core.zoo.XceptionTime;

/**
 * Stratified k-fold cross-validated macro F1 on the shared PTB-XL arrays ({@code ../shared/data/ptbxl/npy500},
 * superclass labels from its labels.csv). Not a unit test: a main method, run as documented in
 * {@code docs/validation.md}.
 *
 * <p>Per fold the trainer gets the other folds (and holds out its own validation share of them for
 * best-epoch selection, as in normal use); the held-out fold is scored with ONNX Runtime on the
 * exported model. Arguments: {@code epochs folds seed[,seed...] [config,...]}.
 */
public final class CrossValidation {

    record Config(String name, Method method) {
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Long> seeds = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).map(Long::parseLong).toList()
                : List.of(42L);
        List<Config> configs = new ArrayList<>(List.of(new Config("xc_super", Method.HEAD), new Config("xc_super", Method.ALL),
                new Config("inceptiontime", Method.SCRATCH), new Config("xceptiontime", Method.SCRATCH),
                new Config("cardx", Method.SCRATCH)));
        if (args.length > 3) {
            List<String> keep = List.of(args[3].split(","));
            configs.removeIf(c -> !keep.contains(c.name() + "-" + c.method().name().toLowerCase(Locale.ROOT)));
        }
        Path xcPath = TestData.model("xc_super_pretrained.onnx");
        OnnxGraph xc = OnnxGraph.read(xcPath);
        String xcSha = OnnxGraph.sha256(Files.readAllBytes(xcPath));
        Preparation prep = Preparation.fromMetadata(xc.metadata()); // 100 Hz, 10 s, as the zoo builders' metadata

        List<Example> all = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (f[0].startsWith("npy500/")) {
                Ecg ecg = new NpyReader().read(TestData.data("ptbxl/" + f[0]), ReadOptions.DEFAULT.withFs(500.0));
                all.add(Example.of(f[0], prep.apply(ecg), f[1]));
            }
        }
        List<String> classes = all.stream().map(e -> e.labels().get(0)).distinct().sorted().toList();
        System.out.printf(Locale.ROOT, "%d recordings, classes %s, %d folds, %d epoch(s), seeds %s, libtorch threads %s%n",
                all.size(), classes, k, epochs, seeds, System.getProperty("ai.djl.pytorch.num_threads", "default"));
        System.out.println("config,seed,fold,train,test,macro_f1,weighted_f1,seconds");
        Map<String, List<Double>> summary = new LinkedHashMap<>();
        for (long seed : seeds) {
            int[] fold = folds(all, k, seed);
            for (Config c : configs) {
                List<Double> f1s = new ArrayList<>();
                for (int f = 0; f < k; f++) {
                    List<Example> train = new ArrayList<>();
                    List<Example> test = new ArrayList<>();
                    for (int i = 0; i < all.size(); i++) {
                        (fold[i] == f ? test : train).add(all.get(i));
                    }
                    OnnxGraph base = switch (c.name()) {
                        case "xc_super" -> xc;
                        case "inceptiontime" -> InceptionTime.build(12, classes, seed);
                        case "xceptiontime" -> XceptionTime.build(12, 1000, classes, seed);
                        default -> CardX.build(12, classes, seed);
                    };
                    TrainingConfig cfg = TrainingConfig.defaults(c.method()).withEpochs(epochs).withSeed(seed);
                    long t0 = System.nanoTime();
                    TrainingResult r = new Trainer(cfg).train(base, c.name().equals("xc_super") ? xcSha : base.sha256(),
                            train, prep);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    Evaluation ev = score(r, test);
                    f1s.add(ev.macroF1());
                    System.out.printf(Locale.ROOT, "%s-%s,%d,%d,%d,%d,%.4f,%.4f,%.1f%n", c.name(),
                            c.method().name().toLowerCase(Locale.ROOT), seed, f + 1, train.size(), test.size(), ev.macroF1(),
                            ev.weightedF1(), secs);
                }
                summary.put(c.name() + "-" + c.method().name().toLowerCase(Locale.ROOT) + " seed " + seed, f1s);
            }
        }
        System.out.println();
        System.out.println("| configuration | seed | fold macro F1 | mean ± SD |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<Double>> e : summary.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
            double sd = Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
            String[] parts = e.getKey().split(" seed ");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.3f ± %.3f |%n", parts[0], parts[1],
                    String.join(", ", e.getValue().stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList()), mean, sd);
        }
    }

    /** Stratified folds: each class's recordings shuffled with the seed and dealt round-robin. */
    static int[] folds(List<Example> all, int k, long seed) {
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < all.size(); i++) {
            byClass.computeIfAbsent(all.get(i).labels().get(0), x -> new ArrayList<>()).add(i);
        }
        int[] fold = new int[all.size()];
        Random rnd = new Random(seed);
        int next = 0;
        for (List<Integer> idx : byClass.values()) {
            Collections.shuffle(idx, rnd);
            for (int i : idx) {
                fold[i] = next++ % k;
            }
        }
        return fold;
    }

    static Evaluation score(TrainingResult r, List<Example> test) throws Exception {
        try (OnnxModel model = OnnxModel.load(Path.of("cross-validation.onnx"), r.model().toBytes(), 1)) {
            int leads = test.get(0).input().length;
            int samples = test.get(0).input()[0].length;
            double[][] probs = new double[test.size()][];
            for (int i = 0; i < test.size(); i++) {
                float[] flat = new float[leads * samples];
                for (int l = 0; l < leads; l++) {
                    System.arraycopy(test.get(i).input()[l], 0, flat, l * samples, samples);
                }
                probs[i] = model.probabilities(model.logits(flat, 1, leads, samples)[0]);
            }
            return Metrics.singleLabel(r.classes(), test.stream().map(e -> e.labels().get(0)).toList(), probs);
        }
    }
}
