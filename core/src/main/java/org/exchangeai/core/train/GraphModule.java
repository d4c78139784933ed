package org.exchangeai.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx.NodeProto;
import org.exchangeai.core.onnx.proto.Onnx.TensorProto;
import org.exchangeai.core.train.ops.Attributes;
import org.exchangeai.core.train.ops.Kernel;
import org.exchangeai.core.train.ops.OpContext;
import org.exchangeai.core.train.ops.OpException;
import org.exchangeai.core.train.ops.OpRegistry;

/**
 * Runs an ONNX graph on libtorch arrays, node by node, so that autograd can differentiate it.
 *
 * <p>Float initializers of rank ≥ 1 become parameters (they may require gradients); the mean and
 * variance inputs of BatchNormalization are running statistics (updated while training, never by the
 * optimizer); everything else (int64 shape constants, scalars) stays constant. Every node is checked
 * when the module is built, so an unsupported operator fails before any training starts.
 *
 * <p>The mode is the module's, not the graph's: {@link #setTraining(boolean) inference} always uses
 * running statistics and disables Dropout, whatever {@code training_mode} the file carries.
 */
public final class GraphModule implements AutoCloseable {

    private record Step(NodeProto node, Attributes attributes, Kernel kernel, String[] inputs, String[] outputs) {
    }

    private final OnnxGraph graph;
    private final NDManager manager;
    private final long opset;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> statistics = new LinkedHashMap<>();
    private final Map<String, NDArray> constants = new LinkedHashMap<>();
    private final Set<NDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<String> inputNames = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();
    private final Map<String, Integer> lastUse = new HashMap<>();
    private final Set<String> trainable = new HashSet<>();
    private boolean training;

    private GraphModule(OnnxGraph graph, NDManager parent) {
        this.graph = graph;
        this.opset = graph.opsetVersion();
        this.manager = parent.newSubManager();
    }

    /**
     * Builds the module: checks every node, then copies the initializers into arrays owned by a child
     * of {@code parent}.
     *
     * @throws OpException listing every node that cannot be interpreted
     */
    public static GraphModule build(OnnxGraph graph, NDManager parent) {
        return build(graph, parent, OpRegistry.standard());
    }

    public static GraphModule build(OnnxGraph graph, NDManager parent, OpRegistry registry) {
        Set<String> statisticNames = runningStatistics(graph);
        Set<String> defined = new HashSet<>(graph.initializerNames());
        List<Step> steps = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        graph.inputs().forEach(v -> defined.add(v.name()));
        for (NodeProto node : graph.nodes()) {
            Attributes attributes = new Attributes(node);
            Kernel kernel = null;
            try {
                kernel = registry.resolve(node, attributes, graph.opsetVersion());
            } catch (OpException e) {
                problems.add(e.getMessage());
            }
            for (String in : node.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    problems.add(OpException.describe(node) + ": input '" + in + "' is not produced before this node");
                }
            }
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    defined.add(out);
                }
            }
            steps.add(new Step(node, attributes, kernel, node.getInputList().toArray(String[]::new),
                    node.getOutputList().toArray(String[]::new)));
        }
        for (OnnxGraph.ValueInfo out : graph.outputs()) {
            if (!defined.contains(out.name())) {
                problems.add("graph output '" + out.name() + "' is never produced");
            }
        }
        if (!problems.isEmpty()) {
            throw new OpException("model cannot be trained: " + String.join("; ", problems));
        }

        GraphModule m = new GraphModule(graph, parent);
        try {
            m.steps.addAll(steps);
            for (String name : graph.initializerNames()) {
                TensorProto proto = graph.initializerProto(name);
                if (!Tensor.isSupported(proto)) {
                    throw new OpException("initializer '" + name + "' has element type "
                            + proto.getDataType() + " or external data, which the training engine cannot load");
                }
                Tensor t = Tensor.fromProto(proto);
                NDArray a = create(m.manager, t);
                m.owned.add(a);
                if (t.type() == Tensor.Type.FLOAT && statisticNames.contains(name)) {
                    m.statistics.put(name, a);
                } else if (t.type() == Tensor.Type.FLOAT && t.rank() >= 1) {
                    a.setRequiresGradient(true);
                    m.parameters.put(name, a);
                    m.trainable.add(name);
                } else {
                    m.constants.put(name, a);
                }
            }
            graph.inputs().forEach(v -> m.inputNames.add(v.name()));
            graph.outputs().forEach(v -> m.outputNames.add(v.name()));
            for (int i = 0; i < m.steps.size(); i++) {
                for (String in : m.steps.get(i).inputs()) {
                    m.lastUse.put(in, i);
                }
            }
            m.outputNames.forEach(o -> m.lastUse.put(o, Integer.MAX_VALUE));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Names of the running-mean/variance inputs (3 and 4) of every BatchNormalization node. */
    public static Set<String> runningStatistics(OnnxGraph graph) {
        Set<String> out = new HashSet<>();
        for (NodeProto n : graph.nodes()) {
            if (n.getOpType().equals("BatchNormalization") && n.getInputCount() >= 5) {
                out.add(n.getInput(3));
                out.add(n.getInput(4));
            }
        }
        return out;
    }

    static NDArray create(NDManager m, Tensor t) {
        Shape s = new Shape(t.dims());
        return t.type() == Tensor.Type.FLOAT ? m.create(t.floats(), s) : m.create(t.longs(), s);
    }

    // ---- mode and parameters ------------------------------------------------------------------

    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    /** All parameters (float initializers of rank ≥ 1 that are not running statistics), in file order. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** BatchNormalization running means and variances, in file order. */
    public Map<String, NDArray> statistics() {
        return Collections.unmodifiableMap(statistics);
    }

    /** Parameters that currently require gradients (the optimizer updates only these). */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> {
            if (trainable.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Chooses which parameters train; the others are frozen (no gradient computed). */
    public void setTrainable(Predicate<String> which) {
        trainable.clear();
        parameters.forEach((name, a) -> {
            boolean on = which.test(name);
            a.setRequiresGradient(on);
            if (on) {
                trainable.add(name);
            }
        });
    }

    /** Number of scalar parameters (trainable or not). */
    public long parameterCount() {
        return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    public List<String> inputNames() {
        return List.copyOf(inputNames);
    }

    public List<String> outputNames() {
        return List.copyOf(outputNames);
    }

    public OnnxGraph graph() {
        return graph;
    }

    // ---- running ------------------------------------------------------------------------------

    /** Runs the graph on its single input and returns its first output. */
    public NDArray forward(NDArray input) {
        return forward(new NDList(input)).get(0);
    }

    /**
     * Runs the graph. Inputs are matched to graph inputs by position. Intermediate arrays are freed as
     * soon as no later node needs them; the outputs belong to the caller (and to its {@link NDScope},
     * if one is open).
     */
    public NDList forward(NDList inputs) {
        if (inputs.size() != inputNames.size()) {
            throw new IllegalArgumentException("graph takes " + inputNames.size() + " inputs " + inputNames
                    + ", got " + inputs.size());
        }
        NDManager callerManager = inputs.head().getManager();
        Map<String, NDArray> values = new HashMap<>();
        values.putAll(parameters);
        values.putAll(statistics);
        values.putAll(constants);
        Set<NDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(owned);
        for (int i = 0; i < inputs.size(); i++) {
            NDArray in = inputs.get(i);
            if (in.getDataType() != DataType.FLOAT32 && in.getDataType() != DataType.INT64) {
                throw new IllegalArgumentException("input '" + inputNames.get(i) + "' must be float32, is "
                        + in.getDataType());
            }
            values.put(inputNames.get(i), in);
            keep.add(in);
        }
        NDList outputs = new NDList();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                NDArray[] args = new NDArray[step.inputs().length];
                for (int k = 0; k < args.length; k++) {
                    args[k] = step.inputs()[k].isEmpty() ? null : values.get(step.inputs()[k]);
                }
                NDArray[] results;
                try {
                    results = step.kernel().run(new OpContext(step.node(), step.attributes(), args, training, opset,
                            callerManager));
                } catch (OpException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new OpException(OpException.describe(step.node()) + ": " + e.getMessage()
                            + " (input shapes " + shapes(args) + ")");
                }
                for (int k = 0; k < step.outputs().length; k++) {
                    String name = step.outputs()[k];
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (k >= results.length || results[k] == null) {
                        throw new OpException(step.node(), "output " + k + " ('" + name + "') was not produced");
                    }
                    values.put(name, results[k]);
                }
                release(step, s, values, keep);
            }
            for (String name : outputNames) {
                NDArray out = values.get(name);
                outputs.add(out);
                NDScope.unregister(out);
            }
        }
        for (NDArray out : outputs) {
            NDScope.register(out);
        }
        return outputs;
    }

    private void release(Step step, int index, Map<String, NDArray> values, Set<NDArray> keep) {
        for (String in : step.inputs()) {
            if (in.isEmpty() || lastUse.getOrDefault(in, -1) != index) {
                continue;
            }
            NDArray a = values.remove(in);
            if (a == null || keep.contains(a)) {
                continue;
            }
            boolean stillNamed = false;
            for (NDArray other : values.values()) {
                if (other == a) {
                    stillNamed = true;
                    break;
                }
            }
            if (!stillNamed) {
                a.close();
            }
        }
    }

    private static String shapes(NDArray[] args) {
        List<String> s = new ArrayList<>();
        for (NDArray a : args) {
            s.add(a == null ? "-" : a.getShape().toString());
        }
        return s.toString();
    }

    // ---- state --------------------------------------------------------------------------------

    /** Copies of all parameters and running statistics as tensors, in file order. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : graph.initializerNames()) {
            NDArray a = parameters.containsKey(name) ? parameters.get(name) : statistics.get(name);
            if (a != null) {
                out.put(name, Tensor.ofFloats(name, a.getShape().getShape(), a.toFloatArray()));
            }
        }
        return out;
    }

    /** Overwrites parameters and running statistics in place from tensors of the same shapes. */
    public void load(Map<String, Tensor> state) {
        for (Tensor t : state.values()) {
            NDArray a = parameters.containsKey(t.name()) ? parameters.get(t.name()) : statistics.get(t.name());
            if (a == null) {
                throw new IllegalArgumentException("no parameter or statistic named '" + t.name() + "'");
            }
            if (!a.getShape().equals(new Shape(t.dims()))) {
                throw new IllegalArgumentException("'" + t.name() + "' has shape " + a.getShape() + ", given "
                        + java.util.Arrays.toString(t.dims()));
            }
            a.set(t.floats());
        }
    }

    /** The original graph with the current parameters and running statistics written back. */
    public OnnxGraph toGraph() {
        return graph.withInitializers(state().values());
    }

    @Override
    public void close() {
        manager.close();
    }
}
