package org.exchangeai.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.exchangeai.core.TestData;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.EpochSelection;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.Zoo;

/**
 * The epoch-selection study of {@code docs/validation.md}: on the 120 shared PTB-XL arrays, stratified
 * 5-fold cross-validation grouped by patient, with several seeds, for InceptionTime, XceptionTime and
 * CardX from scratch and xc_super head / all layers. Each run trains every epoch (no early stopping) and
 * scores its held-out fold after every epoch; the old rule (the original platform's, as this
 * platform had it: first epoch kept, then a new best needs 1 % lower loss with weighted F1 not 2 % lower,
 * or 2 % higher weighted F1 with loss not 1 % higher; stop after epoch 10 at 1.25 × the best loss, or 10
 * epochs without a new best) and the new {@link EpochSelection} are then replayed on the same history,
 * stopping where each would have stopped. Not a unit test: a main method.
 *
 * <p>Arguments: {@code OUT.csv [epochs] [seeds] [configs]}; finished runs in {@code OUT.csv} are skipped.
 */
public final class EpochSelectionStudy {

    record Config(String base, Method method) {
        String key() {
            String name = Zoo.contains(base) ? base : "xc_super";
            return name + "-" + method.name().toLowerCase(Locale.ROOT);
        }
    }

    record Epoch(double loss, double f1Macro, double f1Weighted, double auc, double heldOutF1) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<Long> seeds = args.length > 2 ? List.of(args[2].split(",")).stream().map(Long::parseLong).toList()
                : List.of(0L, 1L, 2L);
        String xc = TestData.model("xc_super_pretrained.onnx").toString();
        List<Config> configs = new ArrayList<>(List.of(new Config("inceptiontime", Method.SCRATCH),
                new Config("xceptiontime", Method.SCRATCH), new Config("cardx", Method.SCRATCH),
                new Config(xc, Method.HEAD), new Config(xc, Method.ALL)));
        if (args.length > 3) {
            Set<String> keep = Set.of(args[3].split(","));
            configs.removeIf(c -> !keep.contains(c.key()));
        }
        List<PtbxlStudyData.Item> pool = PtbxlStudyData.pool();
        Set<String> done = new HashSet<>();
        if (Files.exists(out)) {
            Files.readAllLines(out).stream().skip(1).map(l -> l.split(",")).filter(f -> f.length > 3)
                    .forEach(f -> done.add(f[0] + "|" + f[1] + "|" + f[2]));
        } else {
            Files.writeString(out, "config,seed,fold,old_kept,old_run,old_val_f1,old_best_val_f1,old_heldout_f1,"
                    + "new_kept,new_run,new_val_f1,new_best_val_f1,new_heldout_f1,epochs\n");
        }
        for (long seed : seeds) {
            List<List<PtbxlStudyData.Item>> folds = folds(pool, 5, seed);
            for (Config c : configs) {
                for (int k = 0; k < folds.size(); k++) {
                    if (done.contains(c.key() + "|" + seed + "|" + k)) {
                        continue;
                    }
                    List<PtbxlStudyData.Item> train = new ArrayList<>();
                    for (int j = 0; j < folds.size(); j++) {
                        if (j != k) {
                            train.addAll(folds.get(j));
                        }
                    }
                    List<Epoch> history = history(c, train, folds.get(k), epochs, seed);
                    // every epoch's numbers, so the rules can be replayed later without training again
                    StringBuilder json = new StringBuilder("{\"config\":\"" + c.key() + "\",\"seed\":" + seed
                            + ",\"fold\":" + k + ",\"epochs\":[");
                    for (int e = 0; e < history.size(); e++) {
                        Epoch x = history.get(e);
                        json.append(e == 0 ? "" : ",").append(String.format(Locale.ROOT,
                                "[%.6f,%.6f,%.6f,%.6f,%.6f]", x.loss(), x.f1Macro(), x.f1Weighted(), x.auc(), x.heldOutF1()));
                    }
                    Files.writeString(out.resolveSibling(out.getFileName() + ".history.jsonl"), json + "]}\n",
                            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    String row = c.key() + "," + seed + "," + k + "," + replayOld(history) + ","
                            + replayNew(history, c.method()) + "," + history.size();
                    Files.writeString(out, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    System.out.println(row);
                }
            }
        }
        summary(out);
    }

    /** Trains every epoch and scores the held-out fold after each. */
    static List<Epoch> history(Config c, List<PtbxlStudyData.Item> train, List<PtbxlStudyData.Item> heldOut, int epochs,
            long seed) throws Exception {
        List<String> classes = new ArrayList<>(new TreeSet<>(train.stream().map(PtbxlStudyData.Item::label).toList()));
        OnnxGraph graph;
        Preparation prep;
        if (Zoo.contains(c.base())) {
            graph = Zoo.build(c.base(), classes, seed);
            prep = Zoo.preparation(c.base());
        } else {
            graph = OnnxGraph.read(Path.of(c.base()));
            prep = Preparation.fromMetadata(graph.metadata());
        }
        List<Example> examples = new ArrayList<>();
        for (PtbxlStudyData.Item i : train) {
            examples.add(Example.of(i.id(), prep.apply(i.ecg()), i.label()));
        }
        List<float[][]> heldInputs = new ArrayList<>();
        List<String> heldTruth = new ArrayList<>();
        for (PtbxlStudyData.Item i : heldOut) {
            heldInputs.add(prep.apply(i.ecg()));
            heldTruth.add(i.label());
        }
        List<Double> heldF1 = new ArrayList<>();
        // patience as long as the run: every epoch is trained, the rules are replayed afterwards
        TrainingConfig cfg = TrainingConfig.defaults(c.method()).withEpochs(epochs).withSeed(seed).withPatience(epochs + 1);
        Trainer trainer = new Trainer(cfg).onEpochEnd((epoch, module) -> {
            try (NDManager m = Engines.newManager()) {
                int leads = heldInputs.get(0).length;
                int samples = heldInputs.get(0)[0].length;
                float[] flat = new float[heldInputs.size() * leads * samples];
                int p = 0;
                for (float[][] x : heldInputs) {
                    for (float[] lead : x) {
                        System.arraycopy(lead, 0, flat, p, samples);
                        p += samples;
                    }
                }
                NDArray logits = module.forward(m.create(flat, new Shape(heldInputs.size(), leads, samples)));
                float[] l = logits.toFloatArray();
                int k = classes.size();
                double[][] probs = new double[heldInputs.size()][k];
                for (int i = 0; i < probs.length; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        max = Math.max(max, l[i * k + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        probs[i][j] = Math.exp(l[i * k + j] - max);
                        sum += probs[i][j];
                    }
                    for (int j = 0; j < k; j++) {
                        probs[i][j] /= sum;
                    }
                }
                heldF1.add(Metrics.singleLabel(classes, heldTruth, probs).macroF1());
            }
        });
        TrainingResult r = trainer.train(graph, graph.sha256(), examples, prep);
        List<Epoch> out = new ArrayList<>();
        for (int i = 0; i < r.history().size(); i++) {
            TrainingResult.EpochStats e = r.history().get(i);
            out.add(new Epoch(e.validationLoss(), e.f1Macro(), e.f1Weighted(), e.macroAuc(), heldF1.get(i)));
        }
        return out;
    }

    /** kept, run, val F1 (macro) of kept, best val F1 of the epochs run, held-out F1 of kept. */
    static String replayOld(List<Epoch> h) {
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestF1 = Double.NEGATIVE_INFINITY;
        int best = -1;
        int run = 0;
        for (int e = 0; e < h.size(); e++) {
            run = e + 1;
            double loss = h.get(e).loss();
            double f1 = Double.isNaN(h.get(e).f1Weighted()) ? 0 : h.get(e).f1Weighted();
            boolean better = best < 0 || (loss < bestLoss * 0.99 && f1 >= bestF1 - 0.02 * Math.abs(bestF1))
                    || (f1 > bestF1 + 0.02 * Math.abs(bestF1) && f1 > bestF1 && loss <= bestLoss * 1.01);
            if (better && Double.isFinite(loss)) {
                bestLoss = loss;
                bestF1 = f1;
                best = e;
            } else if (!Double.isFinite(loss) || (e > 10 && loss > 1.25 * bestLoss) || best + 10 < e) {
                break;
            }
        }
        return describe(h, best + 1, run);
    }

    static String replayNew(List<Epoch> h, Method method) {
        EpochSelection s = new EpochSelection(EpochSelection.defaultCriterion(method), EpochSelection.earliest(method), 10,
                10, 1.25);
        int run = 0;
        for (Epoch e : h) {
            s.add(e.loss(), e.f1Macro(), e.auc());
            run++;
            if (s.shouldStop()) {
                break;
            }
        }
        return describe(h, s.bestEpoch(), run);
    }

    private static String describe(List<Epoch> h, int kept, int run) {
        double bestVal = h.subList(0, run).stream().mapToDouble(Epoch::f1Macro).max().orElse(Double.NaN);
        Epoch k = h.get(kept - 1);
        return String.format(Locale.ROOT, "%d,%d,%.4f,%.4f,%.4f", kept, run, k.f1Macro(), bestVal, k.heldOutF1());
    }

    /** Stratified k folds grouped by patient: all records of a patient in one fold. */
    static List<List<PtbxlStudyData.Item>> folds(List<PtbxlStudyData.Item> pool, int k, long seed) {
        Map<String, List<PtbxlStudyData.Item>> byPatient = new LinkedHashMap<>();
        pool.forEach(i -> byPatient.computeIfAbsent(i.patient() == null ? i.id() : i.patient(),
                p -> new ArrayList<>()).add(i));
        Map<String, List<List<PtbxlStudyData.Item>>> byClass = new TreeMap<>();
        byPatient.values().forEach(g -> byClass.computeIfAbsent(g.get(0).label(), c -> new ArrayList<>()).add(g));
        Random r = new Random(seed);
        List<List<PtbxlStudyData.Item>> folds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            folds.add(new ArrayList<>());
        }
        int next = 0;
        for (List<List<PtbxlStudyData.Item>> groups : byClass.values()) {
            java.util.Collections.shuffle(groups, r);
            for (List<PtbxlStudyData.Item> g : groups) {
                folds.get(next).addAll(g);
                next = (next + 1) % k;
            }
        }
        return folds;
    }

    /** Mean held-out F1 per configuration for both rules, and the runs whose kept epoch is far below their best. */
    static void summary(Path csv) throws Exception {
        Map<String, List<String[]>> by = new TreeMap<>();
        Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",")).filter(f -> f.length > 12)
                .forEach(f -> by.computeIfAbsent(f[0], x -> new ArrayList<>()).add(f));
        System.out.println("| configuration | runs | old rule: held-out macro F1 | new rule: held-out macro F1 | "
                + "old: kept epoch far below best (> 0.1 val F1) | new: same |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, List<String[]>> e : by.entrySet()) {
            List<String[]> rows = e.getValue();
            double oldF1 = rows.stream().mapToDouble(f -> Double.parseDouble(f[7])).average().orElse(Double.NaN);
            double newF1 = rows.stream().mapToDouble(f -> Double.parseDouble(f[12])).average().orElse(Double.NaN);
            long oldFar = rows.stream().filter(f -> Double.parseDouble(f[6]) - Double.parseDouble(f[5]) > 0.1).count();
            long newFar = rows.stream().filter(f -> Double.parseDouble(f[11]) - Double.parseDouble(f[10]) > 0.1).count();
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f ± %.3f | %.3f ± %.3f | %d | %d |%n", e.getKey(), rows.size(),
                    oldF1, sd(rows, 7), newF1, sd(rows, 12), oldFar, newFar);
        }
    }

    private static double sd(List<String[]> rows, int k) {
        double mean = rows.stream().mapToDouble(f -> Double.parseDouble(f[k])).average().orElse(Double.NaN);
        return Math.sqrt(rows.stream().mapToDouble(f -> Math.pow(Double.parseDouble(f[k]) - mean, 2)).sum()
                / Math.max(1, rows.size() - 1));
    }
}
