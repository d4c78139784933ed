package org.exchangeai.core.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.exchangeai.core.onnx.Tensor;

/**
 * SimCLR's projection head: features → Linear(d, d) → ReLU → Linear(d, out). The contrastive loss is
 * taken on its output and the head is discarded after pretraining (Chen et al. 2020 show the features
 * before it transfer better). Features of shape [N, C, T] are averaged over time first.
 */
final class ProjectionHead {

    static final String PREFIX = "projection.";

    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    private ProjectionHead() {
    }

    /** A head with PyTorch's default layer initialisation, seeded. */
    static ProjectionHead create(NDManager manager, int in, int out, long seed) {
        Random r = new Random(seed);
        ProjectionHead h = new ProjectionHead();
        h.put(manager, "0.weight", new long[] {in, in}, uniform(r, in * in, 1 / Math.sqrt(in)));
        h.put(manager, "0.bias", new long[] {in}, uniform(r, in, 1 / Math.sqrt(in)));
        h.put(manager, "2.weight", new long[] {out, in}, uniform(r, out * in, 1 / Math.sqrt(in)));
        h.put(manager, "2.bias", new long[] {out}, uniform(r, out, 1 / Math.sqrt(in)));
        return h;
    }

    private void put(NDManager manager, String name, long[] dims, float[] values) {
        NDArray a = manager.create(values, new Shape(dims));
        a.setRequiresGradient(true);
        parameters.put(PREFIX + name, a);
    }

    private static float[] uniform(Random r, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    Map<String, NDArray> parameters() {
        return parameters;
    }

    NDArray forward(NDArray features) {
        NDArray h = features.getShape().dimension() == 3 ? features.mean(new int[] {2}) : features;
        if (h.getShape().dimension() != 2) {
            h = h.reshape(h.getShape().get(0), -1);
        }
        NDArray a = h.dot(parameters.get(PREFIX + "0.weight").transpose()).add(parameters.get(PREFIX + "0.bias"));
        a = a.maximum(0);
        return a.dot(parameters.get(PREFIX + "2.weight").transpose()).add(parameters.get(PREFIX + "2.bias"));
    }

    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> out.put(k, Tensor.ofFloats(k, v.getShape().getShape(), v.toFloatArray())));
        return out;
    }

    void load(Map<String, Tensor> state) {
        parameters.forEach((k, v) -> {
            Tensor t = state.get(k);
            if (t == null) {
                throw new IllegalArgumentException("checkpoint lacks " + k);
            }
            v.set(t.floats());
        });
    }
}
