package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.BinaryOperator;
import java.util.stream.IntStream;

/** Broadcasting arithmetic, Gemm, MatMul and ReduceMean. */
final class MathOps {

    private MathOps() {
    }

    static void register(OpRegistry r) {
        r.register("Add", c -> binary(c, NDArray::add));
        r.register("Sub", c -> binary(c, NDArray::sub));
        r.register("Mul", c -> binary(c, NDArray::mul));
        r.register("Div", MathOps::div);
        r.register("MatMul", c -> new NDArray[] {c.input(0).matMul(c.input(1))});
        r.register("Gemm", MathOps::gemm);
        r.register("ReduceMean", MathOps::reduceMean);
    }

    private static NDArray[] binary(OpContext c, BinaryOperator<NDArray> op) {
        NDArray a = c.input(0);
        NDArray b = c.input(1);
        if (a.getDataType() != b.getDataType()) {
            throw c.error("operand types differ: " + a.getDataType() + " and " + b.getDataType());
        }
        return new NDArray[] {op.apply(a, b)};
    }

    /** Integer division truncates towards zero, as ONNX defines for integer tensors. */
    private static NDArray[] div(OpContext c) {
        NDArray a = c.input(0);
        NDArray b = c.input(1);
        if (a.getDataType().isInteger() && b.getDataType().isInteger()) {
            DataType t = a.getDataType();
            return new NDArray[] {a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).trunc()
                    .toType(t, false)};
        }
        return binary(c, NDArray::div);
    }

    /** Y = alpha * A' * B' + beta * C. */
    private static NDArray[] gemm(OpContext c) {
        Attributes at = c.attributes();
        NDArray a = c.input(0);
        NDArray b = c.input(1);
        NDArray bias = c.optionalInput(2);
        if (at.getInt("transA", 0) != 0) {
            a = a.transpose();
        }
        if (at.getInt("transB", 0) != 0) {
            b = b.transpose();
        }
        float alpha = at.getFloat("alpha", 1f);
        float beta = at.getFloat("beta", 1f);
        NDArray y = a.matMul(b);
        if (alpha != 1f) {
            y = y.mul(alpha);
        }
        if (bias != null && beta != 0f) {
            y = y.add(beta == 1f ? bias : bias.mul(beta));
        }
        return new NDArray[] {y};
    }

    /** Axes from the attribute (opset &lt; 18) or the second input (18+); none means all axes. */
    private static NDArray[] reduceMean(OpContext c) {
        NDArray x = c.input(0);
        int rank = x.getShape().dimension();
        boolean keep = c.attributes().getInt("keepdims", 1) != 0;
        long[] axes = c.opset() >= 18 ? c.longs(1) : c.attributes().getInts("axes");
        if (axes == null || axes.length == 0) {
            if (c.attributes().getInt("noop_with_empty_axes", 0) != 0) {
                return new NDArray[] {x};
            }
            axes = IntStream.range(0, rank).asLongStream().toArray();
        }
        int[] norm = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            norm[i] = c.axis(axes[i], rank);
        }
        return new NDArray[] {mean(x, norm, keep)};
    }

    /** Maximum over several axes, one axis per call. */
    static NDArray max(NDArray x, int[] axes, boolean keep) {
        int[] sorted = java.util.Arrays.stream(axes).distinct().sorted().toArray();
        NDArray y = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            y = y.max(new int[] {sorted[i]}, true);
        }
        return keep ? y : y.squeeze(sorted);
    }

    /** Mean over several axes (the libtorch binding reduces one axis per call). */
    static NDArray mean(NDArray x, int[] axes, boolean keep) {
        int[] sorted = java.util.Arrays.stream(axes).distinct().sorted().toArray();
        NDArray y = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            y = y.mean(new int[] {sorted[i]}, true);
        }
        return keep ? y : y.squeeze(sorted);
    }
}
