package org.exchangeai.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;

/**
 * Head surgery on the reference models. The expected initializers are the classifier layers seen in an
 * independent protobuf dump: XceptionTime ends Conv(128→4, k=1) → BatchNormalization(4) → ReLU → global
 * average pooling; InceptionTime ends in Gemm fc(128→2).
 */
class HeadSurgeryTest {

    @Test
    void xceptionTimeHeadIsResizedAndBatchNormReset() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("xc_super_pretrained.onnx"));
        assertEquals(List.of("CD", "HYP", "MI", "STTC"), HeadSurgery.targetKeys(g));
        HeadSurgery.Result r = HeadSurgery.retarget(g, List.of("AF", "NORM"), 1);
        assertEquals(4, r.oldClasses());
        assertEquals(2, r.newClasses());
        String bn = "head/head/3/head/3/1/BatchNormalization.";
        assertEquals(java.util.Set.of("head/head/3/head/3/0/Conv.weight", bn + "weight", bn + "bias",
                bn + "running_mean", bn + "running_var"), new java.util.HashSet<>(r.changed()));
        OnnxGraph out = r.graph();
        assertArrayEquals(new long[] {2, 128, 1}, out.initializer("head/head/3/head/3/0/Conv.weight").dims());
        assertArrayEquals(new float[] {0, 0}, out.initializer(bn + "running_mean").floats());
        assertArrayEquals(new float[] {1, 1}, out.initializer(bn + "running_var").floats());
        assertArrayEquals(new float[] {1, 1}, out.initializer(bn + "weight").floats());
        float[] w = out.initializer("head/head/3/head/3/0/Conv.weight").floats();
        double bound = 1 / Math.sqrt(128);
        for (float v : w) {
            assertTrue(Math.abs(v) <= bound, "U(-1/sqrt(fan_in), 1/sqrt(fan_in))");
        }
        assertEquals("['AF', 'NORM']", out.metadata().get("target_keys"));
        assertEquals(2, out.outputs().get(0).shape().get(1).size());
        // nothing else touched: the pretrained body and the other head layers keep their weights
        assertArrayEquals(g.initializer("head/head/2/head/2/0/Conv.weight").floats(),
                out.initializer("head/head/2/head/2/0/Conv.weight").floats());
    }

    @Test
    void inceptionTimeClassifierIsTheGemm() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("InceptionTime_untrained.onnx"));
        HeadSurgery.Result r = HeadSurgery.retarget(g, List.of("CD", "HYP", "MI", "NORM", "STTC"), 3);
        assertEquals(List.of("fc.weight", "fc.bias"), r.changed());
        assertArrayEquals(new long[] {5, 128}, r.graph().initializer("fc.weight").dims());
        assertArrayEquals(new long[] {5}, r.graph().initializer("fc.bias").dims());
    }

    /**
     * Fine-tuning xc_super (CD, HYP, MI, STTC) on CD, MI, NORM, STTC: the three classes it knows keep
     * their slices of every re-targeted initializer (at their new positions), NORM starts fresh.
     */
    @Test
    void knownClassesKeepTheirWeights() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("xc_super_pretrained.onnx"));
        HeadSurgery.Result r = HeadSurgery.retarget(g, List.of("CD", "MI", "NORM", "STTC"), 1);
        assertEquals(List.of("CD", "MI", "STTC"), r.carriedOver());
        int[] from = {0, 2, -1, 3};
        for (String name : r.changed()) {
            Tensor before = g.initializer(name);
            Tensor after = r.graph().initializer(name);
            int axis = -1;
            for (int i = 0; i < before.dims().length; i++) {
                if (before.dims()[i] == 4 && after.dims()[i] == 4) {
                    axis = i;
                }
            }
            assertEquals(0, axis, name + " carries the classes on its first axis");
            int inner = before.size() / 4;
            for (int j = 0; j < 4; j++) {
                float[] now = java.util.Arrays.copyOfRange(after.floats(), j * inner, (j + 1) * inner);
                if (from[j] >= 0) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(before.floats(), from[j] * inner, (from[j] + 1) * inner),
                            now, name + " row of " + List.of("CD", "MI", "NORM", "STTC").get(j));
                } else {
                    float[] hyp = java.util.Arrays.copyOfRange(before.floats(), inner, 2 * inner);
                    assertTrue(!java.util.Arrays.equals(hyp, now), name + ": NORM is not HYP's old row");
                }
            }
        }
    }

    @Test
    void sameLabelsChangeNothing() throws Exception {
        OnnxGraph g = OnnxGraph.read(TestData.model("xc_super_pretrained.onnx"));
        HeadSurgery.Result r = HeadSurgery.retarget(g, List.of("CD", "HYP", "MI", "STTC"), 1);
        assertTrue(r.changed().isEmpty());
        assertSame(g, r.graph());
    }

    @Test
    void pythonListLiteralsRoundTrip() {
        List<String> names = List.of("CD", "it's", "a\"b", "back\\slash");
        assertEquals(names, PythonLiterals.parseStringList(PythonLiterals.stringList(names)));
        assertEquals("['CD', \"it's\"]", PythonLiterals.stringList(List.of("CD", "it's")));
    }
}
