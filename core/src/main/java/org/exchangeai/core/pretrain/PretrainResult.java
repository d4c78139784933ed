package org.exchangeai.core.pretrain;

import java.util.List;
import org.exchangeai.core.onnx.OnnxGraph;

/**
 * The outcome of a pretraining run.
 *
 * @param encoder the exported model (the best epoch when a validation score chose one, else the last), or
 *     {@code null} when cancelled
 * @param chosenEpoch the epoch whose weights {@code encoder} holds
 */
public record PretrainResult(Status status, OnnxGraph encoder, int chosenEpoch, List<Epoch> history,
        int unusable) {

    public enum Status { COMPLETED, CANCELLED }

    /**
     * One epoch.
     *
     * @param loss mean training loss
     * @param contrastiveLoss mean NT-Xent part (NaN when not used)
     * @param supervisedLoss mean binary cross-entropy part (NaN when not used)
     * @param validationAuc validation macro AUC (NaN when not measured)
     * @param validationLoss validation contrastive loss (NaN when not measured)
     * @param recordingsPerSecond training throughput in this epoch
     */
    public record Epoch(int epoch, double loss, double contrastiveLoss, double supervisedLoss, double validationAuc,
            double validationLoss, double learningRate, double recordingsPerSecond, double seconds) {
    }
}
