package org.exchangeai.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.exchangeai.core.onnx.Tensor;

/**
 * XceptionTime written directly with DJL array operations, layer by layer, as one would without a graph
 * interpreter: the same network {@link org.exchangeai.core.zoo.XceptionTime#build} describes (4 Xception
 * modules of 16/32/64/128 filters with kernels 39/19/9 and a max-pool branch, residual 1×1 convolution +
 * BatchNormalization after modules 2 and 4, average pooling to 50 steps, three 1×1 convolution blocks with
 * BatchNormalization and ReLU, global average pooling). Weights and running statistics are copied from
 * tensors named as the zoo graph names its initializers, so both implementations can start from identical
 * values. It is the baseline of {@link InterpreterOverheadBench}.
 */
public final class XceptionTimeByHand implements AutoCloseable {

    private static final int[] KERNELS = {39, 19, 9};
    private static final int FILTERS = 16;
    private static final int POOLED_STEPS = 50;
    private static final float BN_MOMENTUM = 0.9f;
    private static final float BN_EPSILON = 1e-5f;

    private static final Shape ONE = new Shape(1);
    private static final Shape NO_PAD = new Shape(0);

    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> statistics = new LinkedHashMap<>();
    private final int samples;
    private final Shape[] kernelPads = new Shape[KERNELS.length];
    private boolean training;
    private boolean releaseEarly;

    /**
     * @param state every weight, BatchNormalization scale/bias and running mean/variance, by the zoo
     *        graph's names (e.g. {@code GraphModule.state()}); parameters keep the order given
     * @param samples input length (a multiple of 50)
     */
    public XceptionTimeByHand(Map<String, Tensor> state, int samples, NDManager parent) {
        this.manager = parent.newSubManager();
        this.samples = samples;
        for (int k = 0; k < KERNELS.length; k++) {
            kernelPads[k] = new Shape(KERNELS[k] / 2);
        }
        for (Tensor t : state.values()) {
            NDArray a = manager.create(t.floats(), new Shape(t.dims()));
            if (t.name().endsWith(".running_mean") || t.name().endsWith(".running_var")) {
                statistics.put(t.name(), a);
            } else {
                a.setRequiresGradient(true);
                parameters.put(t.name(), a);
            }
        }
    }

    /** Trainable arrays in the order of the state they were made from (for the optimizer). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    public long parameterCount() {
        return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    public void setTraining(boolean training) {
        this.training = training;
    }

    /**
     * Whether {@link #forward} closes each intermediate array as soon as it is no longer needed, as
     * {@link org.exchangeai.core.train.GraphModule} does (autograd keeps its own reference to what backward
     * needs); otherwise they live until the caller's scope closes.
     */
    public void setReleaseEarly(boolean releaseEarly) {
        this.releaseEarly = releaseEarly;
    }

    /** [N, leads, samples] → [N, classes] logits. */
    public NDArray forward(NDArray input) {
        NDArray x = input;
        NDArray residual = input;
        for (int d = 0; d < 4; d++) {
            String p = "xception." + d;
            NDArray bottleneck = conv(x, p + ".bottleneck", 1, NO_PAD);
            NDList branches = new NDList(4);
            for (int k = 0; k < KERNELS.length; k++) {
                String c = p + ".convs." + k;
                NDArray dw = conv(bottleneck, c + ".depthwise", FILTERS << d, kernelPads[k]);
                branches.add(conv(dw, c + ".pointwise", 1, NO_PAD));
                release(dw);
            }
            release(bottleneck);
            NDArray pooled = Pool.maxPool1d(x, new Shape(3), ONE, ONE, false);
            branches.add(conv(pooled, p + ".maxconvpool.1", 1, NO_PAD));
            release(pooled);
            NDArray joined = NDArrays.concat(branches, 1);
            branches.forEach(this::release);
            if (x != residual) {
                release(x);
            }
            x = joined;
            if (d % 2 == 1) {
                String s = "shortcut." + (d / 2);
                NDArray projected = conv(residual, s + ".0", 1, NO_PAD);
                NDArray shortcut = batchNorm(projected, s + ".1");
                release(projected);
                NDArray sum = x.add(shortcut);
                release(shortcut);
                release(x);
                x = Activation.relu(sum);
                release(sum);
                if (residual != input) {
                    release(residual);
                }
                residual = x;
            }
        }
        Shape window = new Shape(samples / POOLED_STEPS);
        NDArray pooled = Pool.avgPool1d(x, window, window, NO_PAD, false, true);
        release(x);
        x = pooled;
        for (int i = 1; i <= 3; i++) {
            String h = "head." + i;
            NDArray conv = conv(x, h + ".0", 1, NO_PAD);
            release(x);
            NDArray normed = batchNorm(conv, h + ".1");
            release(conv);
            x = Activation.relu(normed);
            release(normed);
        }
        NDArray out = x.mean(new int[] {2});
        release(x);
        return out;
    }

    private void release(NDArray a) {
        if (releaseEarly) {
            a.close();
        }
    }

    private NDArray conv(NDArray x, String name, int groups, Shape padding) {
        return Conv1d.conv1d(x, parameters.get(name + ".weight"), null, ONE, padding, ONE, groups).singletonOrThrow();
    }

    /** Training: batch statistics, running statistics updated in place (running = 0.9 running + 0.1 batch). */
    private NDArray batchNorm(NDArray x, String name) {
        return BatchNorm.batchNorm(x, statistics.get(name + ".running_mean"), statistics.get(name + ".running_var"),
                parameters.get(name + ".weight"), parameters.get(name + ".bias"), 1, BN_MOMENTUM, BN_EPSILON, training)
                .singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
