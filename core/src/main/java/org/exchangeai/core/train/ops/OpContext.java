package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;

/** What a kernel sees while running one node: its inputs, attributes, the mode and the opset. */
public final class OpContext {

    private final NodeProto node;
    private final Attributes attributes;
    private final NDArray[] inputs;
    private final boolean training;
    private final long opset;
    private final NDManager manager;

    public OpContext(NodeProto node, Attributes attributes, NDArray[] inputs, boolean training, long opset,
            NDManager manager) {
        this.node = node;
        this.attributes = attributes;
        this.inputs = inputs;
        this.training = training;
        this.opset = opset;
        this.manager = manager;
    }

    public NodeProto node() {
        return node;
    }

    public Attributes attributes() {
        return attributes;
    }

    /** True while training: BatchNormalization uses batch statistics, Dropout drops. */
    public boolean training() {
        return training;
    }

    /** The model's default-domain opset version (decides attribute-versus-input forms). */
    public long opset() {
        return opset;
    }

    /** Manager for arrays created from scratch (constants, shapes). */
    public NDManager manager() {
        return manager;
    }

    public int inputCount() {
        return inputs.length;
    }

    /** A required input. */
    public NDArray input(int index) {
        NDArray a = optionalInput(index);
        if (a == null) {
            throw error("input " + index + " is required but missing");
        }
        return a;
    }

    /** An optional input; {@code null} when absent or given as the empty name. */
    public NDArray optionalInput(int index) {
        return index < inputs.length ? inputs[index] : null;
    }

    /** An integer input (int64 or int32) as Java longs; {@code null} when absent. */
    public long[] longs(int index) {
        NDArray a = optionalInput(index);
        if (a == null) {
            return null;
        }
        if (a.getDataType() == DataType.INT64) {
            return a.toLongArray();
        }
        if (a.getDataType() == DataType.INT32) {
            int[] v = a.toIntArray();
            long[] out = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i];
            }
            return out;
        }
        throw error("input " + index + " must be an integer tensor, is " + a.getDataType());
    }

    /** A float scalar input; {@code fallback} when absent. */
    public float scalar(int index, float fallback) {
        NDArray a = optionalInput(index);
        return a == null ? fallback : a.toType(DataType.FLOAT32, false).toFloatArray()[0];
    }

    public int outputCount() {
        return node.getOutputCount();
    }

    /** Whether output {@code index} is requested (exists and has a non-empty name). */
    public boolean wantsOutput(int index) {
        return index < node.getOutputCount() && !node.getOutput(index).isEmpty();
    }

    public OpException error(String problem) {
        return new OpException(node, problem);
    }

    /** Normalises a possibly negative axis against a rank. */
    public int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw error("axis " + axis + " out of range for rank " + rank);
        }
        return (int) a;
    }
}
