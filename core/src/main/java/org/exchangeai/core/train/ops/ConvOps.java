package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** Conv (1-D, 2-D, 3-D; groups, dilations, strides, explicit or automatic padding). */
final class ConvOps {

    private ConvOps() {
    }

    static void register(OpRegistry r) {
        r.register("Conv", ConvOps::conv);
    }

    static NDArray[] conv(OpContext c) {
        NDArray x = c.input(0);
        NDArray w = c.input(1);
        NDArray b = c.optionalInput(2);
        Shape ws = w.getShape();
        long[] kernel = c.attributes().getInts("kernel_shape");
        if (kernel == null) {
            kernel = Arrays.copyOfRange(ws.getShape(), 2, ws.dimension());
        }
        int groups = (int) c.attributes().getInt("group", 1);
        Windows win = Windows.of(c, kernel, x.getShape());
        if (x.getShape().get(1) != ws.get(1) * groups) {
            throw c.error("input has " + x.getShape().get(1) + " channels, weight " + ws + " with group " + groups
                    + " expects " + ws.get(1) * groups);
        }
        NDArray in = x;
        Shape padding = win.symmetricPadding();
        if (!win.symmetric()) {
            in = win.padExplicitly(x, 0.0);
            padding = new Shape(new long[win.spatial()]);
        }
        NDArray y = x.getNDArrayInternal()
                .convolution(in, w, b, win.strideShape(), padding, win.dilationShape(), groups)
                .singletonOrThrow();
        return new NDArray[] {y};
    }
}
