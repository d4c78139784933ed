package org.exchangeai.core.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;
import org.exchangeai.core.zoo.XceptionTime;

/**
 * Seconds per epoch of the trainer on the 120 shared PTB-XL arrays (npy500, prepared with xc_super's
 * recipe: 100 Hz, 1000 samples; the trainer's 20 % split gives 97 train / 23 validation), batch 8:
 * XceptionTime from scratch and xc_super head-only, in the same run. An epoch's time includes the
 * validation pass. Arguments: {@code epochs} (default 3). Set {@code -Dai.djl.pytorch.num_threads}.
 */
public final class TrainingBench {

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path xcPath = TestData.model("xc_super_pretrained.onnx");
        OnnxGraph xc = OnnxGraph.read(xcPath);
        Preparation prep = Preparation.fromMetadata(xc.metadata());
        List<Example> all = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (f[0].startsWith("npy500/")) {
                Ecg ecg = new NpyReader().read(TestData.data("ptbxl/" + f[0]), ReadOptions.DEFAULT.withFs(500.0));
                all.add(Example.of(f[0], prep.apply(ecg), f[1]));
            }
        }
        List<String> classes = all.stream().map(e -> e.labels().get(0)).distinct().sorted().toList();
        System.out.printf(Locale.ROOT, "%d recordings, batch 8, %d epochs, libtorch threads %s%n", all.size(), epochs,
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        run("XceptionTime scratch", XceptionTime.build(12, 1000, classes, 42), Method.SCRATCH, all, prep, epochs);
        run("xc_super head-only", xc, Method.HEAD, all, prep, epochs);
    }

    static void run(String name, OnnxGraph base, Method method, List<Example> data, Preparation prep, int epochs) {
        TrainingConfig cfg = TrainingConfig.defaults(method).withEpochs(epochs);
        long t0 = System.nanoTime();
        TrainingResult r = new Trainer(cfg).train(base, base.sha256(), data, prep);
        double total = (System.nanoTime() - t0) / 1e9;
        StringBuilder s = new StringBuilder();
        double sum = 0;
        for (TrainingResult.EpochStats e : r.history()) {
            s.append(String.format(Locale.ROOT, " %.2f", e.seconds()));
            sum += e.seconds();
        }
        System.out.printf(Locale.ROOT, "%-22s epochs (s):%s | mean %.2f s/epoch | whole run incl. set-up and export %.1f s"
                + " | best epoch %d validation macro F1 %.3f, weighted F1 %.3f%n",
                name, s, sum / r.history().size(), total, r.bestEpoch(), r.best().f1Macro(), r.best().f1Weighted());
    }
}
