package org.exchangeai.core.train.ops;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx.AttributeProto;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;

/** Typed access to a node's attributes, with the ONNX defaults supplied by the caller. */
public final class Attributes {

    private final String where;
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();

    public Attributes(NodeProto node) {
        this.where = OpException.describe(node);
        for (AttributeProto a : node.getAttributeList()) {
            byName.put(a.getName(), a);
        }
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public long getInt(String name, long fallback) {
        AttributeProto a = byName.get(name);
        return a == null ? fallback : a.getI();
    }

    public float getFloat(String name, float fallback) {
        AttributeProto a = byName.get(name);
        return a == null ? fallback : a.getF();
    }

    public String getString(String name, String fallback) {
        AttributeProto a = byName.get(name);
        return a == null ? fallback : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** The ints of a list attribute, or {@code null} when absent. */
    public long[] getInts(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public float[] getFloats(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        List<Float> f = a.getFloatsList();
        float[] out = new float[f.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.get(i);
        }
        return out;
    }

    public Tensor getTensor(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        try {
            return Tensor.fromProto(a.getT());
        } catch (IllegalArgumentException e) {
            throw new OpException(where + ": attribute '" + name + "': " + e.getMessage());
        }
    }

    /** Names of all attributes present. */
    public java.util.Set<String> names() {
        return byName.keySet();
    }
}
