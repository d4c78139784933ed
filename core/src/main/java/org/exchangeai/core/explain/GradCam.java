package org.exchangeai.core.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.proto.Onnx.GraphProto;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;
import org.exchangeai.core.onnx.proto.Onnx.TensorProto;
import org.exchangeai.core.onnx.proto.Onnx.ValueInfoProto;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.GraphModule;

/**
 * Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: visual explanations from deep networks via
 * gradient-based localization") for 1-D convolutional ECG models: on the output A of the last
 * convolution that still has a time axis (more than one step), each channel is weighted by the mean
 * over time of the gradient of the class logit with respect to it; the weighted sum over channels,
 * through a ReLU, is upsampled linearly to the input length.
 *
 * <p>The layer is found from the graph: of all Conv nodes, the last in graph order whose output on a
 * real-length input is {@code [batch, channels, steps]} with {@code steps > 1} (squeeze-and-excitation
 * convolutions on pooled features have one step and are passed over).
 *
 * <p>The gradient with respect to an inner activation is taken by cutting the graph after the layer's
 * Conv node: the head (every node up to it) runs once without recording and returns every value the rest
 * needs; the tail takes those values as graph inputs, the layer's as a leaf that records its gradient, so
 * each node runs once and only the tail is recorded and differentiated. Grad-CAM mixes the leads in the
 * first convolution, so it has no lead resolution: every row of the result is the same time map and
 * there is no lead importance.
 */
public final class GradCam implements AutoCloseable {

    private final ExplainableModel model;
    private final String layer;
    private final NDManager manager;
    private final GraphModule head;
    private final GraphModule tail;
    private final int layerIndex;

    private GradCam(ExplainableModel model, String layer) {
        this.model = model;
        this.layer = layer;
        this.manager = model.manager().newSubManager();
        OnnxGraph graph = model.graph();
        int split = producer(graph, layer);
        List<String> cut = cut(graph, split, layer);
        this.layerIndex = cut.indexOf(layer);
        try {
            this.head = GraphModule.build(part(graph, 0, split + 1, graph.graph().getInputList().stream()
                    .filter(v -> !graph.hasInitializer(v.getName())).toList(), named(cut)), manager);
            this.tail = GraphModule.build(part(graph, split + 1, graph.nodes().size(), named(cut),
                    graph.graph().getOutputList()), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        for (GraphModule m : List.of(head, tail)) {
            m.setTraining(false);
            m.setTrainable(parameter -> false);
        }
    }

    /**
     * Grad-CAM for {@code model} on its last time-axis convolution.
     *
     * @throws IllegalArgumentException naming the model when no convolution keeps a time axis
     */
    public static GradCam of(ExplainableModel model) {
        return new GradCam(model, findLayer(model));
    }

    /** The name of the activation Grad-CAM is computed on. */
    public String layer() {
        return layer;
    }

    /** The last Conv output with more than one time step on an input of the model's length. */
    static String findLayer(ExplainableModel model) {
        List<String> convOutputs = new ArrayList<>();
        for (NodeProto n : model.graph().nodes()) {
            if (n.getOpType().equals("Conv")) {
                convOutputs.add(n.getOutput(0));
            }
        }
        if (convOutputs.isEmpty()) {
            throw new IllegalArgumentException(model.name() + " has no convolution, so Grad-CAM cannot be computed; "
                    + "use Integrated Gradients or occlusion");
        }
        try (NDManager m = model.manager().newSubManager();
                GraphModule all = GraphModule.build(withOutputs(model.graph(), convOutputs), m)) {
            all.setTraining(false);
            all.setTrainable(parameter -> false);
            NDList out = all.forward(new NDList(m.zeros(new Shape(1, model.leads(), model.samples()))));
            int first = out.size() - convOutputs.size();
            for (int i = convOutputs.size() - 1; i >= 0; i--) {
                Shape s = out.get(first + i).getShape();
                if (s.dimension() == 3 && s.get(2) > 1) {
                    return convOutputs.get(i);
                }
            }
        }
        throw new IllegalArgumentException(model.name() + ": no convolution output keeps a time axis, so Grad-CAM "
                + "cannot place anything in time; use Integrated Gradients or occlusion");
    }

    private static OnnxGraph withOutputs(OnnxGraph graph, List<String> names) {
        return graph.edit(b -> {
            GraphProto.Builder g = b.getGraphBuilder();
            for (String name : names) {
                g.addOutput(ValueInfoProto.newBuilder().setName(name));
            }
            return b;
        });
    }

    /** The index of the node that produces {@code value}. */
    private static int producer(OnnxGraph graph, String value) {
        List<NodeProto> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOutputList().contains(value)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no node produces '" + value + "'");
    }

    /**
     * The values that cross the cut after node {@code split}: produced by a node up to it (or a graph
     * input) and read by a later node or a graph output; always includes {@code layer}.
     */
    private static List<String> cut(OnnxGraph graph, int split, String layer) {
        Set<String> before = new HashSet<>();
        graph.inputs().forEach(v -> before.add(v.name()));
        List<NodeProto> nodes = graph.nodes();
        for (int i = 0; i <= split; i++) {
            before.addAll(nodes.get(i).getOutputList());
        }
        before.remove("");
        Set<String> crossing = new LinkedHashSet<>();
        crossing.add(layer);
        for (int i = split + 1; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                if (before.contains(in)) {
                    crossing.add(in);
                }
            }
        }
        for (OnnxGraph.ValueInfo out : graph.outputs()) {
            if (before.contains(out.name())) {
                crossing.add(out.name());
            }
        }
        return new ArrayList<>(crossing);
    }

    private static List<ValueInfoProto> named(List<String> names) {
        return names.stream().map(n -> ValueInfoProto.newBuilder().setName(n).build()).toList();
    }

    /** Nodes {@code from} (inclusive) to {@code to} of the graph with the given inputs and outputs. */
    private static OnnxGraph part(OnnxGraph graph, int from, int to, List<ValueInfoProto> inputs,
            List<ValueInfoProto> outputs) {
        List<NodeProto> nodes = graph.nodes().subList(from, to);
        Set<String> used = new HashSet<>();
        nodes.forEach(n -> used.addAll(n.getInputList()));
        return graph.edit(b -> {
            GraphProto.Builder g = b.getGraphBuilder();
            // only the initializers this part reads, so each part loads no more weights than it needs
            List<TensorProto> initializers = g.getInitializerList().stream()
                    .filter(t -> used.contains(t.getName())).toList();
            g.clearNode().addAllNode(nodes).clearInput().addAllInput(inputs).clearOutput().addAllOutput(outputs)
                    .clearValueInfo().clearInitializer().addAllInitializer(initializers);
            return b;
        });
    }

    /** The Grad-CAM map of {@code input} ({@code [leads][samples]}) for class {@code classIndex}. */
    public Attribution attribute(float[][] input, int classIndex) {
        model.check(input);
        int samples = input[0].length;
        float[] cam;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = ExplainableModel.batchOf(manager, input);
            NDList crossing = head.forward(new NDList(x));
            NDArray activation = crossing.get(layerIndex).duplicate();
            activation.setRequiresGradient(true);
            NDList tailInputs = new NDList(crossing);
            tailInputs.set(layerIndex, activation);
            try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
                NDArray logits = tail.forward(tailInputs).get(0);
                collector.backward(logits.get(":, " + classIndex).sum());
            }
            NDArray weights = activation.getGradient().mean(new int[] {2}, true);
            NDArray map = activation.stopGradient().mul(weights).sum(new int[] {1}).maximum(0f);
            cam = map.toFloatArray();
        }
        float[] upsampled = upsample(cam, samples);
        float[][] values = new float[input.length][];
        for (int l = 0; l < values.length; l++) {
            values[l] = Arrays.copyOf(upsampled, samples);
        }
        return new Attribution(AttributionMethod.GRADCAM, classIndex, values, null);
    }

    /**
     * Linear interpolation from {@code coarse.length} steps to {@code length} samples, each step taken
     * as the centre of the stretch of input it covers (half-pixel alignment, as PyTorch's
     * {@code interpolate(align_corners=False)}).
     */
    static float[] upsample(float[] coarse, int length) {
        float[] out = new float[length];
        int n = coarse.length;
        for (int t = 0; t < length; t++) {
            double u = Math.min(Math.max((t + 0.5) * n / length - 0.5, 0), n - 1);
            int i = (int) Math.floor(u);
            double frac = u - i;
            out[t] = (float) (i + 1 < n ? coarse[i] * (1 - frac) + coarse[i + 1] * frac : coarse[i]);
        }
        return out;
    }

    @Override
    public void close() {
        head.close();
        tail.close();
        manager.close();
    }
}
