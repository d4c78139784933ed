package org.exchangeai.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.exchangeai.core.explain.AttributionMethod;
import org.exchangeai.core.explain.ExplainableModel;
import org.exchangeai.core.explain.Explainer;
import org.exchangeai.core.explain.Explanation;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.io.numeric.NpyWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Explains a model's decision on each recording. Per recording, under {@code --out}:
 * {@code NAME.attribution.npy} (float32 {@code [leads, samples]} at the model's input rate),
 * {@code NAME.recording.npy} (the same on the recording's own time axis), {@code NAME.json} (class,
 * probability, per-lead importance, top windows with their wave) and {@code NAME.png} (the leads on
 * ECG paper with the attribution as a colour band). A recording that cannot be read or prepared gives
 * an error line naming it; the others are still explained.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Show where in each recording a model looked: attributions per lead and time (npy, json, png).")
public final class ExplainCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL.onnx",
            description = "The ONNX model, or the name of a model the platform knows (see 'models').")
    String model;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or ZIP archives.")
    List<Path> paths;

    @Option(names = "--class", paramLabel = "C", description = "Class to explain (default: the predicted one).")
    String className;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "ig",
            description = "ig (Integrated Gradients), gradcam or occlusion (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "32",
            description = "Integrated Gradients steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the npy, json and png files.")
    Path out;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() throws Exception {
        AttributionMethod chosen;
        try {
            chosen = AttributionMethod.of(method);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (steps < 1) {
            System.err.println("error: --steps must be at least 1, got " + steps);
            return 2;
        }
        Files.createDirectories(out);
        List<ReadResult> read = PredictCommand.readNamed(paths, recordingOptions);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        int failed = 0;
        try (ExplainableModel m = ExplainableModel.open(ModelCatalog.resolve(model));
                Explainer explainer = new Explainer(m, steps)) {
            for (ReadResult r : read) {
                if (!r.ok()) {
                    System.err.println("error: " + r.name() + ": " + r.error().reason());
                    failed++;
                    continue;
                }
                try {
                    Explanation e = explainer.explain(r.name(), r.ecg(), chosen, className);
                    String base = fileStem(r.name());
                    NpyWriter.write(e.attribution().values(), out.resolve(base + ".attribution.npy"));
                    NpyWriter.write(e.onRecording(), out.resolve(base + ".recording.npy"));
                    AttributionPicture.write(e, r.ecg(), chosen.key(), m.rate(), out.resolve(base + ".png"));
                    Map<String, Object> summary = explainer.summary(e, chosen);
                    summary.put("attribution_npy", base + ".attribution.npy");
                    summary.put("recording_npy", base + ".recording.npy");
                    summary.put("picture", base + ".png");
                    json.writeValue(out.resolve(base + ".json").toFile(), summary);
                    System.out.printf(java.util.Locale.ROOT, "%s: %s %.3f -> %s.{json,png,attribution.npy,recording.npy}%n",
                            r.name(), e.className(), e.probability(), out.resolve(base));
                } catch (IllegalArgumentException | java.io.IOException e) {
                    System.err.println("error: " + r.name() + ": " + e.getMessage());
                    failed++;
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /** A file name for a recording's outputs: its name without extension, folders and archive marks joined by '_'. */
    static String fileStem(String name) {
        String s = name.replace("!/", "_").replace('/', '_').replace('\\', '_');
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }
}
