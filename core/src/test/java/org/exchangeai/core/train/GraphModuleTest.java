package org.exchangeai.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;
import org.exchangeai.core.train.ops.OpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interpreter against ONNX Runtime 1.29 (independent implementation) on the two reference models
 * and six real PTB-XL recordings.
 */
class GraphModuleTest {

    static NDManager manager;
    static float[] input;
    static final long[] SHAPE = {6, 12, 1000};

    @BeforeAll
    static void setUp() throws Exception {
        manager = Engines.newManager();
        input = PtbxlSample.batch(PtbxlSample.load(List.of("NORM", "MI", "CD"), 2));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private float[] interpret(OnnxGraph graph, boolean training) {
        try (NDManager m = manager.newSubManager(); GraphModule module = GraphModule.build(graph, m)) {
            module.setTraining(training);
            NDArray x = m.create(input, new Shape(SHAPE));
            return module.forward(x).toFloatArray();
        }
    }

    @Test
    void xceptionTimeMatchesOnnxRuntime() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("xc_super_pretrained.onnx"));
        float[] ours = interpret(g, false);
        float[] ort = OrtRunner.run(g, input, SHAPE);
        assertEquals(6 * 4, ours.length);
        double diff = OrtRunner.maxAbsDiff(ours, ort);
        assertTrue(diff < 1e-5, "max |diff| = " + diff);
    }

    /**
     * The file says training_mode=1, so ONNX Runtime on the file normalises with batch statistics. Our
     * inference mode always uses running statistics, so it is compared with ONNX Runtime on the same graph
     * rewritten to training_mode=0; our training mode (batch statistics) is compared with the file as is.
     */
    @Test
    void inceptionTimeMatchesOnnxRuntimeInBothModes() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx"));
        double inference = OrtRunner.maxAbsDiff(interpret(g, false),
                OrtRunner.run(g.withBatchNormInference(), input, SHAPE));
        assertTrue(inference < 1e-5, "inference max |diff| = " + inference);
        double batchStats = OrtRunner.maxAbsDiff(interpret(g, true), OrtRunner.run(g, input, SHAPE));
        assertTrue(batchStats < 1e-4, "training-mode max |diff| = " + batchStats);
    }

    @Test
    void inferenceDoesNotDependOnTheRestOfTheBatch() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx"));
        float[] all = interpret(g, false);
        try (NDManager m = manager.newSubManager(); GraphModule module = GraphModule.build(g, m)) {
            float[] first = new float[12 * 1000];
            System.arraycopy(input, 0, first, 0, first.length);
            float[] alone = module.forward(m.create(first, new Shape(1, 12, 1000))).toFloatArray();
            assertEquals(all[0], alone[0], 1e-5);
            assertEquals(all[1], alone[1], 1e-5);
        }
    }

    @Test
    void unsupportedOperatorFailsWhenBuilt() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("xc_super_pretrained.onnx"));
        List<NodeProto> nodes = new java.util.ArrayList<>(g.nodes());
        NodeProto last = nodes.get(nodes.size() - 1);
        nodes.set(nodes.size() - 1, last.toBuilder().setOpType("Einsum").build());
        OnnxGraph broken = g.withNodes(nodes);
        OpException e = assertThrows(OpException.class, () -> GraphModule.build(broken, manager));
        assertTrue(e.getMessage().contains("'Einsum'") && e.getMessage().contains(last.getName()), e.getMessage());
    }
}
