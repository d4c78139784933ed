package org.exchangeai.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Loss functions on logits, matching PyTorch's definitions so losses compare with the original platform. */
public final class Losses {

    private Losses() {
    }

    /**
     * Class-weighted cross-entropy (torch.nn.CrossEntropyLoss with {@code weight}, mean reduction):
     * sum_i w[y_i] * -log softmax(x_i)[y_i] / sum_i w[y_i].
     *
     * @param logits [N, K]
     * @param labels [N] int64 class indices
     * @param weights [K] class weights, or {@code null} for equal weights
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, NDArray weights) {
        NDArray logp = logits.logSoftmax(1);
        NDArray picked = logp.gather(labels.reshape(new Shape(labels.getShape().get(0), 1)), 1).reshape(-1);
        if (weights == null) {
            return picked.mean().neg();
        }
        NDArray w = weights.gather(labels, 0);
        return picked.mul(w).sum().neg().div(w.sum());
    }

    /**
     * Binary cross-entropy on logits for multi-label targets (torch.nn.BCEWithLogitsLoss, mean over all
     * elements), computed in the numerically stable form max(x, 0) - x*y + log(1 + exp(-|x|)).
     *
     * @param logits [N, K]
     * @param targets [N, K] of 0/1 floats
     * @param positiveWeights [K] weight of the positive term per class ({@code pos_weight}), or {@code null}
     */
    public static NDArray binaryCrossEntropy(NDArray logits, NDArray targets, NDArray positiveWeights) {
        // log(1 + exp(-|x|)) + max(x, 0) is softplus(x); loss = softplus(x) - x*y, and with pos_weight p:
        // (1 - y) * x + (1 + (p - 1) * y) * softplus(-x)
        NDArray softplusNeg = logits.neg().maximum(0).add(logits.abs().neg().exp().add(1).log());
        NDArray loss;
        if (positiveWeights == null) {
            loss = logits.mul(targets.neg().add(1)).add(softplusNeg);
        } else {
            NDArray scale = targets.mul(positiveWeights.sub(1)).add(1);
            loss = logits.mul(targets.neg().add(1)).add(softplusNeg.mul(scale));
        }
        return loss.mean();
    }
}
