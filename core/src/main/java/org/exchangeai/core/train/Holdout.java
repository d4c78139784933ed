package org.exchangeai.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.exchangeai.core.data.Split;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;

/**
 * The trainer's validation split and an exported model's metrics on it, in one place: the trainer,
 * the command line and the pages all evaluate the same recordings the same way.
 */
public final class Holdout {

    private Holdout() {
    }

    /** Stratified by each recording's label set, with the configured fraction and seed. */
    public static Split split(List<Example> examples, TrainingConfig config) {
        List<String> strata = examples.stream().map(e -> String.join("|", new TreeSet<>(e.labels()))).toList();
        return Split.stratified(strata, config.validationFraction(), config.seed());
    }

    /**
     * Metrics of {@code model} (ONNX Runtime) on the validation recordings of {@link #split}, one
     * recording per run; {@code null} when nothing is held out.
     */
    public static Evaluation evaluate(OnnxModel model, List<Example> examples, TrainingConfig config, List<String> classes)
            throws ModelException {
        int[] val = split(examples, config).validation();
        if (val.length == 0) {
            return null;
        }
        double[][] probs = new double[val.length][];
        List<String> single = new ArrayList<>();
        List<Set<String>> multi = new ArrayList<>();
        for (int i = 0; i < val.length; i++) {
            Example e = examples.get(val[i]);
            int leads = e.input().length;
            int samples = e.input()[0].length;
            float[] flat = new float[leads * samples];
            for (int l = 0; l < leads; l++) {
                System.arraycopy(e.input()[l], 0, flat, l * samples, samples);
            }
            probs[i] = model.probabilities(model.logits(flat, 1, leads, samples)[0]);
            single.add(e.labels().get(0));
            multi.add(new TreeSet<>(e.labels()));
        }
        return config.multiLabel() ? Metrics.multiLabel(classes, multi, probs, 0.5)
                : Metrics.singleLabel(classes, single, probs);
    }
}
