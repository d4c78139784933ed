package org.exchangeai.core.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;

/**
 * Fresh weights for training from scratch, as the original platform's "Scratch" method: Xavier-uniform
 * (Glorot 2010) for tensors of rank ≥ 2, zeros for biases; unlike the original, BatchNormalization is
 * reset too (scale 1, bias 0, running mean 0, running variance 1) instead of keeping pretrained values.
 */
public final class Initializers {

    private Initializers() {
    }

    /** New values for every parameter and running statistic of the module's graph. */
    public static Map<String, Tensor> scratch(GraphModule module, long seed) {
        OnnxGraph g = module.graph();
        Set<String> stats = GraphModule.runningStatistics(g);
        Map<String, String> bnRole = new java.util.HashMap<>();
        for (NodeProto n : g.nodes()) {
            if (n.getOpType().equals("BatchNormalization") && n.getInputCount() >= 5) {
                bnRole.put(n.getInput(1), "scale");
                bnRole.put(n.getInput(4), "var");
            }
        }
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, Tensor> current = module.state();
        for (Tensor t : current.values()) {
            long[] d = t.dims();
            float[] v = new float[t.size()];
            String role = bnRole.get(t.name());
            if ("scale".equals(role) || "var".equals(role)) {
                Arrays.fill(v, 1f);
            } else if (!stats.contains(t.name()) && d.length >= 2) {
                long receptive = 1;
                for (int i = 2; i < d.length; i++) {
                    receptive *= d[i];
                }
                double fanIn = d[1] * receptive;
                double fanOut = d[0] * receptive;
                double bound = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            out.put(t.name(), Tensor.ofFloats(t.name(), d, v));
        }
        return out;
    }
}
