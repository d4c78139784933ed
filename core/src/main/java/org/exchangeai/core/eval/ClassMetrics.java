package org.exchangeai.core.eval;

/**
 * Precision, recall and F1 of one class. A ratio whose denominator is zero is 0, as
 * scikit-learn reports it with {@code zero_division=0}.
 *
 * @param name      class name
 * @param known     whether the classifier can predict this class at all
 * @param tp        true positives
 * @param fp        false positives
 * @param fn        false negatives
 * @param support   number of samples whose true labels include this class
 */
public record ClassMetrics(String name, boolean known, long tp, long fp, long fn, long support) {

    public double precision() {
        return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }

    public double recall() {
        return tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    }

    public double f1() {
        long d = 2 * tp + fp + fn;
        return d == 0 ? 0 : 2.0 * tp / d;
    }
}
