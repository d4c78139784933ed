package org.exchangeai.core.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.prep.PreparationException;
import org.exchangeai.core.prep.Prepared;
import org.exchangeai.core.signal.Delineator;
import org.exchangeai.core.signal.QrsDetector;
import org.exchangeai.core.train.Engines;

/**
 * Explains recordings with one model: prepares each recording with the model's own recipe (as
 * {@link org.exchangeai.core.model.Predictor} does), chooses the class (the predicted one unless named),
 * runs the attribution method, maps the result onto the recording's time axis and names the windows
 * that spoke most for the class by the wave they fall in (our own delineation, as {@code analyse}).
 * All libtorch work runs on a thread with a large native stack ({@link Engines#onLargeStack}).
 */
public final class Explainer implements AutoCloseable {

    /** How many top windows an explanation lists. */
    public static final int TOP_WINDOWS = 5;

    private record Scored(double[] probabilities, int classIndex, Attribution attribution) {
    }

    private final ExplainableModel model;
    private final IntegratedGradients integratedGradients;
    private final Occlusion occlusion;
    private GradCam gradCam;

    /** An explainer over {@code model} (which it does not close) using {@code steps} Integrated Gradients steps. */
    public Explainer(ExplainableModel model, int steps) {
        this.model = model;
        this.integratedGradients = new IntegratedGradients(steps, IntegratedGradients.DEFAULT_CHUNK);
        this.occlusion = new Occlusion();
    }

    public ExplainableModel model() {
        return model;
    }

    /**
     * The index of class {@code name} (case-insensitive), or of the predicted class when {@code name} is
     * null: the most probable one (for a multi-label model, the one with the highest sigmoid).
     *
     * @throws IllegalArgumentException listing the model's classes when the name is not one of them
     */
    public int classIndex(String name, double[] probabilities) {
        List<String> classes = model.classes();
        if (name == null) {
            int best = 0;
            for (int c = 1; c < probabilities.length; c++) {
                if (probabilities[c] > probabilities[best]) {
                    best = c;
                }
            }
            return best;
        }
        for (int c = 0; c < classes.size(); c++) {
            if (classes.get(c).equalsIgnoreCase(name.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("the model has no class '" + name + "' (classes: " + classes + ")");
    }

    /** The attribution of an already prepared input for class {@code classIndex}. */
    public Attribution attribute(float[][] input, AttributionMethod method, int classIndex) {
        return Engines.onLargeStack(() -> attributeHere(input, method, classIndex));
    }

    /** Class probabilities of an already prepared input. */
    public double[] probabilities(float[][] input) {
        return Engines.onLargeStack(() -> model.probabilities(input));
    }

    private Attribution attributeHere(float[][] input, AttributionMethod method, int classIndex) {
        if (classIndex < 0 || classIndex >= model.classes().size()) {
            throw new IllegalArgumentException("class index " + classIndex + " is outside the model's "
                    + model.classes().size() + " classes");
        }
        return switch (method) {
            case IG -> integratedGradients.attribute(model, input, classIndex);
            case OCCLUSION -> occlusion.attribute(model, input, classIndex);
            case GRADCAM -> {
                if (gradCam == null) {
                    gradCam = GradCam.of(model);
                }
                yield gradCam.attribute(input, classIndex);
            }
        };
    }

    /**
     * Explains one recording.
     *
     * @param className the class to explain, or null for the predicted one
     * @throws IllegalArgumentException naming the recording when it cannot be prepared for the model,
     *     or naming the class when the model has no such class
     */
    public Explanation explain(String name, Ecg ecg, AttributionMethod method, String className) {
        Prepared prepared;
        try {
            prepared = model.preparation().prepare(ecg);
        } catch (PreparationException | IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": cannot be prepared for this model: " + e.getMessage(), e);
        }
        float[][] input = prepared.input();
        Scored scored = Engines.onLargeStack(() -> {
            double[] p = model.probabilities(input);
            int c = classIndex(className, p);
            return new Scored(p, c, attributeHere(input, method, c));
        });
        double[] probabilities = scored.probabilities();
        int classIndex = scored.classIndex();
        Attribution attribution = scored.attribution();
        float[][] onRecording = attribution.onRecordingAxis(model.rate(), prepared.validLength(), ecg.fs(), ecg.length());
        float[][] signal = ecg.samples();
        int[] rpeaks = QrsDetector.detect(signal, ecg.fs());
        List<Delineator.BeatWaves> beats = Delineator.delineate(signal, ecg.fs(), rpeaks).global();
        List<TimeWindow> top = new WaveSegments(beats).topWindows(onRecording, ecg.fs(), Occlusion.WINDOW_SECONDS,
                TOP_WINDOWS);
        return new Explanation(name, model.classes().get(classIndex), probabilities[classIndex], probabilities, prepared,
                attribution, model.preparation().leads(), ecg.fs(), onRecording, top);
    }

    /**
     * What an explanation says, ready for JSON (the command line's {@code NAME.json}, the web's overlay):
     * class, probabilities, per-lead importance (null for Grad-CAM), leads by importance, the top windows
     * with their wave, the model's rate and the seconds it saw.
     */
    public Map<String, Object> summary(Explanation e, AttributionMethod method) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("file", e.name());
        s.put("model", model.name());
        s.put("method", method.key());
        s.put("explained", explainedQuantity(method));
        s.put("class", e.className());
        s.put("probability", e.probability());
        Map<String, Double> all = new LinkedHashMap<>();
        for (int c = 0; c < model.classes().size(); c++) {
            all.put(model.classes().get(c), e.probabilities()[c]);
        }
        s.put("probabilities", all);
        double[] importance = e.attribution().leadImportance();
        Map<String, Double> leads = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(e.leads());
        for (int l = 0; l < e.leads().size(); l++) {
            leads.put(e.leads().get(l), importance == null ? null : importance[l]);
        }
        if (importance != null) {
            order.sort((a, b) -> Double.compare(leads.get(b), leads.get(a)));
        }
        s.put("lead_importance", leads);
        s.put("leads_by_importance", importance == null ? null : order);
        List<Map<String, Object>> windows = new ArrayList<>();
        for (TimeWindow w : e.topWindows()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("start_s", w.startSeconds());
            x.put("end_s", w.endSeconds());
            x.put("score", w.score());
            x.put("wave", w.wave());
            windows.add(x);
        }
        s.put("top_windows", windows);
        s.put("model_rate_hz", model.rate());
        s.put("model_samples", model.samples());
        s.put("recording_fs_hz", e.fs());
        s.put("seconds_seen", e.prepared().validLength() / model.rate());
        s.put("warnings", e.prepared().warnings());
        return s;
    }

    /** What the explained number is, for people reading a summary. */
    public String explainedQuantity(AttributionMethod method) {
        String activation = model.card().labelType() == ModelCard.LabelType.MULTI ? "sigmoid" : "softmax";
        return switch (method) {
            case IG -> String.format(Locale.ROOT, "class probability (%s); values sum to p(recording) - p(flat line)",
                    activation);
            case GRADCAM -> "class logit (before the " + activation + "), Grad-CAM map through a ReLU";
            case OCCLUSION -> String.format(Locale.ROOT, "drop of the class probability (%s) when flattened", activation);
        };
    }

    @Override
    public void close() {
        if (gradCam != null) {
            GradCam g = gradCam;
            Engines.onLargeStack(() -> {
                g.close();
                return null;
            });
        }
    }
}
