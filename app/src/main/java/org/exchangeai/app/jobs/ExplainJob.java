package org.exchangeai.app.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.explain.AttributionMethod;
import org.exchangeai.core.explain.ExplainableModel;
import org.exchangeai.core.explain.Explainer;
import org.exchangeai.core.explain.Explanation;

/**
 * Explains one recording with one model for one class and method, and keeps the result as a JSON file
 * the pages draw from (the summary of {@link Explainer#summary} plus the attribution at the model's
 * input rate). The last model used stays open, because opening the graph on libtorch costs more than
 * a Grad-CAM and users explain several classes and recordings of one model in a row.
 */
public final class ExplainJob implements Job {

    /** Integrated Gradients steps of the web's explanations (the command line's default). */
    public static final int STEPS = 32;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object OPEN_LOCK = new Object();
    private static String openKey;
    private static ExplainableModel openModel;
    private static Explainer openExplainer;

    private final Path modelFile;
    private final String modelSha;
    private final String recordingName;
    private final Ecg ecg;
    private final AttributionMethod method;
    private final String className;
    private final Function<String, Path> resultFile;
    private final Map<String, Object> context;

    /**
     * @param className  the class to explain, or null for the predicted one
     * @param resultFile where the result JSON of a class goes; the result is written for the explained
     *                   class and, when none was named, for {@code null} (the predicted one) as well
     * @param context    extra fields for the JSON (ids the pages use)
     */
    public ExplainJob(Path modelFile, String modelSha, String recordingName, Ecg ecg, AttributionMethod method,
            String className, Function<String, Path> resultFile, Map<String, Object> context) {
        this.modelFile = modelFile;
        this.modelSha = modelSha;
        this.recordingName = recordingName;
        this.ecg = ecg;
        this.method = method;
        this.className = className;
        this.resultFile = resultFile;
        this.context = Map.copyOf(context);
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        ctx.progress(0.05, "opening the model");
        Map<String, Object> out;
        synchronized (OPEN_LOCK) {
            Explainer explainer = explainer();
            ctx.progress(0.2, method.key() + " on " + recordingName);
            long start = System.nanoTime();
            Explanation e = explainer.explain(recordingName, ecg, method, className);
            double seconds = (System.nanoTime() - start) / 1e9;
            out = explainer.summary(e, method);
            out.putAll(context);
            out.put("leads", e.leads());
            out.put("valid_samples", e.prepared().validLength());
            out.put("signed", method != AttributionMethod.GRADCAM);
            out.put("values", rounded(e.attribution().values()));
            out.put("seconds_computed", seconds);
        }
        byte[] bytes = JSON.writeValueAsBytes(out);
        write(resultFile.apply((String) out.get("class")), bytes);
        if (className == null) {
            write(resultFile.apply(null), bytes);
        }
        ctx.result(JSON.writeValueAsString(Map.of("class", out.get("class"), "method", method.key(),
                "seconds_computed", out.get("seconds_computed"))));
        ctx.progress(1, String.format(java.util.Locale.ROOT, "%s for %s in %.1f s", method.key(), out.get("class"),
                out.get("seconds_computed")));
    }

    private Explainer explainer() throws Exception {
        String key = modelSha + ":" + modelFile;
        if (!key.equals(openKey)) {
            closeOpen();
            ExplainableModel m = ExplainableModel.open(modelFile);
            openModel = m;
            openExplainer = new Explainer(m, STEPS);
            openKey = key;
        }
        return openExplainer;
    }

    private static void closeOpen() {
        if (openExplainer != null) {
            openExplainer.close();
            openModel.close();
        }
        openExplainer = null;
        openModel = null;
        openKey = null;
    }

    /** Four significant digits are more than a colour scale shows and keep the JSON small. */
    private static List<float[]> rounded(float[][] values) {
        List<float[]> out = new ArrayList<>(values.length);
        for (float[] lead : values) {
            float[] r = new float[lead.length];
            for (int i = 0; i < lead.length; i++) {
                r[i] = Float.parseFloat(String.format(java.util.Locale.ROOT, "%.4g", lead[i]));
            }
            out.add(r);
        }
        return out;
    }

    /** Written whole or not at all: a crash never leaves half a result to be drawn. */
    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
