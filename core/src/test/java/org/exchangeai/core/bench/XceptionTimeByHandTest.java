package org.exchangeai.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.GraphModule;
import org.exchangeai.core.train.Losses;
import org.exchangeai.core.zoo.XceptionTime;
import org.junit.jupiter.api.Test;

/**
 * The hand-written baseline of {@link InterpreterOverheadBench} is the same network as the interpreted
 * zoo graph: same parameter count (401,240 for 12 leads and 4 classes, the figure {@link XceptionTime}
 * documents), the same logits in inference, and the same loss, gradients and running statistics after a
 * training-mode step, all from identical starting weights (copied from the graph's initializers).
 */
class XceptionTimeByHandTest {

    private static final List<String> CLASSES = List.of("A", "B", "C", "D");

    @Test
    void computesWhatTheInterpretedGraphComputes() {
        check(false);
    }

    /** Closing intermediates early must not change anything autograd needs. */
    @Test
    void releasingIntermediatesEarlyChangesNothing() {
        check(true);
    }

    private static void check(boolean releaseEarly) {
        try (NDManager m = Engines.newManager();
                GraphModule graph = GraphModule.build(XceptionTime.build(12, 1000, CLASSES, 7), m)) {
            Map<String, Tensor> start = graph.state();
            try (XceptionTimeByHand hand = new XceptionTimeByHand(start, 1000, m)) {
                hand.setReleaseEarly(releaseEarly);
                assertEquals(401_240, hand.parameterCount());
                assertEquals(graph.parameterCount(), hand.parameterCount());
                assertEquals(graph.parameters().keySet(), hand.parameters().keySet());

                Random r = new Random(3);
                for (int trial = 0; trial < 2; trial++) {
                    NDArray x = m.create(gaussian(r, 2 * 12 * 1000), new Shape(2, 12, 1000));
                    assertClose(graph.forward(x).toFloatArray(), hand.forward(x).toFloatArray(), 1e-5, "eval logits");
                }

                graph.setTraining(true);
                hand.setTraining(true);
                NDArray x = m.create(gaussian(r, 3 * 12 * 1000), new Shape(3, 12, 1000));
                NDArray y = m.create(new long[] {0, 2, 3});
                NDArray w = m.create(new float[] {1f, 0.5f, 0.25f, 1f});
                float lossGraph;
                float lossHand;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = Losses.crossEntropy(graph.forward(x), y, w);
                    gc.backward(l);
                    lossGraph = l.getFloat();
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray l = Losses.crossEntropy(hand.forward(x), y, w);
                    gc.backward(l);
                    lossHand = l.getFloat();
                }
                assertEquals(lossGraph, lossHand, 1e-5, "training loss");
                for (String name : List.of("xception.0.bottleneck.weight", "xception.3.convs.0.depthwise.weight",
                        "shortcut.1.1.weight", "head.3.0.weight")) {
                    assertClose(graph.parameters().get(name).getGradient().toFloatArray(),
                            hand.parameters().get(name).getGradient().toFloatArray(), 1e-4, "gradient of " + name);
                }
                // the hand-written model's running statistics are not exposed; its next inference must
                // match the graph's, which it only does if both updated them alike
                graph.setTraining(false);
                hand.setTraining(false);
                NDArray probe = m.create(gaussian(r, 2 * 12 * 1000), new Shape(2, 12, 1000));
                assertClose(graph.forward(probe).toFloatArray(), hand.forward(probe).toFloatArray(), 1e-5,
                        "eval logits after a training-mode pass");
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tolerance * scale, what + " [" + i + "]");
        }
    }
}
