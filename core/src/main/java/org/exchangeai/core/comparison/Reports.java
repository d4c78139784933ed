package org.exchangeai.core.comparison;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.train.TrainingConfig;

/**
 * The files a finished comparison leaves, the same from the command line and the web page:
 * {@code leaderboard.json} and {@code .csv}, {@code delong.csv}, {@code learning-curve.csv},
 * {@code oof-predictions.csv} (every fold run's out-of-fold probabilities) and {@code folds.csv}.
 */
public final class Reports {

    public static final List<String> FILES = List.of("leaderboard.json", "leaderboard.csv", "delong.csv",
            "learning-curve.csv", "oof-predictions.csv", "folds.csv");

    private Reports() {
    }

    /**
     * Writes every file into {@code dir}.
     *
     * @param about entries put first into {@code leaderboard.json} (e.g. where the labels came from)
     */
    public static void write(Path dir, CrossValidation.Result r, Leaderboard b, Map<String, Object> about) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve("leaderboard.json").toFile(), document(r, b, about));
        writeLeaderboardCsv(dir.resolve("leaderboard.csv"), b);
        try (PrintWriter w = writer(dir.resolve("delong.csv"))) {
            w.println("candidate,leader,class,auc,leader_auc,z,p,p_holm");
            for (Leaderboard.Row row : b.rows()) {
                for (Leaderboard.ClassTest t : row.delong()) {
                    w.println(String.join(",", csv(row.candidate()), csv(b.leader()), csv(t.className()), num(t.auc()),
                            num(t.leaderAuc()), num(t.z()), num(t.p()), num(t.pHolm())));
                }
            }
        }
        try (PrintWriter w = writer(dir.resolve("learning-curve.csv"))) {
            w.println("candidate,fraction,train_recordings,macro_f1,macro_f1_low,macro_f1_high,macro_auc");
            for (Leaderboard.CurvePoint p : b.curve()) {
                w.println(String.join(",", csv(p.candidate()), num(p.fraction()), num(p.trainRecordings()),
                        num(p.macroF1()), num(p.low()), num(p.high()), num(p.macroAuc())));
            }
        }
        try (PrintWriter w = writer(dir.resolve("oof-predictions.csv"))) {
            StringBuilder head = new StringBuilder("candidate,seed,fraction,fold,file_name,patient,labels");
            r.classes().forEach(x -> head.append(',').append(csv(x)));
            w.println(head);
            for (FoldResult f : r.runs()) {
                for (int t = 0; t < f.test().length; t++) {
                    int i = f.test()[t];
                    StringBuilder line = new StringBuilder(String.join(",", csv(f.candidate()), Long.toString(f.seed()),
                            num(f.fraction()), Integer.toString(f.fold() + 1), csv(r.ids().get(i)), csv(patient(r, i)),
                            csv(String.join("|", r.labels().get(i)))));
                    for (double p : f.probabilities()[t]) {
                        line.append(',').append(num(p));
                    }
                    w.println(line);
                }
            }
        }
        try (PrintWriter w = writer(dir.resolve("folds.csv"))) {
            StringBuilder head = new StringBuilder("file_name,patient,labels");
            r.settings().seeds().forEach(s -> head.append(",fold_seed").append(s));
            w.println(head);
            for (int i = 0; i < r.ids().size(); i++) {
                StringBuilder line = new StringBuilder(String.join(",", csv(r.ids().get(i)), csv(patient(r, i)),
                        csv(String.join("|", r.labels().get(i)))));
                for (long s : r.settings().seeds()) {
                    line.append(',').append(r.folds().get(s).fold()[i] + 1);
                }
                w.println(line);
            }
        }
    }

    /** What {@code leaderboard.json} holds: {@code about}, the candidates, the shared options and the leaderboard. */
    public static Map<String, Object> document(CrossValidation.Result r, Leaderboard b, Map<String, Object> about) {
        Map<String, Object> j = new LinkedHashMap<>(about);
        j.put("candidates", r.candidates());
        j.put("training_fractions", r.settings().fractions());
        Map<String, Object> h = new LinkedHashMap<>();
        TrainingConfig c = r.settings().training();
        h.put("optimizer", c.optimizer().label());
        h.put("learning_rate", c.learningRate());
        h.put("lr_gamma", c.lrGamma());
        h.put("batch_size", c.batchSize());
        h.put("max_epochs", c.epochs());
        h.put("validation_fraction", c.validationFraction());
        j.put("hyperparameters", h);
        j.put("leaderboard", b);
        return j;
    }

    /**
     * What a model trained on all recordings after a comparison records about it
     * ({@code exchangeai.cross_validation} in its metadata): its cross-validated metrics with intervals.
     */
    public static Map<String, Object> summary(Leaderboard b, String candidate) {
        Leaderboard.Row row = b.rows().stream().filter(x -> x.candidate().equals(candidate)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no candidate " + candidate + " in the leaderboard"));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("candidate", candidate);
        summary.put("folds", b.folds());
        summary.put("seeds", b.seeds());
        summary.put("recordings", b.recordings());
        summary.put("bootstrap_units", b.clusters());
        summary.put("grouped_by_patient", b.byPatient());
        summary.put("level", b.level());
        summary.put("metrics", row.metrics());
        summary.put("indistinguishable_from", b.indistinguishable());
        summary.put("conclusion", b.conclusion());
        return summary;
    }

    public static void writeLeaderboardCsv(Path file, Leaderboard b) throws IOException {
        try (PrintWriter w = writer(file)) {
            StringBuilder head = new StringBuilder("rank,candidate,leader,indistinguishable_from_leader");
            for (String m : b.rows().get(0).metrics().keySet()) {
                head.append(',').append(m).append(',').append(m).append("_ci_low,").append(m).append("_ci_high,")
                        .append(m).append("_fold_mean,").append(m).append("_fold_sd");
            }
            head.append(",macro_f1_diff,macro_f1_diff_low,macro_f1_diff_high,macro_f1_p,macro_f1_p_holm");
            head.append(",macro_auc_diff,macro_auc_diff_low,macro_auc_diff_high,macro_auc_p,macro_auc_p_holm");
            head.append(",training_seconds");
            w.println(head);
            for (Leaderboard.Row row : b.rows()) {
                StringBuilder line = new StringBuilder(String.join(",", Integer.toString(row.rank()), csv(row.candidate()),
                        Boolean.toString(row.leader()), Boolean.toString(row.indistinguishable())));
                for (Leaderboard.Metric m : row.metrics().values()) {
                    line.append(',').append(String.join(",", num(m.value()), num(m.low()), num(m.high()), num(m.foldMean()),
                            num(m.foldSd())));
                }
                for (Leaderboard.Difference d : new Leaderboard.Difference[] {row.macroF1VsLeader(), row.macroAucVsLeader()}) {
                    line.append(',').append(d == null ? ",,,," : String.join(",", num(d.difference()), num(d.low()),
                            num(d.high()), num(d.p()), num(d.pHolm())));
                }
                line.append(',').append(num(row.trainingSeconds()));
                w.println(line);
            }
        }
    }

    private static String patient(CrossValidation.Result r, int i) {
        return r.patients() == null || r.patients().get(i) == null ? "" : r.patients().get(i);
    }

    private static PrintWriter writer(Path f) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(f, StandardCharsets.UTF_8));
    }

    public static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    public static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
