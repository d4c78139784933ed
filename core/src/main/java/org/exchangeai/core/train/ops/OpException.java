package org.exchangeai.core.train.ops;

import org.exchangeai.core.onnx.proto.Onnx.NodeProto;

/** A node cannot be interpreted: unsupported operator, attribute or input. The message names the node. */
public class OpException extends RuntimeException {

    public OpException(String message) {
        super(message);
    }

    public OpException(NodeProto node, String problem) {
        super(describe(node) + ": " + problem);
    }

    /** "op 'Conv' (node '/block/conv')" — how messages name a node. */
    public static String describe(NodeProto node) {
        String name = node.getName().isEmpty() ? "<unnamed, output " + (node.getOutputCount() > 0 ? node.getOutput(0) : "?") + ">" : node.getName();
        return "op '" + node.getOpType() + "' (node '" + name + "')";
    }
}
