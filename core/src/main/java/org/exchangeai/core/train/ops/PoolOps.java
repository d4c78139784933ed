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
        r.register("AveragePool", PoolOps::averagePool, (node, a, opset) -> requireKernel(node, a));
        r.register("GlobalAveragePool", c -> new NDArray[] {c.input(0).mean(spatialAxes(c.input(0)), true)});
        r.register("GlobalMaxPool", c -> new NDArray[] {c.input(0).max(spatialAxes(c.input(0)), true)});
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
        boolean ceil = c.attributes().getInt("ceil_mode", 0) != 0;
        boolean includePad = c.attributes().getInt("count_include_pad", 0) != 0;
        NDArray in = x;
        Shape padding = win.symmetricPadding();
        if (!win.symmetric()) {
            if (!includePad) {
                throw c.error("unequal begin/end pads with count_include_pad=0 are not supported");
            }
            in = win.padExplicitly(x, 0.0);
            padding = new Shape(new long[win.spatial()]);
        }
        return new NDArray[] {
            in.getNDArrayInternal().avgPool(win.kernelShape(), win.strideShape(), padding, ceil, includePad)};
    }
}
