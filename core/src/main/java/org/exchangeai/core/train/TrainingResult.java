package org.exchangeai.core.train;

import java.util.List;
import org.exchangeai.core.onnx.OnnxGraph;

/**
 * The outcome of a training run.
 *
 * @param status how it ended
 * @param model the exported model with the best epoch's weights; {@code null} when cancelled before
 *     the first epoch finished
 * @param classes class names in output order
 * @param bestEpoch 1-based epoch whose weights were kept (0 if none)
 * @param history one entry per finished epoch
 * @param changedInitializers initializers re-targeted by head surgery
 * @param learningRate the initial learning rate used (the finder's suggestion when it ran)
 * @param selection how the kept epoch was chosen, in words
 */
public record TrainingResult(Status status, OnnxGraph model, List<String> classes, int bestEpoch,
        List<EpochStats> history, List<String> changedInitializers, double learningRate, String selection) {

    public TrainingResult(Status status, OnnxGraph model, List<String> classes, int bestEpoch,
            List<EpochStats> history, List<String> changedInitializers, double learningRate) {
        this(status, model, classes, bestEpoch, history, changedInitializers, learningRate, "");
    }

    public enum Status {
        COMPLETED, STOPPED_EARLY, CANCELLED
    }

    /**
     * Numbers of one epoch.
     *
     * @param macroAuc validation macro AUC (NaN when it cannot be computed)
     * @param criterion the selection criterion smoothed over neighbouring epochs, as known when the run
     *     ended (higher is better; the loss criterion is the negated loss)
     */
    public record EpochStats(int epoch, double trainLoss, double validationLoss, double f1Macro, double f1Weighted,
            double learningRate, double seconds, double macroAuc, double criterion) {

        public EpochStats(int epoch, double trainLoss, double validationLoss, double f1Macro, double f1Weighted,
                double learningRate, double seconds) {
            this(epoch, trainLoss, validationLoss, f1Macro, f1Weighted, learningRate, seconds, Double.NaN, Double.NaN);
        }
    }

    /** The statistics of the kept epoch. */
    public EpochStats best() {
        return history.stream().filter(e -> e.epoch() == bestEpoch).findFirst().orElse(null);
    }
}
