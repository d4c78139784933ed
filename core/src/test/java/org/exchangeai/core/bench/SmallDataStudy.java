package org.exchangeai.core.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.exchangeai.core.TestData;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.Zoo;

/**
 * The small-data study of {@code docs/validation.md}: does a pretrained CardX fine-tuned on a handful of
 * labels beat heavier models and training from scratch? Every configuration is fine-tuned on 30, 60
 * or all 120 of the shared PTB-XL arrays (single labels, stratified subsets drawn per seed) with the
 * platform's defaults and epoch selection, then scored with ONNX Runtime on fold 10 of
 * {@code ../shared/pretrain/ptbxl100} ({@link PtbxlStudyData}). Not a unit test: a main method.
 *
 * <p>Arguments: {@code OUT.csv SHIPPED.onnx SSL.onnx [epochs] [sizes] [seeds] [configs]}. Finished runs
 * found in {@code OUT.csv} are skipped, so an interrupted study continues where it stopped; the
 * summary (mean ± SD per configuration and size) is printed at the end.
 */
public final class SmallDataStudy {

    record Config(String name, String base, Method method) {
        String key() {
            return name + "-" + method.name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String HEADER = "config,size,seed,kept_epoch,epochs_run,validation_f1,test_macro_f1,"
            + "test_macro_auc,test_accuracy,test_n,seconds";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path shipped = Path.of(args[1]);
        Path ssl = Path.of(args[2]);
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        List<Integer> sizes = args.length > 4 ? list(args[4]).stream().map(Integer::parseInt).toList()
                : List.of(30, 60, 120);
        List<Long> seeds = args.length > 5 ? list(args[5]).stream().map(Long::parseLong).toList() : List.of(0L, 1L, 2L);
        List<Config> configs = new ArrayList<>(List.of(
                new Config("cardx_ssl", ssl.toString(), Method.HEAD), new Config("cardx_ssl", ssl.toString(), Method.ALL),
                new Config("cardx_ptbxl", shipped.toString(), Method.HEAD),
                new Config("cardx_ptbxl", shipped.toString(), Method.ALL),
                new Config("cardx", "cardx", Method.SCRATCH), new Config("inceptiontime", "inceptiontime", Method.SCRATCH),
                new Config("xceptiontime", "xceptiontime", Method.SCRATCH),
                new Config("xc_super", TestData.model("xc_super_pretrained.onnx").toString(), Method.HEAD),
                new Config("xc_super", TestData.model("xc_super_pretrained.onnx").toString(), Method.ALL)));
        if (args.length > 6) {
            Set<String> keep = new HashSet<>(list(args[6]));
            configs.removeIf(c -> !keep.contains(c.key()));
        }
        List<PtbxlStudyData.Item> pool = PtbxlStudyData.pool();
        Set<String> poolClasses = new TreeSet<>();
        pool.forEach(i -> poolClasses.add(i.label()));
        List<PtbxlStudyData.Item> test = PtbxlStudyData.fold10().stream()
                .filter(i -> poolClasses.contains(i.label())).toList();
        System.out.printf(Locale.ROOT, "pool %d recordings %s; test %d fold-10 recordings with a label among them%n",
                pool.size(), poolClasses, test.size());

        Set<String> done = new HashSet<>();
        if (Files.exists(out)) {
            for (String line : Files.readAllLines(out)) {
                String[] f = line.split(",");
                if (f.length > 3 && !line.startsWith("config")) {
                    done.add(f[0] + "|" + f[1] + "|" + f[2]);
                }
            }
        } else {
            Files.writeString(out, HEADER + "\n");
        }
        for (long seed : seeds) {
            for (int size : sizes) {
                List<PtbxlStudyData.Item> train = PtbxlStudyData.subset(pool, size, seed);
                for (Config c : configs) {
                    if (done.contains(c.key() + "|" + size + "|" + seed)) {
                        continue;
                    }
                    String row = run(c, train, test, epochs, seed);
                    Files.writeString(out, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    System.out.println(row);
                }
            }
        }
        summary(out);
    }

    static String run(Config c, List<PtbxlStudyData.Item> train, List<PtbxlStudyData.Item> test, int epochs, long seed)
            throws Exception {
        long start = System.nanoTime();
        List<String> classes = new ArrayList<>(new TreeSet<>(train.stream().map(PtbxlStudyData.Item::label).toList()));
        OnnxGraph graph;
        Preparation prep;
        String sha;
        if (Zoo.contains(c.base())) {
            graph = Zoo.build(c.base(), classes, seed);
            prep = Zoo.preparation(c.base());
            sha = graph.sha256();
        } else {
            byte[] bytes = Files.readAllBytes(Path.of(c.base()));
            graph = OnnxGraph.parse(bytes);
            prep = Preparation.fromMetadata(graph.metadata());
            sha = OnnxGraph.sha256(bytes);
        }
        List<Example> examples = new ArrayList<>();
        for (PtbxlStudyData.Item i : train) {
            examples.add(Example.of(i.id(), prep.apply(i.ecg()), i.label()));
        }
        TrainingConfig cfg = TrainingConfig.defaults(c.method()).withEpochs(epochs).withSeed(seed);
        TrainingResult r = new Trainer(cfg).train(graph, sha, examples, prep);
        Evaluation ev = score(r.model(), prep, test);
        return String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%d,%.1f", c.key(), train.size(), seed,
                r.bestEpoch(), r.history().size(), r.best().f1Macro(), ev.macroF1(), ev.macroAuc(), ev.accuracy(),
                test.size(), (System.nanoTime() - start) / 1e9);
    }

    /** Single-label metrics of an exported model on the test recordings (ONNX Runtime). */
    static Evaluation score(OnnxGraph model, Preparation prep, List<PtbxlStudyData.Item> test) throws Exception {
        try (OnnxModel m = OnnxModel.load(Path.of("study.onnx"), model.toBytes(), 2)) {
            double[][] probs = new double[test.size()][];
            List<String> truth = new ArrayList<>();
            for (int i = 0; i < test.size(); i++) {
                float[][] x = prep.apply(test.get(i).ecg());
                float[] flat = new float[x.length * x[0].length];
                for (int l = 0; l < x.length; l++) {
                    System.arraycopy(x[l], 0, flat, l * x[0].length, x[0].length);
                }
                probs[i] = m.probabilities(m.logits(flat, 1, x.length, x[0].length)[0]);
                truth.add(test.get(i).label());
            }
            return Metrics.singleLabel(m.card().classes(), truth, probs);
        }
    }

    /** Mean ± SD of test macro F1 and AUC per configuration and size, as a Markdown table. */
    static void summary(Path csv) throws IOException {
        Map<String, Map<Integer, List<double[]>>> by = new TreeMap<>();
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("config") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (!order.contains(f[0])) {
                order.add(f[0]);
            }
            by.computeIfAbsent(f[0], k -> new TreeMap<>()).computeIfAbsent(Integer.parseInt(f[1]), k -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(f[6]), Double.parseDouble(f[7])});
        }
        Set<Integer> sizes = new TreeSet<>();
        by.values().forEach(m -> sizes.addAll(m.keySet()));
        StringBuilder h = new StringBuilder("| configuration |");
        StringBuilder sep = new StringBuilder("|---|");
        for (int s : sizes) {
            h.append(" ").append(s).append(": macro F1 | ").append(s).append(": macro AUC |");
            sep.append("---|---|");
        }
        System.out.println(h);
        System.out.println(sep);
        for (String c : order) {
            StringBuilder row = new StringBuilder("| " + c + " |");
            for (int s : sizes) {
                List<double[]> runs = by.get(c).getOrDefault(s, List.of());
                row.append(" ").append(meanSd(runs, 0)).append(" | ").append(meanSd(runs, 1)).append(" |");
            }
            System.out.println(row);
        }
    }

    private static String meanSd(List<double[]> runs, int k) {
        if (runs.isEmpty()) {
            return "–";
        }
        double mean = runs.stream().mapToDouble(r -> r[k]).average().orElse(Double.NaN);
        double var = runs.stream().mapToDouble(r -> (r[k] - mean) * (r[k] - mean)).sum() / Math.max(1, runs.size() - 1);
        return String.format(Locale.ROOT, "%.3f ± %.3f (n=%d)", mean, Math.sqrt(var), runs.size());
    }

    private static List<String> list(String s) {
        return List.of(s.split(","));
    }
}
