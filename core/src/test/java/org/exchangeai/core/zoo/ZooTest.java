package org.exchangeai.core.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.GraphModule;
import org.junit.jupiter.api.Test;

/**
 * The builders reproduce the architectures of the original platform's reference files: the multiset of
 * initializer shapes equals the one in {@code ../shared/models/*.onnx}, and ONNX Runtime (independent)
 * runs the built graphs with the same outputs as the interpreter.
 */
class ZooTest {

    static List<String> shapes(OnnxGraph g) {
        List<String> out = new ArrayList<>();
        for (Tensor t : g.floatInitializers().values()) {
            out.add(Arrays.toString(t.dims()));
        }
        Collections.sort(out);
        return out;
    }

    static long trainable(OnnxGraph g) {
        java.util.Set<String> stats = GraphModule.runningStatistics(g);
        return g.floatInitializers().values().stream().filter(t -> !stats.contains(t.name()) && t.rank() >= 1)
                .mapToLong(Tensor::size).sum();
    }

    @Test
    void inceptionTimeHasTheReferenceLayout() throws Exception {
        OnnxGraph built = InceptionTime.build(12, List.of("None1", "None2"), 1);
        OnnxGraph reference = OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx"));
        assertEquals(shapes(reference), shapes(built));
        assertEquals(457_218, trainable(built));
        assertEquals("['None1', 'None2']", built.metadata().get("target_keys"));
        compareWithOnnxRuntime(built, 300);
    }

    @Test
    void xceptionTimeHasTheReferenceLayout() throws Exception {
        OnnxGraph built = XceptionTime.build(12, 1000, List.of("CD", "HYP", "MI", "STTC"), 1);
        OnnxGraph reference = OnnxGraph.read(TestData.model("xc_super_pretrained.onnx"));
        assertEquals(shapes(reference), shapes(built));
        assertEquals(trainable(reference), trainable(built));
        compareWithOnnxRuntime(built, 1000);
        assertThrows(IllegalArgumentException.class, () -> XceptionTime.build(12, 999, List.of("a", "b"), 1));
    }

    @Test
    void cardXStaysWithinItsBudget() throws Exception {
        OnnxGraph built = CardX.build(12, List.of("CD", "HYP", "MI", "NORM", "STTC"), 1);
        // per block 74,336 (bottleneck 8,192, depthwise 4,288, pointwise 12,288, pool branch 8,192, fusion 32,768,
        // BN 256, squeeze-excitation 8,352) x 6 + stem 1,792 + classifier 1,285
        assertEquals(449_093, trainable(built));
        compareWithOnnxRuntime(built, 500);
    }

    static void compareWithOnnxRuntime(OnnxGraph g, int samples) throws Exception {
        Random r = new Random(3);
        float[] x = new float[2 * 12 * samples];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] ours;
        try (NDManager m = Engines.newManager(); GraphModule module = GraphModule.build(g, m)) {
            ours = module.forward(m.create(x, new Shape(2, 12, samples))).toFloatArray();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(g.toBytes(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {2, 12, samples});
                OrtSession.Result res = s.run(Map.of("arg0", t))) {
            float[][] ort = (float[][]) res.get(0).getValue();
            int k = ort[0].length;
            for (int i = 0; i < 2; i++) {
                for (int c = 0; c < k; c++) {
                    assertEquals(ort[i][c], ours[i * k + c], 1e-5);
                }
            }
        }
    }
}
