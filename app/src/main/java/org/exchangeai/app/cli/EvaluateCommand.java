package org.exchangeai.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.exchangeai.core.data.Labels;
import org.exchangeai.core.eval.ClassMetrics;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.eval.RocCurve;
import org.exchangeai.core.eval.Thresholds;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.exchangeai.core.onnx.ModelCard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** How good a model is on the user's labelled recordings. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a model on labelled recordings: per-class F1, ROC/AUC, thresholds.")
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--labels", required = true, paramLabel = "labels.csv",
            description = "Label table file_name,label,ICD-10; file names relative to its folder.")
    Path labelsFile;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or ZIP archives.")
    List<Path> paths;

    @Option(names = "--json", paramLabel = "metrics.json", description = "Also write metrics, ROC points and thresholds as JSON.")
    Path json;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() throws Exception {
        Labels labels = Labels.read(labelsFile);
        labels.problems().forEach(p -> System.err.println("labels: " + p));
        Path labelsDir = labelsFile.toAbsolutePath().normalize().getParent();
        List<ReadResult> read = PredictCommand.readNamed(paths, recordingOptions);
        PrintStream out = System.out;
        try (OnnxModel model = modelOptions.load()) {
            if (!model.card().headTrained()) {
                System.err.println(model.file() + " is a pretrained encoder whose classifier head was never trained; "
                        + "fine-tune it before evaluating it (exchangeai finetune --base " + model.file().getFileName()
                        + " --method head ...)");
                return 2;
            }
            List<Prediction> preds;
            try (ProgressBar bar = PredictCommand.progress("Predicting", read.size())) {
                preds = Predictor.forModel(model, modelOptions.batch).predict(read, done -> bar.stepTo(done));
            }
            List<String> names = new ArrayList<>();
            List<Set<String>> truth = new ArrayList<>();
            List<double[]> probs = new ArrayList<>();
            int unlabelled = 0;
            int failed = 0;
            for (int i = 0; i < preds.size(); i++) {
                Prediction p = preds.get(i);
                if (!p.ok()) {
                    failed++;
                    System.err.println(p.name() + ": " + p.error());
                    continue;
                }
                Labels.Row row = labels.find(relativeToLabels(read.get(i), labelsDir));
                if (row == null) {
                    unlabelled++;
                    continue;
                }
                names.add(p.name());
                truth.add(new LinkedHashSet<>(row.labels()));
                probs.add(p.probabilities());
            }
            if (names.isEmpty()) {
                System.err.println("no recording has a label in " + labelsFile + ": nothing to evaluate");
                return 1;
            }
            ModelCard card = model.card();
            List<String> classes = card.classes();
            double[][] pm = probs.toArray(new double[0][]);
            Evaluation ev = card.labelType() == ModelCard.LabelType.MULTI
                    ? Metrics.multiLabel(classes, truth, pm, 0.5)
                    : Metrics.singleLabel(classes, truth.stream().map(t -> t.iterator().next()).toList(), pm);
            print(out, ev, model.file().getFileName().toString(), names.size(), unlabelled, failed);
            if (json != null) {
                PredictCommand.ensureParent(json);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), toJson(ev));
                out.println("metrics written to " + json);
            }
            return failed == 0 ? 0 : 1;
        }
    }

    /** The recording's path relative to the label table's folder, as label tables name files. */
    static String relativeToLabels(ReadResult r, Path labelsDir) {
        if (r.file() != null && !r.name().contains("!/")) {
            Path abs = r.file().toAbsolutePath().normalize();
            if (abs.startsWith(labelsDir)) {
                return labelsDir.relativize(abs).toString().replace('\\', '/');
            }
        }
        String n = r.name();
        int bang = n.indexOf("!/");
        return bang >= 0 ? n.substring(bang + 2) : n;
    }

    static void print(PrintStream out, Evaluation ev, String model, int n, int unlabelled, int failed) {
        out.printf(Locale.ROOT, "%s on %d labelled recordings%s%s%n", model, n,
                unlabelled > 0 ? ", " + unlabelled + " without a label left out" : "",
                failed > 0 ? ", " + failed + " unreadable" : "");
        out.printf(Locale.ROOT, "%-14s %9s %9s %9s %8s %7s%n", "class", "precision", "recall", "F1", "support", "AUC");
        for (ClassMetrics m : ev.perClass()) {
            RocCurve roc = ev.roc().get(m.name());
            String auc = roc == null || Double.isNaN(roc.auc()) ? "–" : String.format(Locale.ROOT, "%.3f", roc.auc());
            out.printf(Locale.ROOT, "%-14s %9.3f %9.3f %9.3f %8d %7s%s%n", m.name(), m.precision(), m.recall(), m.f1(),
                    m.support(), auc, m.known() ? "" : "  (not a class of this model)");
        }
        out.printf(Locale.ROOT, "%-14s %29.3f%n", "macro F1", ev.macroF1());
        out.printf(Locale.ROOT, "%-14s %29.3f%n", "weighted F1", ev.weightedF1());
        out.printf(Locale.ROOT, "%-14s %29.3f%n", ev.multiLabel() ? "exact match" : "accuracy", ev.accuracy());
        out.printf(Locale.ROOT, "%-14s %29.3f%n", "macro AUC", ev.macroAuc());
        if (!ev.unknownClasses().isEmpty()) {
            out.println("Classes in the labels that this model cannot predict (counted as wrong, excluded from macro F1): "
                    + ev.unknownClasses());
        }
        if (ev.confusion() != null) {
            out.println();
            out.println("Confusion matrix (rows: true label, columns: predicted)");
            StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-10s", ""));
            ev.confusion().predictedClasses().forEach(c -> h.append(String.format(Locale.ROOT, "%8s", c)));
            out.println(h);
            long[][] cm = ev.confusion().counts();
            for (int r = 0; r < cm.length; r++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-10s", ev.confusion().trueClasses().get(r)));
                for (long v : cm[r]) {
                    row.append(String.format(Locale.ROOT, "%8d", v));
                }
                out.println(row);
            }
        }
        out.println();
        out.println("Suggested thresholds (probability >= threshold means positive)");
        out.printf(Locale.ROOT, "%-14s %-18s %9s %11s %11s %6s%n", "class", "rule", "threshold", "sensitivity", "specificity", "F1");
        for (Map.Entry<String, Thresholds.Point[]> e : ev.thresholds().entrySet()) {
            for (Thresholds.Point p : e.getValue()) {
                out.printf(Locale.ROOT, "%-14s %-18s %9.3g %11.3f %11.3f %6.3f%n", e.getKey(), p.rule(), p.threshold(),
                        p.sensitivity(), p.specificity(), p.f1());
            }
        }
    }

    static Map<String, Object> toJson(Evaluation ev) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", ev.classes());
        m.put("multiLabel", ev.multiLabel());
        m.put("samples", ev.samples());
        m.put("macroF1", ev.macroF1());
        m.put("weightedF1", ev.weightedF1());
        m.put("accuracy", ev.accuracy());
        m.put("macroAuc", nanToNull(ev.macroAuc()));
        m.put("unknownClasses", ev.unknownClasses());
        List<Map<String, Object>> per = new ArrayList<>();
        for (ClassMetrics c : ev.perClass()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("class", c.name());
            x.put("known", c.known());
            x.put("precision", c.precision());
            x.put("recall", c.recall());
            x.put("f1", c.f1());
            x.put("support", c.support());
            RocCurve roc = ev.roc().get(c.name());
            if (roc != null) {
                x.put("auc", nanToNull(roc.auc()));
                x.put("roc", Map.of("fpr", roc.fpr(), "tpr", roc.tpr(), "thresholds", finite(roc.thresholds())));
                List<Map<String, Object>> th = new ArrayList<>();
                for (Thresholds.Point p : ev.thresholds().get(c.name())) {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("rule", p.rule());
                    t.put("threshold", Double.isInfinite(p.threshold()) ? null : p.threshold());
                    t.put("sensitivity", p.sensitivity());
                    t.put("specificity", p.specificity());
                    t.put("precision", p.precision());
                    t.put("f1", p.f1());
                    th.add(t);
                }
                x.put("thresholds", th);
            }
            per.add(x);
        }
        m.put("perClass", per);
        if (ev.confusion() != null) {
            m.put("confusion", Map.of("rows", ev.confusion().trueClasses(), "columns", ev.confusion().predictedClasses(),
                    "counts", ev.confusion().counts()));
        }
        return m;
    }

    private static Object nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static List<Object> finite(double[] v) {
        List<Object> out = new ArrayList<>();
        for (double x : v) {
            out.add(Double.isInfinite(x) ? null : x);
        }
        return out;
    }
}
