package org.exchangeai.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Losses and optimizer updates against values computed here by hand from the PyTorch documentation's
 * formulas (double precision, independent of the NDArray code under test).
 */
class OptimizerAndLossTest {

    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Engines.newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void weightedCrossEntropyMatchesTheDefinition() {
        float[] logits = {2f, 0.5f, -1f, 0.1f, 0.2f, 0.3f};
        long[] labels = {0, 2};
        float[] w = {1f, 0.5f, 0.25f};
        try (NDManager m = manager.newSubManager()) {
            double got = Losses.crossEntropy(m.create(logits, new ai.djl.ndarray.types.Shape(2, 3)), m.create(labels),
                    m.create(w)).getFloat();
            double nll0 = -Math.log(Math.exp(2) / (Math.exp(2) + Math.exp(0.5) + Math.exp(-1)));
            double nll1 = -Math.log(Math.exp(0.3) / (Math.exp(0.1) + Math.exp(0.2) + Math.exp(0.3)));
            assertEquals((1 * nll0 + 0.25 * nll1) / 1.25, got, 1e-6);
        }
    }

    @Test
    void binaryCrossEntropyMatchesTheDefinition() {
        float[] x = {3f, -2f, 0.5f, -40f};
        float[] y = {1f, 0f, 0f, 1f};
        float[] pw = {2f, 1f};
        try (NDManager m = manager.newSubManager()) {
            ai.djl.ndarray.types.Shape s = new ai.djl.ndarray.types.Shape(2, 2);
            double got = Losses.binaryCrossEntropy(m.create(x, s), m.create(y, s), m.create(pw)).getFloat();
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                double p = pw[i % 2];
                double sig = 1 / (1 + Math.exp(-x[i]));
                sum += -(p * y[i] * Math.log(sig) + (1 - y[i]) * Math.log(1 - sig));
            }
            assertEquals(sum / 4, got, 1e-5);
        }
    }

    /** Two steps on loss = sum(c * p) (gradient c) from p0, compared with the update rules written out. */
    @Test
    void firstStepsFollowTheDocumentedRules() {
        double[] p0 = {1.0, -2.0, 0.5};
        double[] c = {0.3, -1.5, 2.0};
        double lr = 0.01;
        for (Optimizer.Kind kind : Optimizer.Kind.values()) {
            double[] expected = p0.clone();
            double[] m = new double[3];
            double[] v = new double[3];
            double muProduct = 1;
            for (int t = 1; t <= 2; t++) {
                double mu = 0.9 * (1 - 0.5 * Math.pow(0.96, t * 0.004));
                double muNext = 0.9 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 0.004));
                muProduct *= mu;
                double rmsP = Math.sqrt((sq(expected[0]) + sq(expected[1]) + sq(expected[2])) / 3);
                double beta2t = 1 - Math.pow(t, -0.8);
                double[] update = new double[3];
                for (int i = 0; i < 3; i++) {
                    double g = c[i];
                    switch (kind) {
                        case ADAM, ADAMW -> {
                            if (kind == Optimizer.Kind.ADAMW) {
                                expected[i] *= 1 - lr * 0.01;
                            }
                            m[i] = 0.9 * m[i] + 0.1 * g;
                            v[i] = 0.999 * v[i] + 0.001 * g * g;
                            expected[i] -= lr / (1 - Math.pow(0.9, t)) * m[i]
                                    / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
                        }
                        case SGD -> {
                            m[i] = t == 1 ? g : 0.9 * m[i] + g;
                            expected[i] -= lr * m[i];
                        }
                        case NADAM -> {
                            m[i] = 0.9 * m[i] + 0.1 * g;
                            v[i] = 0.999 * v[i] + 0.001 * g * g;
                            double denom = Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8;
                            expected[i] -= lr * (1 - mu) / (1 - muProduct) * g / denom;
                            expected[i] -= lr * muNext / (1 - muProduct * muNext) * m[i] / denom;
                        }
                        case ADAMAX -> {
                            m[i] = 0.9 * m[i] + 0.1 * g;
                            v[i] = Math.max(0.999 * v[i], Math.abs(g) + 1e-8);
                            expected[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / v[i];
                        }
                        case RMSPROP -> {
                            v[i] = 0.99 * v[i] + 0.01 * g * g;
                            expected[i] -= lr * g / (Math.sqrt(v[i]) + 1e-8);
                        }
                        case ADAFACTOR -> {
                            v[i] = beta2t * v[i] + (1 - beta2t) * g * g;
                            update[i] = g / Math.sqrt(Math.max(v[i], sq(Math.ulp(1.0f))));
                        }
                    }
                }
                if (kind == Optimizer.Kind.ADAFACTOR) {
                    double alpha = Math.max(1e-3, rmsP) * Math.min(lr, 1 / Math.sqrt(t));
                    double rmsU = Math.sqrt((sq(update[0]) + sq(update[1]) + sq(update[2])) / 3);
                    for (int i = 0; i < 3; i++) {
                        expected[i] -= alpha * update[i] / Math.max(1, rmsU);
                    }
                }
            }
            float[] got = run(kind, p0, c, lr);
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], got[i], 1e-5, kind + " parameter " + i);
            }
        }
    }

    private static double sq(double x) {
        return x * x;
    }

    private float[] run(Optimizer.Kind kind, double[] p0, double[] c, double lr) {
        try (NDManager m = manager.newSubManager()) {
            NDArray p = m.create(new float[] {(float) p0[0], (float) p0[1], (float) p0[2]});
            p.setRequiresGradient(true);
            NDArray coef = m.create(new float[] {(float) c[0], (float) c[1], (float) c[2]});
            try (Optimizer opt = Optimizer.create(kind, Map.of("p", p), m, -1)) {
                for (int t = 0; t < 2; t++) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.mul(coef).sum());
                    }
                    opt.step(lr);
                    opt.zeroGradients();
                }
            }
            return p.toFloatArray();
        }
    }

    @Test
    void optimizerNamesParse() {
        assertEquals(Optimizer.Kind.ADAMW, Optimizer.Kind.parse("AdamW"));
        assertEquals(Optimizer.Kind.RMSPROP, Optimizer.Kind.parse("rmsprop"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.Kind.parse("Lion"));
        assertTrue(e.getMessage().contains("Lion"));
        assertEquals(Method.HEAD, Method.parse("Finetuning (classification head)"));
    }
}
