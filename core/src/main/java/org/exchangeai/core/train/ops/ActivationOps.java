package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Element-wise activations and Softmax. */
final class ActivationOps {

    private static final double SQRT_2 = Math.sqrt(2.0);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private ActivationOps() {
    }

    static void register(OpRegistry r) {
        r.register("Relu", c -> new NDArray[] {Activation.relu(c.input(0))});
        r.register("LeakyRelu", c -> new NDArray[] {
            Activation.leakyRelu(c.input(0), c.attributes().getFloat("alpha", 0.01f))});
        r.register("Sigmoid", c -> new NDArray[] {Activation.sigmoid(c.input(0))});
        r.register("Tanh", c -> new NDArray[] {c.input(0).tanh()});
        r.register("Elu", c -> new NDArray[] {Activation.elu(c.input(0), c.attributes().getFloat("alpha", 1f))});
        r.register("Gelu", ActivationOps::gelu, (node, a, opset) -> {
            String mode = a.getString("approximate", "none");
            if (!mode.equals("none") && !mode.equals("tanh")) {
                throw new OpException(node, "approximate='" + mode + "' is not known");
            }
        });
        r.register("Softmax", ActivationOps::softmax);
    }

    static NDArray[] gelu(OpContext c) {
        NDArray x = c.input(0);
        if (c.attributes().getString("approximate", "none").equals("tanh")) {
            NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
            return new NDArray[] {x.mul(0.5).mul(inner.tanh().add(1))};
        }
        return new NDArray[] {x.mul(0.5).mul(x.div(SQRT_2).erf().add(1))};
    }

    /** Opset 13+: along one axis (default -1). Before: over all axes from {@code axis} on (default 1). */
    static NDArray[] softmax(OpContext c) {
        NDArray x = c.input(0);
        int rank = x.getShape().dimension();
        if (c.opset() >= 13) {
            return new NDArray[] {x.softmax(c.axis(c.attributes().getInt("axis", -1), rank))};
        }
        int axis = c.axis(c.attributes().getInt("axis", 1), rank);
        Shape s = x.getShape();
        long outer = s.slice(0, axis).size();
        NDArray flat = x.reshape(outer, s.size() / Math.max(outer, 1));
        return new NDArray[] {flat.softmax(1).reshape(s)};
    }
}
