package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Kernel, stride, dilation and padding of a sliding-window op (Conv, MaxPool, AveragePool), with
 * ONNX's {@code auto_pad} resolved against the actual input size.
 */
final class Windows {

    final long[] kernel;
    final long[] strides;
    final long[] dilations;
    /** begin pads then end pads, one per spatial axis */
    final long[] pads;

    private Windows(long[] kernel, long[] strides, long[] dilations, long[] pads) {
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.pads = pads;
    }

    /** Resolves the window of a node for an input of shape [N, C, spatial...]. */
    static Windows of(OpContext c, long[] kernelShape, Shape input) {
        Attributes a = c.attributes();
        int spatial = input.dimension() - 2;
        if (spatial < 1) {
            throw c.error("input must have at least 3 dimensions [N, C, ...], has shape " + input);
        }
        if (kernelShape.length != spatial) {
            throw c.error("kernel_shape " + Arrays.toString(kernelShape) + " does not fit input shape " + input);
        }
        long[] strides = orOnes(a.getInts("strides"), spatial);
        long[] dilations = orOnes(a.getInts("dilations"), spatial);
        String autoPad = a.getString("auto_pad", "NOTSET");
        long[] pads = new long[2 * spatial];
        switch (autoPad) {
            case "NOTSET" -> {
                long[] p = a.getInts("pads");
                if (p != null) {
                    if (p.length != 2 * spatial) {
                        throw c.error("pads " + Arrays.toString(p) + " need " + 2 * spatial + " values");
                    }
                    pads = p;
                }
            }
            case "VALID" -> { }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < spatial; i++) {
                    long in = input.get(i + 2);
                    long out = (in + strides[i] - 1) / strides[i];
                    long total = Math.max(0, (out - 1) * strides[i] + (kernelShape[i] - 1) * dilations[i] + 1 - in);
                    long small = total / 2;
                    long large = total - small;
                    pads[i] = autoPad.equals("SAME_UPPER") ? small : large;
                    pads[i + spatial] = autoPad.equals("SAME_UPPER") ? large : small;
                }
            }
            default -> throw c.error("auto_pad '" + autoPad + "' is not a known value");
        }
        return new Windows(kernelShape.clone(), strides, dilations, pads);
    }

    private static long[] orOnes(long[] v, int n) {
        if (v != null) {
            return v;
        }
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    int spatial() {
        return kernel.length;
    }

    boolean symmetric() {
        for (int i = 0; i < spatial(); i++) {
            if (pads[i] != pads[i + spatial()]) {
                return false;
            }
        }
        return true;
    }

    /** Symmetric padding per axis (the begin pads). */
    Shape symmetricPadding() {
        return new Shape(Arrays.copyOf(pads, spatial()));
    }

    /**
     * Pads the input explicitly with {@code value} (used when begin and end pads differ, which the
     * libtorch kernels cannot express) and returns it; the window then runs without padding.
     */
    NDArray padExplicitly(NDArray x, double value) {
        int s = spatial();
        // constant_pad_nd order: last axis first, (begin, end) per axis
        long[] p = new long[2 * s];
        for (int i = 0; i < s; i++) {
            int axis = s - 1 - i;
            p[2 * i] = pads[axis];
            p[2 * i + 1] = pads[axis + s];
        }
        return x.pad(new Shape(p), value);
    }

    Shape kernelShape() {
        return new Shape(kernel);
    }

    Shape strideShape() {
        return new Shape(strides);
    }

    Shape dilationShape() {
        return new Shape(dilations);
    }

    boolean unitDilation() {
        return Arrays.stream(dilations).allMatch(d -> d == 1);
    }
}
