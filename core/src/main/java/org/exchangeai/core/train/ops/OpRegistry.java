package org.exchangeai.core.train.ops;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;

/** Operator name → kernel, plus an optional build-time check of each node's attributes. */
public final class OpRegistry {

    /** Rejects, when the module is built, a node whose attributes the kernel cannot honour. */
    @FunctionalInterface
    public interface Check {
        void check(NodeProto node, Attributes attributes, long opset);
    }

    private record Entry(Kernel kernel, Check check) {
    }

    private final Map<String, Entry> ops = new TreeMap<>();

    /** The operators of the default ONNX domain this project interprets. */
    public static OpRegistry standard() {
        OpRegistry r = new OpRegistry();
        ConvOps.register(r);
        PoolOps.register(r);
        NormOps.register(r);
        ActivationOps.register(r);
        MathOps.register(r);
        ShapeOps.register(r);
        return r;
    }

    public void register(String opType, Kernel kernel) {
        register(opType, kernel, (n, a, o) -> { });
    }

    public void register(String opType, Kernel kernel, Check check) {
        ops.put(opType, new Entry(kernel, check));
    }

    public boolean supports(String opType) {
        return ops.containsKey(opType);
    }

    public Set<String> operators() {
        return ops.keySet();
    }

    /**
     * The kernel for a node, after checking its domain and attributes.
     *
     * @throws OpException naming the op and node when it cannot be interpreted
     */
    public Kernel resolve(NodeProto node, Attributes attributes, long opset) {
        String domain = node.getDomain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            throw new OpException(node, "operator domain '" + domain + "' is not supported");
        }
        Entry e = ops.get(node.getOpType());
        if (e == null) {
            throw new OpException(node, "operator not supported by the training engine (supported: "
                    + String.join(", ", ops.keySet()) + ")");
        }
        e.check().check(node, attributes, opset);
        return e.kernel();
    }
}
