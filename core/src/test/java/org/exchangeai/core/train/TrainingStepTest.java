package org.exchangeai.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Autograd through the interpreted graph: gradients, optimizer steps, running statistics. */
class TrainingStepTest {

    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** A one-node BatchNormalization graph over [4, 3, 5] (momentum 0.9, as the reference models use). */
    static OnnxGraph batchNormGraph() {
        Onnx.NodeProto bn = Onnx.NodeProto.newBuilder().setOpType("BatchNormalization").setName("bn")
                .addInput("x").addInput("s").addInput("b").addInput("m").addInput("v").addOutput("y")
                .addAttribute(Onnx.AttributeProto.newBuilder().setName("momentum").setF(0.9f)
                        .setType(Onnx.AttributeProto.AttributeType.FLOAT))
                .build();
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("g").addNode(bn)
                .addInput(valueInfo("x", 4, 3, 5)).addOutput(valueInfo("y", 4, 3, 5));
        g.addInitializer(Tensor.ofFloats("s", new long[] {3}, new float[] {1, 2, 3}).toProto());
        g.addInitializer(Tensor.ofFloats("b", new long[] {3}, new float[] {0, 0, 1}).toProto());
        g.addInitializer(Tensor.ofFloats("m", new long[] {3}, new float[] {0, 1, 0}).toProto());
        g.addInitializer(Tensor.ofFloats("v", new long[] {3}, new float[] {1, 1, 4}).toProto());
        return OnnxGraph.of(Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(17)).build());
    }

    static Onnx.ValueInfoProto valueInfo(String name, long... dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    /**
     * Expected running statistics by hand: running = 0.9 * running + 0.1 * batch, with the unbiased batch
     * variance (n = 4 * 5 = 20 values per channel).
     */
    @Test
    void batchNormUpdatesRunningStatisticsWithOnnxMomentum() {
        float[] x = new float[60];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.7) * (1 + (i / 5) % 3);
        }
        try (NDManager m = manager.newSubManager(); GraphModule module = GraphModule.build(batchNormGraph(), m)) {
            assertEquals(List.of("s", "b"), new ArrayList<>(module.parameters().keySet()));
            assertEquals(List.of("m", "v"), new ArrayList<>(module.statistics().keySet()));
            module.setTraining(true);
            module.forward(m.create(x, new Shape(4, 3, 5)));
            float[] mean = module.statistics().get("m").toFloatArray();
            float[] var = module.statistics().get("v").toFloatArray();
            float[] initMean = {0, 1, 0};
            float[] initVar = {1, 1, 4};
            for (int c = 0; c < 3; c++) {
                double s = 0;
                double s2 = 0;
                for (int n = 0; n < 4; n++) {
                    for (int t = 0; t < 5; t++) {
                        double v = x[n * 15 + c * 5 + t];
                        s += v;
                        s2 += v * v;
                    }
                }
                double mu = s / 20;
                double unbiased = (s2 - 20 * mu * mu) / 19;
                assertEquals(0.9 * initMean[c] + 0.1 * mu, mean[c], 1e-5);
                assertEquals(0.9 * initVar[c] + 0.1 * unbiased, var[c], 1e-5);
            }
            module.setTraining(false);
            float[] before = module.statistics().get("m").toFloatArray();
            module.forward(m.create(x, new Shape(4, 3, 5)));
            assertArrayEquals(before, module.statistics().get("m").toFloatArray(), "inference leaves statistics alone");
        }
    }

    @Test
    void adamStepsReduceTheLossOnABatch() throws Exception {
        List<PtbxlSample.Recording> recs = PtbxlSample.load(List.of("NORM", "MI"), 3);
        // 2.5 s of each recording keeps the test fast; the network pools globally, any length works
        float[] input = PtbxlSample.batch(recs, 250);
        long[] labels = recs.stream().mapToLong(r -> r.label().equals("NORM") ? 0 : 1).toArray();
        OnnxGraph g = OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx"));
        try (NDManager m = manager.newSubManager(); GraphModule module = GraphModule.build(g, m);
                Optimizer opt = Optimizer.create(Optimizer.Kind.ADAM, module.trainableParameters(), m, -1)) {
            module.setTraining(true);
            NDArray x = m.create(input, new Shape(6, 12, 250));
            NDArray y = m.create(labels);
            float first = 0;
            float last = 0;
            for (int step = 0; step < 4; step++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = Losses.crossEntropy(module.forward(x), y, null);
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    if (step == 0) {
                        for (Map.Entry<String, NDArray> p : module.trainableParameters().entrySet()) {
                            float norm = p.getValue().getGradient().abs().sum().getFloat();
                            assertTrue(norm > 0, "no gradient reached " + p.getKey());
                        }
                        first = loss;
                    }
                    last = loss;
                    opt.step(1e-3);
                    opt.zeroGradients();
                }
            }
            assertTrue(last < first, "loss " + first + " -> " + last);
        }
    }
}
