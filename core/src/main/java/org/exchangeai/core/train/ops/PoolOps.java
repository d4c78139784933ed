package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.stream.IntStream;

/** MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool over the spatial axes of [N, C, ...]. */
final class PoolOps {

    private PoolOps() {
    }

    static void register(OpRegistry r) {
        r.register("MaxPool", PoolOps::maxPool, (node, a, opset) -> {
            if (a.getInt("storage_order", 0) != 0) {
                throw new OpException(node, "storage_order=1 is not supported");
            }
            if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
                throw new OpException(node, "the Indices output is not supported");
            }
            requireKernel(node, a);
        });
        r.register("AveragePool", PoolOps::averagePool, (node, a, opset) -> {
            requireKernel(node, a);
            // ONNX Runtime and libtorch divide a last window that overhangs the input differently
            if (a.getInt("ceil_mode", 0) != 0) {
                throw new OpException(node, "ceil_mode=1 is not supported for AveragePool");
            }
        });
        r.register("GlobalAveragePool", c -> new NDArray[] {MathOps.mean(c.input(0), spatialAxes(c.input(0)), true)});
        r.register("GlobalMaxPool", c -> new NDArray[] {MathOps.max(c.input(0), spatialAxes(c.input(0)), true)});
    }

    private static void requireKernel(org.exchangeai.core.onnx.proto.Onnx.NodeProto node, Attributes a) {
        if (a.getInts("kernel_shape") == null) {
            throw new OpException(node, "attribute kernel_shape is required");
        }
    }

    static int[] spatialAxes(NDArray x) {
        return IntStream.range(2, x.getShape().dimension()).toArray();
    }

    static NDArray[] maxPool(OpContext c) {
        NDArray x = c.input(0);
        Windows win = Windows.of(c, c.attributes().getInts("kernel_shape"), x.getShape());
        if (!win.unitDilation()) {
            throw c.error("dilations other than 1 are not supported for MaxPool");
        }
        boolean ceil = c.attributes().getInt("ceil_mode", 0) != 0;
        NDArray in = x;
        Shape padding = win.symmetricPadding();
        if (!win.symmetric()) {
            in = win.padExplicitly(x, Double.NEGATIVE_INFINITY);
            padding = new Shape(new long[win.spatial()]);
        }
        return new NDArray[] {in.getNDArrayInternal().maxPool(win.kernelShape(), win.strideShape(), padding, ceil)};
    }

    static NDArray[] averagePool(OpContext c) {
        NDArray x = c.input(0);
        Windows win = Windows.of(c, c.attributes().getInts("kernel_shape"), x.getShape());
        if (!win.unitDilation()) {
            throw c.error("dilations other than 1 are not supported for AveragePool");
        }
        boolean includePad = c.attributes().getInt("count_include_pad", 0) != 0;
        Shape none = new Shape(new long[win.spatial()]);
        boolean padded = java.util.Arrays.stream(win.pads).anyMatch(p -> p != 0);
        if (!padded) {
            return new NDArray[] {x.getNDArrayInternal().avgPool(win.kernelShape(), win.strideShape(), none, false, true)};
        }
        // pad explicitly with zeros so every window is full; then either divide by the kernel size
        // (count_include_pad=1) or by the number of real elements, which a mask of ones pooled the same
        // way counts (count_include_pad=0). This does not rely on libtorch's own padding flags.
        NDArray sum = win.padExplicitly(x, 0.0).getNDArrayInternal()
                .avgPool(win.kernelShape(), win.strideShape(), none, false, true);
        if (includePad) {
            return new NDArray[] {sum};
        }
        long[] maskShape = x.getShape().getShape().clone();
        maskShape[0] = 1;
        maskShape[1] = 1;
        NDArray share = win.padExplicitly(c.manager().ones(new Shape(maskShape)), 0.0).getNDArrayInternal()
                .avgPool(win.kernelShape(), win.strideShape(), none, false, true);
        return new NDArray[] {sum.div(share)};
    }
}
