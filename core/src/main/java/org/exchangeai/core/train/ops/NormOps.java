package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * BatchNormalization and Dropout. Both follow the module's mode, not the graph's
 * {@code training_mode}: in inference BatchNormalization always normalises with the running
 * statistics and Dropout passes through, so a model exported with {@code training_mode=1} still
 * predicts one recording independently of the rest of its batch.
 */
final class NormOps {

    private NormOps() {
    }

    static void register(OpRegistry r) {
        r.register("BatchNormalization", NormOps::batchNorm, (node, a, opset) -> {
            if (node.getInputCount() < 5) {
                throw new OpException(node, "needs 5 inputs (X, scale, B, mean, var), has " + node.getInputCount());
            }
        });
        r.register("Dropout", NormOps::dropout, (node, a, opset) -> {
            if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
                throw new OpException(node, "the mask output is not supported");
            }
        });
    }

    /**
     * Y = scale * (X - mean) / sqrt(var + epsilon) + B over axis 1. In training the batch statistics are
     * used and the running statistics (inputs 3 and 4, updated in place) move towards them:
     * running = running * momentum + batch * (1 - momentum), ONNX's convention, which is also DJL's
     * (it hands 1 - momentum to libtorch); the running variance takes the unbiased batch variance, as
     * PyTorch does.
     */
    static NDArray[] batchNorm(OpContext c) {
        NDArray x = c.input(0);
        NDArray scale = c.input(1);
        NDArray bias = c.input(2);
        NDArray mean = c.input(3);
        NDArray var = c.input(4);
        float eps = c.attributes().getFloat("epsilon", 1e-5f);
        float momentum = c.attributes().getFloat("momentum", 0.9f);
        if (c.training() && x.getShape().size() / x.getShape().get(1) < 2) {
            throw c.error("training needs more than one value per channel; use a batch size of at least 2");
        }
        NDArray y = x.getNDArrayInternal()
                .batchNorm(x, mean, var, scale, bias, 1, momentum, eps, c.training())
                .singletonOrThrow();
        return new NDArray[] {y, mean, var};
    }

    static NDArray[] dropout(OpContext c) {
        NDArray x = c.input(0);
        float ratio = c.opset() < 12 ? c.attributes().getFloat("ratio", 0.5f) : c.scalar(1, 0.5f);
        if (!c.training() || ratio == 0f) {
            return new NDArray[] {x};
        }
        return new NDArray[] {Dropout.dropout(x, ratio, true).singletonOrThrow()};
    }
}
