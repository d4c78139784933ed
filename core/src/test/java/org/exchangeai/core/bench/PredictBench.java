package org.exchangeai.core.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.exchangeai.core.TestData;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.exchangeai.core.prep.Preparation;

/**
 * End-to-end prediction throughput (read WFDB + prepare + infer, {@link Predictor}) over 1,000
 * recordings against ONNX Runtime alone on the same batches made beforehand, in the same run:
 * xc_super, batch 32, 2 intra-op threads. The 1,000 recordings are the 60 LUDB records, repeated.
 * Each case runs 5 times after 2 warm-up runs; the median is reported.
 *
 * <p>Run: {@code ./mvnw -B -q -o -pl core test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test} then
 * {@code java -cp core/target/test-classes:core/target/classes:$(cat core/target/test.cp)
 * org.exchangeai.core.bench.PredictBench}.
 */
public final class PredictBench {

    private PredictBench() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int batch = 32;
        List<Path> records;
        try (Stream<Path> s = Files.list(TestData.data("ludb/data"))) {
            records = s.filter(p -> p.toString().endsWith(".hea")).sorted().toList();
        }
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            inputs.add(records.get(i % records.size()));
        }
        try (OnnxModel model = OnnxModel.load(TestData.model("xc_super_pretrained.onnx"), 2)) {
            Preparation prep = Preparation.fromMetadata(model.card().metadata());
            // the same batches, made beforehand, for ONNX Runtime alone
            List<ReadResult> read = Formats.readAll(inputs, ReadOptions.DEFAULT);
            List<float[]> batches = new ArrayList<>();
            for (int b = 0; b < total; b += batch) {
                int n = Math.min(batch, total - b);
                float[] flat = new float[n * 12000];
                for (int i = 0; i < n; i++) {
                    float[][] x = prep.apply(read.get(b + i).ecg());
                    for (int l = 0; l < 12; l++) {
                        System.arraycopy(x[l], 0, flat, i * 12000 + l * 1000, 1000);
                    }
                }
                batches.add(flat);
            }
            double[] ortAlone = new double[5];
            double[] endToEnd = new double[5];
            for (int run = -2; run < 5; run++) {
                long t0 = System.nanoTime();
                for (float[] flat : batches) {
                    model.logits(flat, flat.length / 12000, 12, 1000);
                }
                long t1 = System.nanoTime();
                List<Prediction> preds = Predictor.forModel(model, batch)
                        .predict(Formats.readAll(inputs, ReadOptions.DEFAULT), null);
                long t2 = System.nanoTime();
                if (preds.size() != total || !preds.stream().allMatch(Prediction::ok)) {
                    throw new IllegalStateException("end-to-end run did not predict every recording");
                }
                if (run >= 0) {
                    ortAlone[run] = (t1 - t0) / 1e9;
                    endToEnd[run] = (t2 - t1) / 1e9;
                }
            }
            double ort = median(ortAlone);
            double e2e = median(endToEnd);
            System.out.printf(Locale.ROOT, "recordings: %d, batch %d, 2 threads%n", total, batch);
            System.out.printf(Locale.ROOT, "ONNX Runtime alone:  %.2f s  %.0f recordings/s%n", ort, total / ort);
            System.out.printf(Locale.ROOT, "end to end:          %.2f s  %.0f recordings/s%n", e2e, total / e2e);
            System.out.printf(Locale.ROOT, "end to end / ORT alone: %.3f%n", e2e / ort);
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
