package org.exchangeai.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operators and attribute forms the reference models do not exercise, each as a one-node graph on random
 * inputs, compared with ONNX Runtime (values and output shape).
 */
class OpsParityTest {

    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** A one-node graph: float inputs {name → shape} fed at run time, int64 constants as initializers. */
    static final class Case {
        final String op;
        final long opset;
        final Map<String, long[]> inputs = new LinkedHashMap<>();
        final List<String> order = new ArrayList<>();
        final List<Tensor> constants = new ArrayList<>();
        final List<Onnx.AttributeProto> attributes = new ArrayList<>();

        Case(String op, long opset) {
            this.op = op;
            this.opset = opset;
        }

        Case in(String name, long... shape) {
            inputs.put(name, shape);
            order.add(name);
            return this;
        }

        Case ints(String name, long... values) {
            constants.add(Tensor.ofLongs(name, new long[] {values.length}, values));
            order.add(name);
            return this;
        }

        Case skip() {
            order.add("");
            return this;
        }

        Case attrInt(String name, long v) {
            attributes.add(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                    .setI(v).build());
            return this;
        }

        Case attrInts(String name, long... v) {
            Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long x : v) {
                a.addInts(x);
            }
            attributes.add(a.build());
            return this;
        }

        Case attrFloat(String name, float f) {
            attributes.add(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                    .setF(f).build());
            return this;
        }

        Case attrString(String name, String s) {
            attributes.add(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                    .setS(com.google.protobuf.ByteString.copyFromUtf8(s)).build());
            return this;
        }

        OnnxGraph graph() {
            Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName("node").addOutput("y")
                    .addAllInput(order).addAllAttribute(attributes);
            Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("g").addNode(n);
            inputs.forEach((name, shape) -> g.addInput(TrainingStepTest.valueInfo(name, shape)));
            constants.forEach(t -> g.addInitializer(t.toProto()));
            g.addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(Onnx.TypeProto.newBuilder()
                    .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1))));
            return OnnxGraph.of(Onnx.ModelProto.newBuilder().setIrVersion(opset >= 21 ? 10 : 8).setGraph(g)
                    .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(opset)).build());
        }
    }

    static void check(Case c) throws Exception {
        OnnxGraph g = c.graph();
        Random r = new Random(c.op.hashCode());
        Map<String, float[]> data = new LinkedHashMap<>();
        c.inputs.forEach((name, shape) -> {
            float[] v = new float[(int) Tensor.elementCount(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            data.put(name, v);
        });
        float[] ours;
        long[] ourShape;
        try (NDManager m = manager.newSubManager(); GraphModule module = GraphModule.build(g, m)) {
            NDList in = new NDList();
            c.inputs.forEach((name, shape) -> in.add(m.create(data.get(name), new Shape(shape))));
            var y = module.forward(in).get(0);
            ours = y.toFloatArray();
            ourShape = y.getShape().getShape();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try (OrtSession s = env.createSession(g.toBytes(), new OrtSession.SessionOptions())) {
            for (var e : c.inputs.entrySet()) {
                feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(data.get(e.getKey())), e.getValue()));
            }
            try (OrtSession.Result res = s.run(feeds)) {
                OnnxTensor out = (OnnxTensor) res.get(0);
                assertArrayEquals(out.getInfo().getShape(), ourShape, c.op + " output shape");
                FloatBuffer fb = out.getFloatBuffer();
                float[] ort = new float[fb.remaining()];
                fb.get(ort);
                assertEquals(0.0, OrtRunner.maxAbsDiff(ours, ort), 2e-5, c.op + " max |diff|");
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void convolutionForms() throws Exception {
        check(new Case("Conv", 17).in("x", 2, 4, 9, 8).in("w", 6, 2, 3, 2).in("b", 6).attrInt("group", 2)
                .attrInts("strides", 2, 1).attrInts("dilations", 1, 2).attrInts("pads", 1, 0, 2, 1));
        check(new Case("Conv", 17).in("x", 2, 3, 17).in("w", 5, 3, 4).attrString("auto_pad", "SAME_UPPER").attrInts("strides", 2));
        check(new Case("Conv", 17).in("x", 2, 3, 17).in("w", 5, 3, 4).attrString("auto_pad", "SAME_LOWER"));
        check(new Case("Conv", 17).in("x", 1, 3, 6, 7).in("w", 4, 3, 3, 3).attrString("auto_pad", "VALID"));
    }

    @Test
    void poolingForms() throws Exception {
        check(new Case("MaxPool", 17).in("x", 2, 3, 11).attrInts("kernel_shape", 4).attrInts("strides", 2).attrString("auto_pad", "SAME_UPPER"));
        check(new Case("MaxPool", 17).in("x", 2, 3, 8, 9).attrInts("kernel_shape", 3, 2).attrInts("pads", 1, 0, 1, 1));
        check(new Case("AveragePool", 17).in("x", 2, 3, 12).attrInts("kernel_shape", 3).attrInts("pads", 1, 1)
                .attrInt("count_include_pad", 1));
        check(new Case("AveragePool", 17).in("x", 2, 3, 12).attrInts("kernel_shape", 3).attrInts("pads", 1, 1));
        check(new Case("AveragePool", 17).in("x", 2, 3, 12).attrInts("kernel_shape", 3).attrInts("strides", 2));
        check(new Case("MaxPool", 17).in("x", 2, 3, 12).attrInts("kernel_shape", 3).attrInt("ceil_mode", 1)
                .attrInts("strides", 2).attrInts("pads", 1, 1));
        OnnxGraph ceilAverage = new Case("AveragePool", 17).in("x", 2, 3, 12).attrInts("kernel_shape", 3)
                .attrInt("ceil_mode", 1).graph();
        org.junit.jupiter.api.Assertions.assertThrows(org.exchangeai.core.train.ops.OpException.class,
                () -> GraphModule.build(ceilAverage, manager), "rejected when built, not silently different");
        check(new Case("GlobalMaxPool", 17).in("x", 2, 3, 5, 4));
        check(new Case("GlobalAveragePool", 17).in("x", 2, 3, 7));
    }

    @Test
    void activations() throws Exception {
        check(new Case("LeakyRelu", 17).in("x", 3, 4).attrFloat("alpha", 0.2f));
        check(new Case("Elu", 17).in("x", 3, 4).attrFloat("alpha", 0.7f));
        check(new Case("Sigmoid", 17).in("x", 3, 4));
        check(new Case("Tanh", 17).in("x", 3, 4));
        check(new Case("Gelu", 20).in("x", 3, 4));
        check(new Case("Gelu", 20).in("x", 3, 4).attrString("approximate", "tanh"));
        check(new Case("Softmax", 17).in("x", 2, 3, 4).attrInt("axis", 1));
        check(new Case("Softmax", 11).in("x", 2, 3, 4).attrInt("axis", 1));
    }

    @Test
    void arithmetic() throws Exception {
        check(new Case("Sub", 17).in("a", 2, 3, 4).in("b", 3, 1));
        check(new Case("Div", 17).in("a", 2, 3, 4).in("b", 4));
        check(new Case("Mul", 17).in("a", 2, 1, 4).in("b", 3, 1));
        check(new Case("MatMul", 17).in("a", 2, 3, 4).in("b", 4, 5));
        check(new Case("Gemm", 17).in("a", 4, 3).in("b", 4, 5).in("c", 5).attrInt("transA", 1).attrFloat("alpha", 0.5f).attrFloat("beta", 2f));
        check(new Case("ReduceMean", 17).in("x", 2, 3, 4).attrInts("axes", 1, -1).attrInt("keepdims", 0));
        check(new Case("ReduceMean", 18).in("x", 2, 3, 4).ints("axes", 0).attrInt("keepdims", 1));
    }

    @Test
    void shapeOps() throws Exception {
        check(new Case("Transpose", 17).in("x", 2, 3, 4).attrInts("perm", 2, 0, 1));
        check(new Case("Flatten", 17).in("x", 2, 3, 4).attrInt("axis", 2));
        check(new Case("Reshape", 17).in("x", 2, 3, 4).ints("s", 0, -1, 2));
        check(new Case("Squeeze", 17).in("x", 2, 1, 4, 1).ints("axes", -1));
        check(new Case("Unsqueeze", 17).in("x", 2, 4).ints("axes", 0, 3));
        check(new Case("Concat", 17).in("a", 2, 3).in("b", 2, 5).attrInt("axis", -1));
        check(new Case("Slice", 17).in("x", 5, 8).ints("st", 1, -2).ints("en", 100, 0).ints("ax", 0, 1).ints("sp", 2, -3));
        check(new Case("Pad", 17).in("x", 2, 3, 5).ints("p", 0, 1, 2, 0, 0, 3).attrString("mode", "reflect"));
        check(new Case("Pad", 17).in("x", 2, 3, 5).ints("p", 0, 0, 2, 0, 1, 1).attrString("mode", "edge"));
        check(new Case("Pad", 17).in("x", 2, 3, 5).ints("p", 0, 0, 2, 0, 0, -1));
        check(new Case("Gather", 17).in("x", 3, 4, 5).ints("i", 2, -1, 0).attrInt("axis", 1));
        check(new Case("Identity", 17).in("x", 3, 2));
        check(new Case("Dropout", 17).in("x", 3, 2));
    }
}
