package org.exchangeai.core.train;

import java.time.Duration;

/**
 * Progress of a training run. Loss and score fields are NaN where they do not apply (e.g. validation
 * numbers on a batch event).
 *
 * @param kind what happened
 * @param epoch 1-based epoch (0 before the first)
 * @param epochs maximum epochs
 * @param batch 1-based batch within the epoch (0 on epoch events)
 * @param batches batches per epoch
 * @param trainLoss mean training loss of the batch (batch events) or epoch (epoch events)
 * @param validationLoss mean validation loss
 * @param f1Macro validation F1, unweighted mean over classes
 * @param f1Weighted validation F1, mean weighted by class support
 * @param learningRate current learning rate
 * @param elapsed time since the start
 * @param eta estimated time left if all epochs run
 * @param message a human-readable line
 * @param macroAuc validation macro AUC (epoch events)
 * @param keptEpoch the epoch the run would keep if it ended now (epoch events; 0 otherwise)
 */
public record TrainingEvent(Kind kind, int epoch, int epochs, int batch, int batches, double trainLoss,
        double validationLoss, double f1Macro, double f1Weighted, double learningRate, Duration elapsed,
        Duration eta, String message, double macroAuc, int keptEpoch) {

    public TrainingEvent(Kind kind, int epoch, int epochs, int batch, int batches, double trainLoss,
            double validationLoss, double f1Macro, double f1Weighted, double learningRate, Duration elapsed,
            Duration eta, String message) {
        this(kind, epoch, epochs, batch, batches, trainLoss, validationLoss, f1Macro, f1Weighted, learningRate, elapsed,
                eta, message, Double.NaN, 0);
    }

    public enum Kind {
        STARTED, LEARNING_RATE_FOUND, BATCH, EPOCH, NEW_BEST, EARLY_STOP, CANCELLED, FINISHED
    }
}
