package org.exchangeai.app.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a model over recordings and writes one CSV row of class probabilities per recording. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Predict class probabilities for each recording with an ONNX model.")
public final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or ZIP archives.")
    List<Path> paths;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Write the CSV here instead of the screen.")
    Path out;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() throws Exception {
        List<ReadResult> read = readNamed(paths, recordingOptions);
        try (OnnxModel model = modelOptions.load()) {
            model.warnings().forEach(w -> System.err.println("warning: " + w));
            if (!model.card().headTrained()) {
                System.err.println(model.file() + " is a pretrained encoder whose classifier head was never trained, so "
                        + "its outputs mean nothing yet; fine-tune it first: exchangeai finetune --base "
                        + model.file().getFileName() + " --method head --labels labels.csv PATH... --out NEW.onnx");
                return 2;
            }
            List<Prediction> preds;
            try (ProgressBar bar = progress("Predicting", read.size())) {
                preds = Predictor.forModel(model, modelOptions.batch).predict(read, done -> bar.stepTo(done));
            }
            List<String> classes = model.card().classes();
            if (out != null) {
                ensureParent(out);
            }
            PrintStream target = out == null ? System.out : new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8);
            try (PrintWriter w = new PrintWriter(target)) {
                writeCsv(w, classes, preds);
            }
            long failed = preds.stream().filter(p -> !p.ok()).count();
            if (out != null) {
                System.err.printf(Locale.ROOT, "%d predictions written to %s (%d failed)%n", preds.size() - failed, out, failed);
            }
            return failed == 0 ? 0 : 1;
        }
    }

    static void writeCsv(PrintWriter w, List<String> classes, List<Prediction> preds) {
        List<String> header = new ArrayList<>();
        header.add("file_name");
        header.addAll(classes);
        header.add("predicted");
        w.println(String.join(",", header.stream().map(PredictCommand::csv).toList()));
        for (Prediction p : preds) {
            StringBuilder sb = new StringBuilder(csv(p.name()));
            for (int c = 0; c < classes.size(); c++) {
                sb.append(',');
                if (p.ok()) {
                    sb.append(String.format(Locale.ROOT, "%.6f", p.probabilities()[c]));
                }
            }
            sb.append(',').append(p.ok() ? csv(p.predicted()) : csv("ERROR: " + p.error()));
            w.println(sb);
        }
        w.flush();
    }

    static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /**
     * Reads the inputs, naming each recording by its path relative to the folder it was found in
     * (as label tables name files), or by its file name when given directly.
     */
    static List<ReadResult> readNamed(List<Path> paths, RecordingOptions options) {
        List<ReadResult> out = new ArrayList<>();
        Formats.Scan scan = Formats.scan(paths);
        try (ProgressBar bar = progress("Reading", scan.recordings().size())) {
            for (Formats.Scan.Entry e : scan.recordings()) {
                String rel = e.relative().toString().replace('\\', '/');
                for (ReadResult r : Formats.readEntry(e, options.toReadOptions())) {
                    String name = r.name().contains("!/") ? r.name() : rel;
                    out.add(new ReadResult(name, r.file(), r.ecg(), r.error()));
                }
                bar.step();
            }
        }
        return out;
    }

    static ProgressBar progress(String task, long total) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

    static void ensureParent(Path p) throws IOException {
        if (p.toAbsolutePath().getParent() != null) {
            Files.createDirectories(p.toAbsolutePath().getParent());
        }
    }
}
