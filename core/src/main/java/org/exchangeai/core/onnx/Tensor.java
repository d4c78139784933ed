package org.exchangeai.core.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.exchangeai.core.onnx.proto.Onnx.TensorProto;

/**
 * A dense constant tensor of an ONNX graph: float32 or int64 elements, row-major, with its dims.
 * Other element types are rejected with a message naming the tensor, because the training engine
 * only works with these two.
 */
public final class Tensor {

    /** Element types this class holds. */
    public enum Type {
        FLOAT(TensorProto.DataType.FLOAT_VALUE), INT64(TensorProto.DataType.INT64_VALUE);

        final int onnxCode;

        Type(int onnxCode) {
            this.onnxCode = onnxCode;
        }
    }

    private final String name;
    private final long[] dims;
    private final float[] floats;
    private final long[] longs;

    private Tensor(String name, long[] dims, float[] floats, long[] longs) {
        this.name = name;
        this.dims = dims.clone();
        this.floats = floats;
        this.longs = longs;
        long count = elementCount(dims);
        long have = floats != null ? floats.length : longs.length;
        if (count != have) {
            throw new IllegalArgumentException("tensor '" + name + "': dims " + Arrays.toString(dims)
                    + " need " + count + " elements, got " + have);
        }
    }

    public static Tensor ofFloats(String name, long[] dims, float[] values) {
        return new Tensor(name, dims, values.clone(), null);
    }

    public static Tensor ofLongs(String name, long[] dims, long[] values) {
        return new Tensor(name, dims, null, values.clone());
    }

    /** Product of the dims; 1 for a scalar. */
    public static long elementCount(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Whether a protobuf tensor holds elements this class can decode (float32 or int64, data inside the file). */
    public static boolean isSupported(TensorProto proto) {
        int type = proto.getDataType();
        return (type == Type.FLOAT.onnxCode || type == Type.INT64.onnxCode)
                && proto.getDataLocation() != TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * Decodes a protobuf tensor. Elements come from {@code raw_data} (little-endian) when present,
     * else from {@code float_data} / {@code int64_data}.
     *
     * @throws IllegalArgumentException for other element types, external data or a size mismatch
     */
    public static Tensor fromProto(TensorProto proto) {
        String name = proto.getName();
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL || proto.getExternalDataCount() > 0) {
            throw new IllegalArgumentException("tensor '" + name
                    + "' keeps its data in an external file; save the model with embedded weights");
        }
        long[] dims = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = elementCount(dims);
        int type = proto.getDataType();
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "' has too many elements: " + count);
        }
        int n = (int) count;
        if (type == Type.FLOAT.onnxCode) {
            float[] values = new float[n];
            if (proto.hasRawData()) {
                checkRawSize(name, proto.getRawData(), (long) n * Float.BYTES);
                proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            } else {
                checkCount(name, proto.getFloatDataCount(), n);
                for (int i = 0; i < n; i++) {
                    values[i] = proto.getFloatData(i);
                }
            }
            return new Tensor(name, dims, values, null);
        }
        if (type == Type.INT64.onnxCode) {
            long[] values = new long[n];
            if (proto.hasRawData()) {
                checkRawSize(name, proto.getRawData(), (long) n * Long.BYTES);
                proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
            } else {
                checkCount(name, proto.getInt64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    values[i] = proto.getInt64Data(i);
                }
            }
            return new Tensor(name, dims, null, values);
        }
        throw new IllegalArgumentException("tensor '" + name + "' has element type " + dataTypeName(type)
                + "; only FLOAT and INT64 tensors are supported");
    }

    private static void checkRawSize(String name, ByteString raw, long expected) {
        if (raw.size() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': raw_data holds " + raw.size()
                    + " bytes, dims need " + expected);
        }
    }

    private static void checkCount(String name, int have, int expected) {
        if (have != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + have + " values stored, dims need " + expected);
        }
    }

    static String dataTypeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null ? "code " + code : t.name();
    }

    /** Encodes as a protobuf tensor with little-endian {@code raw_data}. */
    public TensorProto toProto() {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type().onnxCode);
        for (long d : dims) {
            b.addDims(d);
        }
        ByteBuffer buf;
        if (floats != null) {
            buf = ByteBuffer.allocate(floats.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(floats);
        } else {
            buf = ByteBuffer.allocate(longs.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(longs);
        }
        return b.setRawData(ByteString.copyFrom(buf.array())).build();
    }

    public String name() {
        return name;
    }

    public Type type() {
        return floats != null ? Type.FLOAT : Type.INT64;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** The float elements (a copy). */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor '" + name + "' holds INT64, not FLOAT");
        }
        return floats.clone();
    }

    /** The int64 elements (a copy). */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor '" + name + "' holds FLOAT, not INT64");
        }
        return longs.clone();
    }

    /** The same values under another name. */
    public Tensor renamed(String newName) {
        return new Tensor(newName, dims, floats, longs);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + type() + " " + Arrays.toString(dims) + "]";
    }
}
