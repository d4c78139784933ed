package org.exchangeai.core.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.exchangeai.core.onnx.OnnxGraph;

/** ONNX Runtime as the independent reference for the interpreter's outputs. */
final class OrtRunner {

    private OrtRunner() {
    }

    /** Runs the model's first input/output on a [n, ...] float batch and returns the output flattened. */
    static float[] run(OnnxGraph graph, float[] input, long[] shape) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(graph.toBytes(), opts);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                    OrtSession.Result r = s.run(Map.of(graph.inputs().get(0).name(), t))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return v;
            }
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
