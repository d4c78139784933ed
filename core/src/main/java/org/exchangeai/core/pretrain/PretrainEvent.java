package org.exchangeai.core.pretrain;

import java.time.Duration;

/**
 * Progress of a pretraining run.
 *
 * @param recordings recordings seen so far in this epoch
 * @param epochRecordings recordings in an epoch
 * @param loss loss of the last batch (BATCH) or the epoch's mean (EPOCH)
 * @param validation validation macro AUC (supervised) or contrastive loss (self-supervised), NaN when none
 * @param recordingsPerSecond training throughput of this run so far
 */
public record PretrainEvent(Kind kind, int epoch, int epochs, int recordings, int epochRecordings, double loss,
        double validation, double recordingsPerSecond, Duration elapsed, Duration eta, String message) {

    public enum Kind { STARTED, BATCH, EPOCH, NEW_BEST, CHECKPOINT, WARNING, CANCELLED, FINISHED }
}
