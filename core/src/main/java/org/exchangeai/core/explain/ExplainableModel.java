package org.exchangeai.core.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.GraphModule;

/**
 * An ONNX model opened for explanation: its graph interpreted by {@link GraphModule} in inference mode
 * (running statistics, no Dropout), with its card (classes, single- or multi-label) and its preparation
 * recipe. Class scores go through the model's own output activation: softmax for single-label models,
 * sigmoid for multi-label ones, as {@link org.exchangeai.core.model.OnnxModel#probabilities} does.
 *
 * <p>Not thread-safe. libtorch work must run on a thread with a large native stack; the methods here
 * expect the caller to be on one ({@link Engines#onLargeStack}), as {@link Explainer} arranges.
 */
public final class ExplainableModel implements AutoCloseable {

    private final String name;
    private final OnnxGraph graph;
    private final ModelCard card;
    private final Preparation preparation;
    private final NDManager manager;
    private final GraphModule module;

    private ExplainableModel(String name, OnnxGraph graph, ModelCard card, Preparation preparation) {
        this.name = name;
        this.graph = graph;
        this.card = card;
        this.preparation = preparation;
        this.manager = Engines.newManager();
        try {
            this.module = GraphModule.build(graph, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        module.setTraining(false);
        // attributions need gradients with respect to the input only
        module.setTrainable(parameter -> false);
    }

    /**
     * Reads a model file.
     *
     * @throws ModelException naming the file when it cannot be read, is not ONNX, has no trained head or
     *     contains an operator the interpreter does not know
     */
    public static ExplainableModel open(Path file) throws ModelException {
        OnnxGraph graph;
        try {
            graph = OnnxGraph.read(file);
        } catch (IOException | RuntimeException e) {
            throw new ModelException(file + ": not a readable ONNX model: " + e.getMessage(), e);
        }
        return of(file.toString(), graph);
    }

    /** A model from a graph already in memory; {@code name} is used in messages. */
    public static ExplainableModel of(String name, OnnxGraph graph) throws ModelException {
        if (graph.inputs().size() != 1) {
            throw new ModelException(name + ": the model takes " + graph.inputs().size()
                    + " inputs; an ECG model takes one [batch, leads, samples] tensor");
        }
        int width = -1;
        List<OnnxGraph.Dim> out = graph.outputs().get(0).shape();
        if (out.size() == 2 && out.get(1).isFixed()) {
            width = (int) out.get(1).size();
        }
        ModelCard card = ModelCard.of(graph.metadata(), width);
        if (!card.headTrained()) {
            throw new ModelException(name + " is a pretrained encoder whose classifier head was never trained; "
                    + "there is no class decision to explain until it is fine-tuned");
        }
        Preparation preparation;
        try {
            preparation = Preparation.fromMetadata(card.metadata());
        } catch (IllegalArgumentException e) {
            throw new ModelException(name + ": its preparation metadata cannot be read: " + e.getMessage(), e);
        }
        try {
            return Engines.onLargeStack(() -> new ExplainableModel(name, graph, card, preparation));
        } catch (RuntimeException e) {
            throw new ModelException(name + ": cannot be interpreted for explanation: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public OnnxGraph graph() {
        return graph;
    }

    public ModelCard card() {
        return card;
    }

    public Preparation preparation() {
        return preparation;
    }

    public List<String> classes() {
        return card.classes();
    }

    public int leads() {
        return preparation.leads().size();
    }

    public int samples() {
        return preparation.windowSamples();
    }

    /** The model's input rate in Hz. */
    public double rate() {
        return preparation.samplingRate();
    }

    /** The manager arrays of this model's computations belong under. */
    NDManager manager() {
        return manager;
    }

    GraphModule module() {
        return module;
    }

    /** Probabilities of the classes from logits {@code [batch, classes]}: the model's output activation. */
    NDArray activate(NDArray logits) {
        return card.labelType() == ModelCard.LabelType.MULTI ? Activation.sigmoid(logits)
                : logits.softmax(1);
    }

    /** The probability of class {@code classIndex} for each input of a batch {@code [batch, leads, samples]}. */
    NDArray classProbability(NDArray batch, int classIndex) {
        return activate(module.forward(batch)).get(":, " + classIndex);
    }

    /** Class probabilities for one input {@code [leads][samples]}. */
    public double[] probabilities(float[][] input) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            float[] p = activate(module.forward(batchOf(manager, input))).toFloatArray();
            double[] out = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = p[i];
            }
            return out;
        }
    }

    /** Probabilities of class {@code classIndex} for many inputs, {@code chunk} at a time through the graph. */
    double[] classProbabilities(List<float[][]> inputs, int classIndex, int chunk) {
        double[] out = new double[inputs.size()];
        for (int from = 0; from < inputs.size(); from += chunk) {
            int to = Math.min(inputs.size(), from + chunk);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                float[] p = classProbability(stack(manager, inputs.subList(from, to)), classIndex).toFloatArray();
                for (int i = 0; i < p.length; i++) {
                    out[from + i] = p[i];
                }
            }
        }
        return out;
    }

    /** Checks that {@code input} has the model's {@code [leads][samples]} shape. */
    void check(float[][] input) {
        if (input.length != leads() || input[0].length != samples()) {
            throw new IllegalArgumentException("input is " + input.length + " × " + (input.length == 0 ? 0 : input[0].length)
                    + ", the model takes " + leads() + " × " + samples());
        }
    }

    static NDArray batchOf(NDManager manager, float[][] input) {
        return stack(manager, List.<float[][]>of(input));
    }

    static NDArray stack(NDManager manager, List<float[][]> inputs) {
        int leads = inputs.get(0).length;
        int samples = inputs.get(0)[0].length;
        float[] flat = new float[inputs.size() * leads * samples];
        int p = 0;
        for (float[][] x : inputs) {
            for (float[] lead : x) {
                System.arraycopy(lead, 0, flat, p, samples);
                p += samples;
            }
        }
        return manager.create(flat, new Shape(inputs.size(), leads, samples));
    }

    /** {@code [leads][samples]} from a flat C-order array starting at {@code offset}. */
    static float[][] unflatten(float[] flat, int offset, int leads, int samples) {
        float[][] out = new float[leads][samples];
        for (int l = 0; l < leads; l++) {
            System.arraycopy(flat, offset + l * samples, out[l], 0, samples);
        }
        return out;
    }

    @Override
    public void close() {
        module.close();
        manager.close();
    }
}
