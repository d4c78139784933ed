package org.exchangeai.app.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.io.numeric.NpyWriter;
import org.exchangeai.core.io.text.CsvWriter;
import org.exchangeai.core.io.wfdb.WfdbWriter;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.prep.Preparation;
import org.exchangeai.core.prep.Prepared;
import org.exchangeai.core.signal.Resampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Writes harmonised recordings (mV, canonical lead order) as CSV, NumPy or WFDB, mirroring the
 * input folder layout, with an {@code index.jsonl} describing every recording and its output.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, description = "Write recordings as harmonised CSV, NumPy or WFDB files (mV, canonical lead order).")
public final class ConvertCommand implements Callable<Integer> {

    /** Output formats. */
    enum Target { csv, npy, wfdb }

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or ZIP archives.")
    List<Path> paths;

    @Option(names = "--to", required = true, description = "Output format: ${COMPLETION-CANDIDATES}.")
    Target to;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if needed).")
    Path out;

    @Option(names = "--resample", paramLabel = "HZ",
            description = "Resample every recording to this rate (anti-aliased polyphase filter).")
    Double resample;

    @Option(names = "--prepare-for", paramLabel = "MODEL.onnx",
            description = "Write exactly the float32 [leads, samples] array this model is given (needs --to npy).")
    String prepareFor;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() throws Exception {
        if (prepareFor != null && to != Target.npy) {
            System.err.println("--prepare-for writes model input arrays: use it with --to npy");
            return 2;
        }
        if (prepareFor != null && resample != null) {
            System.err.println("--prepare-for already resamples as the model needs: leave out --resample");
            return 2;
        }
        if (resample != null && !(resample > 0)) {
            System.err.println("--resample needs a positive rate in Hz");
            return 2;
        }
        Preparation preparation = null;
        if (prepareFor != null) {
            try (OnnxModel m = OnnxModel.load(ModelCatalog.resolve(prepareFor), 1)) {
                preparation = Preparation.fromMetadata(m.card().metadata());
            }
        }
        Files.createDirectories(out);
        ReadOptions options = recordingOptions.toReadOptions();
        Formats.Scan scan = Formats.scan(paths);
        int ok = 0;
        int failed = 0;
        try (BufferedWriter index = Files.newBufferedWriter(out.resolve("index.jsonl"), StandardCharsets.UTF_8);
                ProgressBar bar = PredictCommand.progress("Converting", scan.recordings().size())) {
            for (Formats.Scan.Entry entry : scan.recordings()) {
                for (ReadResult r : Formats.readEntry(entry, options)) {
                    Map<String, Object> line = RecordingJson.describe(r);
                    if (!options.describe().isEmpty()) {
                        line.put("options", options.describe());
                    }
                    if (r.ok()) {
                        try {
                            String written = write(r, entry, preparation, line);
                            line.put(to.name(), written);
                            ok++;
                        } catch (IOException | RuntimeException e) {
                            line.put("error", "cannot be written: " + e.getMessage());
                            failed++;
                        }
                    } else {
                        failed++;
                    }
                    if (line.get("error") != null) {
                        System.err.println(r.name() + ": " + line.get("error"));
                    }
                    index.write(RecordingJson.line(line));
                    index.newLine();
                }
                bar.step();
            }
        }
        System.err.printf(Locale.ROOT, "%d recording%s written to %s, %d failed%n", ok, ok == 1 ? "" : "s", out, failed);
        return failed == 0 && ok > 0 ? 0 : 1;
    }

    /** Writes one recording; returns the written file's path relative to the output folder. */
    private String write(ReadResult r, Formats.Scan.Entry entry, Preparation preparation, Map<String, Object> line)
            throws IOException {
        Ecg ecg = r.ecg();
        String rel = outputStem(r, entry);
        if (preparation != null) {
            Prepared p = preparation.prepare(ecg);
            line.put("preparation", preparation.toJson());
            if (!p.warnings().isEmpty()) {
                line.put("preparationWarnings", p.warnings());
            }
            ecg = asEcg(p.input(), preparation.leads(), preparation.samplingRate(), ecg.source());
        } else if (resample != null && resample != ecg.fs()) {
            ecg = resampled(ecg, resample);
            line.put("resampledTo", resample);
        }
        Path target = out.resolve(rel + "." + (to == Target.wfdb ? "hea" : to.name()));
        Files.createDirectories(target.getParent());
        switch (to) {
            case csv -> CsvWriter.write(ecg, target);
            case npy -> NpyWriter.write(ecg, target, preparation != null
                    ? NpyWriter.Layout.LEADS_BY_SAMPLES : NpyWriter.Layout.SAMPLES_BY_LEADS);
            case wfdb -> WfdbWriter.write(ecg, target.getParent(), target.getFileName().toString().replaceAll("\\.hea$", ""));
            default -> throw new IllegalStateException();
        }
        return out.relativize(target).toString().replace('\\', '/');
    }

    /** The input's path relative to the folder it was found in, without extension ({@code a/b/c}). */
    static String outputStem(ReadResult r, Formats.Scan.Entry entry) {
        String rel;
        int bang = r.name().indexOf("!/");
        if (bang >= 0) {
            String archive = entry.relative().toString().replace('\\', '/');
            rel = stripExtension(archive) + "/" + r.name().substring(bang + 2);
        } else {
            rel = entry.relative().toString().replace('\\', '/');
        }
        return stripExtension(rel);
    }

    private static String stripExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(0, dot) : path;
    }

    static Ecg resampled(Ecg ecg, double fs) {
        double[][] x = new double[ecg.leadCount()][ecg.length()];
        for (int l = 0; l < ecg.leadCount(); l++) {
            for (int t = 0; t < ecg.length(); t++) {
                x[l][t] = ecg.get(l, t);
            }
        }
        double[][] y = Resampler.resample(x, ecg.fs(), fs, Resampler.Method.POLYPHASE);
        Ecg.Builder nb = Ecg.builder(fs).deriveMissingLimbLeads(false);
        for (int l = 0; l < ecg.leadCount(); l++) {
            float[] f = new float[y[l].length];
            for (int t = 0; t < f.length; t++) {
                f[t] = (float) y[l][t];
            }
            nb.lead(ecg.leads().get(l), f, ecg.derivedLeads().contains(ecg.leads().get(l)));
        }
        nb.source(ecg.source()).measurements(ecg.measurements()).statements(ecg.statements());
        ecg.warnings().forEach(nb::warning);
        nb.warning(String.format(Locale.ROOT, "resampled from %s Hz to %s Hz", InspectCommand.formatRate(ecg.fs()),
                InspectCommand.formatRate(fs)));
        double k = fs / ecg.fs();
        for (org.exchangeai.core.ecg.Annotation a : ecg.annotations()) {
            nb.annotation(new org.exchangeai.core.ecg.Annotation(Math.round(a.sample() * k), a.code(), a.lead(), a.text(),
                    a.subtype()));
        }
        return nb.build();
    }

    private static Ecg asEcg(float[][] input, List<String> leads, double fs, SourceInfo source) {
        Ecg.Builder b = Ecg.builder(fs).deriveMissingLimbLeads(false);
        for (int l = 0; l < leads.size(); l++) {
            b.lead(leads.get(l), input[l]);
        }
        return b.source(source).build();
    }
}
