package org.exchangeai.core.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.exchangeai.core.onnx.proto.Onnx.AttributeProto;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;

/**
 * Re-targets a classifier to a new label set by resizing and re-initialising the initializers that
 * carry the class axis.
 *
 * <p>Like the original platform, it looks for initializers with a dimension equal to the old class
 * count, but it follows the graph instead of matching names: starting at the output it walks back
 * through shape-preserving nodes (activations, pooling, reshapes, BatchNormalization) until it
 * reaches the layer (Conv, Gemm, MatMul) whose output axis is the class axis. The weights and biases
 * of that layer are drawn anew with PyTorch's default layer initialisation, U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in)); BatchNormalization nodes on the way get scale 1, bias 0 and running statistics
 * 0 and 1. (The original drew running statistics uniformly from [-1, 1], so a negative running
 * variance could turn predictions into NaN.) When the walk finds no such layer, initializers whose name
 * contains {@code head} and have a dimension equal to the old class count are re-initialised instead.
 */
public final class HeadSurgery {

    /**
     * @param graph the re-targeted model
     * @param changed names of the initializers that were resized/re-initialised, in file order
     * @param oldClasses the class count before
     * @param newClasses the class count after
     */
    public record Result(OnnxGraph graph, List<String> changed, int oldClasses, int newClasses) {
    }

    private HeadSurgery() {
    }

    /** Class names from the {@code target_keys} metadata (a Python list literal), or empty. */
    public static List<String> targetKeys(OnnxGraph graph) {
        return graph.metadata("target_keys").map(PythonLiterals::parseStringList).orElse(List.of());
    }

    /** The model's class count: from {@code target_keys}, else the fixed size of output axis 1. */
    public static int classCount(OnnxGraph graph) {
        List<String> keys = targetKeys(graph);
        if (!keys.isEmpty()) {
            return keys.size();
        }
        List<OnnxGraph.Dim> shape = graph.outputs().get(0).shape();
        if (shape.size() >= 2 && shape.get(1).isFixed()) {
            return (int) shape.get(1).size();
        }
        throw new IllegalArgumentException("class count unknown: no target_keys metadata and output axis 1 is symbolic");
    }

    /**
     * Re-targets the model to {@code classes}. When the new names equal the model's {@code target_keys}
     * nothing changes. The result's graph has {@code target_keys} set to the new names and output axis 1
     * fixed to the new count.
     */
    public static Result retarget(OnnxGraph graph, List<String> classes, long seed) {
        int oldCount = classCount(graph);
        int newCount = classes.size();
        if (newCount < 1) {
            throw new IllegalArgumentException("at least one class is needed");
        }
        if (classes.equals(targetKeys(graph))) {
            return new Result(graph, List.of(), oldCount, newCount);
        }
        Map<String, Integer> axes = classAxes(graph, oldCount);
        if (axes.isEmpty()) {
            axes = namedHead(graph, oldCount);
        }
        if (axes.isEmpty()) {
            throw new IllegalArgumentException("no classifier initializer with " + oldCount
                    + " classes found (neither by following the graph from its output nor by the name 'head')");
        }
        Set<String> statistics = new HashSet<>();
        Map<String, String> bnRole = new HashMap<>();
        Map<String, Long> fanIn = new HashMap<>();
        for (NodeProto n : graph.nodes()) {
            if (n.getOpType().equals("BatchNormalization") && n.getInputCount() >= 5) {
                bnRole.put(n.getInput(1), "scale");
                bnRole.put(n.getInput(2), "bias");
                bnRole.put(n.getInput(3), "mean");
                bnRole.put(n.getInput(4), "var");
                statistics.add(n.getInput(3));
                statistics.add(n.getInput(4));
            }
        }
        for (NodeProto n : graph.nodes()) {
            if ((n.getOpType().equals("Conv") || n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul"))
                    && n.getInputCount() >= 2 && graph.hasInitializer(n.getInput(1))) {
                long[] dims = graph.initializer(n.getInput(1)).dims();
                long fan = switch (n.getOpType()) {
                    case "Conv" -> product(dims) / dims[0];
                    case "Gemm" -> intAttr(n, "transB") != 0 ? dims[1] : dims[0];
                    default -> dims[0];
                };
                fanIn.put(n.getInput(1), fan);
                if (n.getInputCount() >= 3 && !n.getInput(2).isEmpty()) {
                    fanIn.put(n.getInput(2), fan);
                }
            }
        }
        Random random = new Random(seed);
        List<Tensor> replaced = new ArrayList<>();
        for (Map.Entry<String, Integer> e : axes.entrySet()) {
            Tensor old = graph.initializer(e.getKey());
            long[] dims = old.dims();
            dims[e.getValue()] = newCount;
            float[] values = new float[(int) product(dims)];
            String role = bnRole.get(e.getKey());
            if ("scale".equals(role) || "var".equals(role)) {
                java.util.Arrays.fill(values, 1f);
            } else if (role == null) {
                double bound = 1 / Math.sqrt(Math.max(1, fanIn.getOrDefault(e.getKey(), 1L)));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            replaced.add(Tensor.ofFloats(e.getKey(), dims, values));
        }
        OnnxGraph out = graph.withInitializers(replaced)
                .withOutputDim(graph.outputs().get(0).name(), 1, newCount)
                .withMetadata("target_keys", PythonLiterals.stringList(classes));
        out = out.edit(b -> b.setGraph(b.getGraph().toBuilder().clearValueInfo()));
        List<String> changed = graph.initializerNames().stream().filter(axes::containsKey).toList();
        return new Result(out, changed, oldCount, newCount);
    }

    /**
     * The initializers of the classifier head (those {@link #retarget} would redraw): what a
     * pretrained encoder's "head" is.
     */
    public static List<String> headInitializers(OnnxGraph graph) {
        int classes = classCount(graph);
        Map<String, Integer> axes = classAxes(graph, classes);
        if (axes.isEmpty()) {
            axes = namedHead(graph, classes);
        }
        return graph.initializerNames().stream().filter(axes::containsKey).toList();
    }

    /**
     * The value the classifier layer reads: the encoder's features ({@code [N, C]} after pooling, or
     * {@code [N, C, T]} for a convolutional head).
     *
     * @throws IllegalArgumentException when no classifier layer is found
     */
    public static String classifierInput(OnnxGraph graph) {
        int classes = classCount(graph);
        Map<String, Integer> axes = classAxes(graph, classes);
        for (NodeProto n : graph.nodes()) {
            if ((n.getOpType().equals("Conv") || n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul"))
                    && n.getInputCount() >= 2 && axes.containsKey(n.getInput(1))) {
                return n.getInput(0);
            }
        }
        throw new IllegalArgumentException("no classifier layer found: the model's output is not computed by a "
                + "convolution or linear layer with one output per class");
    }

    /** Initializer → axis that carries the classes, found by walking back from the first output. */
    static Map<String, Integer> classAxes(OnnxGraph graph, int classes) {
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : graph.nodes()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(graph.outputs().get(0).name());
        boolean foundLayer = false;
        while (!todo.isEmpty()) {
            NodeProto n = producer.get(todo.poll());
            if (n == null || !seen.add(n.getName() + "|" + n.getOutput(0))) {
                continue;
            }
            switch (n.getOpType()) {
                case "Conv", "Gemm", "MatMul" -> {
                    if (n.getInputCount() < 2 || !graph.hasInitializer(n.getInput(1))) {
                        continue;
                    }
                    long[] w = graph.initializer(n.getInput(1)).dims();
                    int axis = switch (n.getOpType()) {
                        case "Conv" -> 0;
                        case "Gemm" -> intAttr(n, "transB") != 0 ? 0 : 1;
                        default -> w.length - 1;
                    };
                    if (axis < w.length && w[axis] == classes) {
                        out.put(n.getInput(1), axis);
                        if (n.getInputCount() >= 3 && graph.hasInitializer(n.getInput(2))) {
                            long[] b = graph.initializer(n.getInput(2)).dims();
                            out.put(n.getInput(2), b.length - 1);
                        }
                        foundLayer = true;
                    }
                }
                case "BatchNormalization" -> {
                    for (int i = 1; i < Math.min(5, n.getInputCount()); i++) {
                        String in = n.getInput(i);
                        if (graph.hasInitializer(in) && graph.initializer(in).dims()[0] == classes) {
                            out.put(in, 0);
                        }
                    }
                    todo.add(n.getInput(0));
                }
                case "Add", "Sub", "Mul", "Div" -> {
                    for (String in : n.getInputList()) {
                        if (graph.hasInitializer(in)) {
                            long[] d = graph.initializer(in).dims();
                            if (d.length >= 1 && d[d.length - 1] == classes && product(d) == classes) {
                                out.put(in, d.length - 1);
                            }
                        } else {
                            todo.add(in);
                        }
                    }
                }
                default -> {
                    if (n.getInputCount() > 0) {
                        todo.add(n.getInput(0));
                    }
                }
            }
        }
        return foundLayer ? out : Map.of();
    }

    private static Map<String, Integer> namedHead(OnnxGraph graph, int classes) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String name : graph.initializerNames()) {
            if (!name.toLowerCase(Locale.ROOT).contains("head") || !Tensor.isSupported(graph.initializerProto(name))) {
                continue;
            }
            long[] d = graph.initializer(name).dims();
            for (int i = 0; i < d.length; i++) {
                if (d[i] == classes) {
                    out.put(name, i);
                    break;
                }
            }
        }
        return out;
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return 0;
    }

    private static long product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            p *= d;
        }
        return p;
    }
}
