package org.exchangeai.core.zoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.PythonLiterals;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx;

/**
 * Assembles a 1-D convolutional classifier as an ONNX graph with freshly initialised weights:
 * convolution and linear weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's default
 * layer initialisation), BatchNormalization scale 1, bias 0, running mean 0, variance 1. Input
 * {@code arg0} [batch, channels, samples], output {@code self_1_1} [batch, classes] logits — the names
 * the original platform's exports use.
 */
final class GraphBuilder {

    static final String INPUT = "arg0";
    static final String OUTPUT = "self_1_1";
    static final long OPSET = 17;
    static final long IR_VERSION = 8;

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Random random;
    private final Map<String, Integer> names = new LinkedHashMap<>();

    GraphBuilder(String name, int channels, Integer samples, long seed) {
        this.random = new Random(seed);
        graph.setName(name);
        graph.addInput(valueInfo(INPUT, channels, samples));
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long channels, Integer last) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(channels));
        if (last != null) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(last));
        } else {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("samples"));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private String unique(String base) {
        int n = names.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "_" + n;
    }

    private Onnx.NodeProto.Builder node(String op, String name, String... inputs) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name + "_output");
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static Onnx.AttributeProto floatAttr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private String emit(Onnx.NodeProto.Builder n) {
        graph.addNode(n);
        return n.getOutput(0);
    }

    private String initializer(String name, long[] dims, float[] values) {
        graph.addInitializer(Tensor.ofFloats(name, dims, values).toProto());
        return name;
    }

    private float[] uniform(int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** 1-D convolution, stride 1, "same" padding for odd kernels. */
    String conv(String x, String name, int in, int out, int kernel, int groups, boolean bias) {
        String n = unique(name);
        int fanIn = in / groups * kernel;
        double bound = 1 / Math.sqrt(fanIn);
        String w = initializer(n + ".weight", new long[] {out, in / groups, kernel}, uniform(out * (in / groups) * kernel, bound));
        Onnx.NodeProto.Builder node = node("Conv", n, x, w);
        if (bias) {
            node.addInput(initializer(n + ".bias", new long[] {out}, uniform(out, bound)));
        }
        node.addAttribute(ints("kernel_shape", kernel)).addAttribute(ints("pads", kernel / 2, kernel / 2))
                .addAttribute(ints("strides", 1)).addAttribute(ints("dilations", 1)).addAttribute(intAttr("group", groups));
        return emit(node);
    }

    String batchNorm(String x, String name, int channels) {
        String n = unique(name);
        Onnx.NodeProto.Builder node = node("BatchNormalization", n, x,
                initializer(n + ".weight", new long[] {channels}, filled(channels, 1f)),
                initializer(n + ".bias", new long[] {channels}, new float[channels]),
                initializer(n + ".running_mean", new long[] {channels}, new float[channels]),
                initializer(n + ".running_var", new long[] {channels}, filled(channels, 1f)));
        node.addAttribute(floatAttr("epsilon", 1e-5f)).addAttribute(floatAttr("momentum", 0.9f))
                .addAttribute(intAttr("training_mode", 0));
        return emit(node);
    }

    String relu(String x, String name) {
        return emit(node("Relu", unique(name), x));
    }

    String maxPool(String x, String name, int kernel, int pad) {
        return emit(node("MaxPool", unique(name), x).addAttribute(ints("kernel_shape", kernel))
                .addAttribute(ints("pads", pad, pad)).addAttribute(ints("strides", 1)));
    }

    String averagePool(String x, String name, int kernel) {
        return emit(node("AveragePool", unique(name), x).addAttribute(ints("kernel_shape", kernel))
                .addAttribute(ints("strides", kernel)).addAttribute(ints("pads", 0, 0)));
    }

    String concat(List<String> xs, String name) {
        Onnx.NodeProto.Builder n = node("Concat", unique(name));
        xs.forEach(n::addInput);
        return emit(n.addAttribute(intAttr("axis", 1)));
    }

    String add(String a, String b, String name) {
        return emit(node("Add", unique(name), a, b));
    }

    String mul(String a, String b, String name) {
        return emit(node("Mul", unique(name), a, b));
    }

    String sigmoid(String x, String name) {
        return emit(node("Sigmoid", unique(name), x));
    }

    String globalAveragePool(String x, String name) {
        return emit(node("GlobalAveragePool", unique(name), x));
    }

    String globalMaxPool(String x, String name) {
        return emit(node("GlobalMaxPool", unique(name), x));
    }

    String flatten(String x, String name) {
        return emit(node("Flatten", unique(name), x).addAttribute(intAttr("axis", 1)));
    }

    /** y = x W^T + b with W [out, in] (PyTorch Linear layout). */
    String linear(String x, String name, int in, int out) {
        String n = unique(name);
        double bound = 1 / Math.sqrt(in);
        String w = initializer(n + ".weight", new long[] {out, in}, uniform(out * in, bound));
        String b = initializer(n + ".bias", new long[] {out}, uniform(out, bound));
        return emit(node("Gemm", n, x, w, b).addAttribute(intAttr("transB", 1)));
    }

    /** Renames the last value to the graph output and wraps everything in a model with metadata. */
    OnnxGraph build(String last, List<String> classes, String architecture, int samplingRate) {
        List<Onnx.NodeProto> nodes = new ArrayList<>(graph.getNodeList());
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto n = nodes.get(i);
            if (n.getOutput(0).equals(last)) {
                nodes.set(i, n.toBuilder().setOutput(0, OUTPUT).build());
            }
        }
        graph.clearNode().addAllNode(nodes);
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(classes.size()));
        graph.addOutput(Onnx.ValueInfoProto.newBuilder().setName(OUTPUT).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
        Onnx.ModelProto model = Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("ExChanGeAI")
                .setDomain("org.exchangeai.zoo")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("target_keys", PythonLiterals.stringList(classes));
        meta.put("standardizer", "None");
        meta.put("sampling_rate", Integer.toString(samplingRate));
        meta.put("scale", "milliVolt");
        meta.put("exchangeai.architecture", architecture);
        return OnnxGraph.of(model).withMetadata(meta);
    }
}
