package org.exchangeai.core.eval;

import java.util.List;

/**
 * Counts of true class (rows) against predicted class (columns). Rows may hold true classes
 * the classifier cannot predict (classes a model does not know), so rows and columns are
 * separate name lists; every column name is also a row name.
 */
public final class ConfusionMatrix {

    private final List<String> trueClasses;
    private final List<String> predictedClasses;
    private final long[][] counts;

    private ConfusionMatrix(List<String> trueClasses, List<String> predictedClasses, long[][] counts) {
        this.trueClasses = List.copyOf(trueClasses);
        this.predictedClasses = List.copyOf(predictedClasses);
        this.counts = counts;
    }

    /**
     * @param trueClasses      row names (all true labels that occur, model classes first)
     * @param predictedClasses column names (the classifier's classes)
     * @param truth            true class index into {@code trueClasses} per sample
     * @param predicted        predicted class index into {@code predictedClasses} per sample
     */
    public static ConfusionMatrix of(List<String> trueClasses, List<String> predictedClasses, int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        long[][] c = new long[trueClasses.size()][predictedClasses.size()];
        for (int i = 0; i < truth.length; i++) {
            c[truth[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(trueClasses, predictedClasses, c);
    }

    public List<String> trueClasses() {
        return trueClasses;
    }

    public List<String> predictedClasses() {
        return predictedClasses;
    }

    public long count(int trueIndex, int predictedIndex) {
        return counts[trueIndex][predictedIndex];
    }

    /** A copy of the counts, {@code [true][predicted]}. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public long total() {
        long t = 0;
        for (long[] row : counts) {
            for (long v : row) {
                t += v;
            }
        }
        return t;
    }
}
