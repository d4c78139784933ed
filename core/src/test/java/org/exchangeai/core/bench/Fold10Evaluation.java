package org.exchangeai.core.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exchangeai.core.eval.RocCurve;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.exchangeai.core.io.ReadResult;

/**
 * Multi-label ROC AUC of models on fold 10 of {@code ../shared/pretrain/ptbxl100} (139 records, the
 * PTB-XL benchmark's test fold), per diagnostic superclass and as the macro mean over the classes a
 * model knows; also the macro mean over CD, HYP, MI and STTC, the classes every compared model knows.
 * Each model prepares the records with its own recipe (ONNX Runtime). Not a unit test: a main method.
 *
 * <p>Arguments: {@code MODEL.onnx...}.
 */
public final class Fold10Evaluation {

    private static final List<String> COMMON = List.of("CD", "HYP", "MI", "STTC");

    public static void main(String[] args) throws Exception {
        List<PtbxlStudyData.Item> test = PtbxlStudyData.fold10();
        List<ReadResult> read = new ArrayList<>();
        for (PtbxlStudyData.Item i : test) {
            read.add(new ReadResult(i.id(), null, i.ecg(), null));
        }
        System.out.println("| model | classes | " + String.join(" | ", List.of("NORM", "MI", "STTC", "CD", "HYP"))
                + " | macro AUC (its classes) | macro AUC (CD, HYP, MI, STTC) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String a : args) {
            try (OnnxModel m = OnnxModel.load(Path.of(a), 2)) {
                List<Prediction> preds = Predictor.forModel(m, 16).predict(read, n -> { });
                List<String> classes = m.card().classes();
                StringBuilder row = new StringBuilder("| " + Path.of(a).getFileName() + " | " + classes.size() + " |");
                double sum = 0;
                int n = 0;
                double common = 0;
                int nc = 0;
                for (String c : List.of("NORM", "MI", "STTC", "CD", "HYP")) {
                    int k = classes.indexOf(c);
                    if (k < 0) {
                        row.append(" – |");
                        continue;
                    }
                    boolean[] pos = new boolean[test.size()];
                    double[] score = new double[test.size()];
                    for (int i = 0; i < test.size(); i++) {
                        pos[i] = test.get(i).labels().contains(c);
                        score[i] = preds.get(i).probabilities()[k];
                    }
                    double auc = RocCurve.of(pos, score).auc();
                    row.append(String.format(Locale.ROOT, " %.3f |", auc));
                    sum += auc;
                    n++;
                    if (COMMON.contains(c)) {
                        common += auc;
                        nc++;
                    }
                }
                row.append(String.format(Locale.ROOT, " %.3f | %s |", sum / n,
                        nc == COMMON.size() ? String.format(Locale.ROOT, "%.3f", common / nc) : "–"));
                System.out.println(row);
            }
        }
    }
}
