package org.exchangeai.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.onnx.OnnxGraph;

/**
 * An ONNX model ready for inference: an ONNX Runtime session plus the model's {@link ModelCard}.
 * Thread-safe for concurrent {@link #logits} calls (ONNX Runtime sessions are).
 */
public final class OnnxModel implements AutoCloseable {

    private final Path file;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final int outputWidth;
    private final ModelCard card;
    private final List<String> warnings;

    private OnnxModel(Path file, OrtSession session, String inputName, long[] inputShape, int outputWidth, ModelCard card,
            List<String> warnings) {
        this.file = file;
        this.session = session;
        this.inputName = inputName;
        this.inputShape = inputShape;
        this.outputWidth = outputWidth;
        this.card = card;
        this.warnings = List.copyOf(warnings);
    }

    /** Loads a model with the given number of intra-op threads (0 lets ONNX Runtime choose). */
    public static OnnxModel load(Path file, int threads) throws ModelException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return load(file, bytes, threads);
    }

    /** Loads a model from its bytes; {@code file} is only used in messages. */
    public static OnnxModel load(Path file, byte[] bytes, int threads) throws ModelException {
        List<String> notes = new ArrayList<>();
        bytes = withoutBatchStatistics(file, bytes, notes);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(Math.max(threads, 0));
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(bytes, opts);
            if (session.getNumInputs() != 1) {
                throw new ModelException(file + ": the model takes " + session.getNumInputs()
                        + " inputs; an ECG model takes one [batch, leads, samples] tensor");
            }
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            if (!(in.getValue().getInfo() instanceof TensorInfo ti) || ti.getShape().length != 3) {
                throw new ModelException(file + ": input '" + in.getKey() + "' is not a [batch, leads, samples] tensor");
            }
            long[] shape = ti.getShape();
            NodeInfo out = session.getOutputInfo().values().iterator().next();
            int width = -1;
            if (out.getInfo() instanceof TensorInfo to && to.getShape().length == 2) {
                width = (int) to.getShape()[1];
            }
            List<String> warnings = new ArrayList<>(notes);
            ModelCard card = ModelCard.of(session.getMetadata().getCustomMetadata(), width);
            warnings.addAll(card.warnings());
            if (shape[1] > 0 && shape[1] != 12) {
                warnings.add("the model takes " + shape[1] + " leads, not the standard 12");
            }
            return new OnnxModel(file, session, in.getKey(), shape, width, card, warnings);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelException(file + ": not a loadable ONNX model: " + e.getMessage(), e);
        } catch (ModelException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * A graph whose BatchNormalization nodes normalise with the statistics of the batch
     * ({@code training_mode = 1}, as the original platform's untrained models) would make a
     * recording's prediction depend on the other recordings of its batch. Such nodes are put
     * into inference form (running statistics) and the change is reported.
     */
    static byte[] withoutBatchStatistics(Path file, byte[] bytes, List<String> notes) throws ModelException {
        OnnxGraph graph;
        try {
            graph = OnnxGraph.parse(bytes);
        } catch (RuntimeException e) {
            throw new ModelException(file + ": not a loadable ONNX model: " + e.getMessage(), e);
        }
        long batchStatNodes = graph.nodes().stream()
                .filter(n -> n.getOpType().equals("BatchNormalization"))
                .filter(n -> n.getAttributeList().stream().anyMatch(a -> a.getName().equals("training_mode") && a.getI() == 1))
                .count();
        if (batchStatNodes == 0) {
            return bytes;
        }
        try {
            byte[] fixed = graph.withBatchNormInference().toBytes();
            notes.add(batchStatNodes + " BatchNormalization node(s) normalise with batch statistics (training_mode = 1); "
                    + "they were switched to their running statistics so that each recording's prediction does not "
                    + "depend on the other recordings of its batch");
            return fixed;
        } catch (IllegalStateException e) {
            throw new ModelException(file + ": normalises with batch statistics and cannot be switched to inference form: "
                    + e.getMessage(), e);
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // nothing more to do for a session that failed to load
            }
        }
    }

    public Path file() {
        return file;
    }

    public ModelCard card() {
        return card;
    }

    public String inputName() {
        return inputName;
    }

    /** Leads the model takes (12 for every model of the platform), or -1 when the graph leaves it open. */
    public int leads() {
        return (int) inputShape[1];
    }

    /** Samples per lead the model takes, or -1 when the graph leaves it open. */
    public int samples() {
        return (int) inputShape[2];
    }

    public int outputWidth() {
        return outputWidth;
    }

    public List<String> warnings() {
        return warnings;
    }

    /**
     * Runs the model on a batch laid out as one flat array of {@code batch × leads × samples}
     * floats (C order) and returns the raw outputs {@code [batch][classes]}.
     */
    public float[][] logits(float[] flat, int batch, int leads, int samples) throws ModelException {
        if ((long) batch * leads * samples != flat.length) {
            throw new IllegalArgumentException("batch of " + flat.length + " floats is not " + batch + "x" + leads + "x" + samples);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {batch, leads, samples});
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            Object v = r.get(0).getValue();
            if (v instanceof float[][] m) {
                return m;
            }
            throw new ModelException(file + ": output is not a [batch, classes] float tensor");
        } catch (OrtException e) {
            throw new ModelException(file + ": inference failed: " + e.getMessage(), e);
        }
    }

    /** Turns raw outputs into probabilities: softmax for single-label cards, sigmoid for multi-label. */
    public double[] probabilities(float[] logits) {
        double[] p = new double[logits.length];
        if (card.labelType() == ModelCard.LabelType.MULTI) {
            for (int i = 0; i < p.length; i++) {
                p[i] = 1 / (1 + Math.exp(-logits[i]));
            }
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Override
    public void close() {
        closeQuietly(session);
    }
}
