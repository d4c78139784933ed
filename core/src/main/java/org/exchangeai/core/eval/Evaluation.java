package org.exchangeai.core.eval;

import java.util.List;
import java.util.Map;

/**
 * Everything a user decides on for one classifier on one labelled set.
 *
 * @param classes        the classifier's classes, in output order
 * @param multiLabel     whether samples may carry several labels
 * @param perClass       metrics of each class the classifier knows, then of true classes it does not know
 * @param macroF1        unweighted mean F1 over the classifier's classes
 * @param weightedF1     F1 over the classifier's classes weighted by their support
 * @param accuracy       share of samples whose prediction is right (multi-label: exact set match)
 * @param samples        number of samples evaluated
 * @param unknownClasses true labels the classifier cannot predict, with their counts
 * @param confusion      single label: true × predicted counts; multi-label: {@code null}
 * @param roc            one-vs-rest ROC curve per known class
 * @param thresholds     suggested thresholds per known class
 */
public record Evaluation(
        List<String> classes,
        boolean multiLabel,
        List<ClassMetrics> perClass,
        double macroF1,
        double weightedF1,
        double accuracy,
        int samples,
        Map<String, Long> unknownClasses,
        ConfusionMatrix confusion,
        Map<String, RocCurve> roc,
        Map<String, Thresholds.Point[]> thresholds) {

    /** Macro-averaged one-vs-rest AUC over the known classes that have positives and negatives. */
    public double macroAuc() {
        double sum = 0;
        int n = 0;
        for (RocCurve c : roc.values()) {
            double a = c.auc();
            if (!Double.isNaN(a)) {
                sum += a;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
