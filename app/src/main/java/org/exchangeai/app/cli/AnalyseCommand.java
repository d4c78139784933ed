package org.exchangeai.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.signal.Delineator;
import org.exchangeai.core.signal.Measurements;
import org.exchangeai.core.signal.QrsDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * R peaks, wave boundaries and global measurements of each recording. With {@code --json}, one
 * object per recording per line: {@code file}, {@code fs}, {@code rpeaks}, {@code waves} (per lead
 * and under {@code "global"}: P, QRS and T as {@code [onset, peak, offset]} sample indices at the
 * file's own rate, {@code null} for a point not found; a wave not found in a beat is not listed),
 * {@code measurements} and {@code error}.
 */
@Command(name = "analyse", mixinStandardHelpOptions = true, aliases = "analyze",
        description = "Detect R peaks, delineate P/QRS/T and measure HR, HRV, PR, QRS, QT, QTc and axis.")
public final class AnalyseCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders (searched recursively) or ZIP archives.")
    List<Path> paths;

    @Option(names = "--json", description = "Print one JSON object per recording.")
    boolean json;

    @Mixin
    RecordingOptions recordingOptions;

    /** The analysis of one recording. */
    record Analysis(int[] rpeaks, Delineator.Result waves, Measurements.Result measurements) {
    }

    static Analysis analyse(Ecg ecg) {
        float[][] x = ecg.samples();
        int[] r = QrsDetector.detect(x, ecg.fs());
        Delineator.Result d = Delineator.delineate(x, ecg.fs(), r);
        Measurements.Result m = Measurements.measure(x, ecg.leads(), ecg.fs(), r);
        return new Analysis(r, d, m);
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        int ok = 0;
        int failed = 0;
        if (!json) {
            out.printf(Locale.ROOT, "%-40s %8s %6s %6s %7s %7s %7s %7s %7s %7s %7s %6s%n", "file", "fs", "beats", "HR",
                    "SDNN", "RMSSD", "PR", "QRS", "QT", "QTcB", "QTcF", "axis");
        }
        for (ReadResult r : Formats.readAll(paths, recordingOptions.toReadOptions())) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("file", r.name());
            String error = r.ok() ? null : r.error().reason();
            Analysis a = null;
            if (r.ok()) {
                try {
                    a = analyse(r.ecg());
                } catch (RuntimeException e) {
                    error = "analysis failed: " + e;
                }
            }
            if (error == null) {
                ok++;
            } else {
                failed++;
            }
            if (json) {
                line.put("fs", r.ok() ? r.ecg().fs() : null);
                line.put("rpeaks", a == null ? null : a.rpeaks());
                line.put("waves", a == null ? null : waves(r.ecg(), a.waves()));
                line.put("measurements", a == null ? null : a.measurements().asMap());
                line.put("error", error);
                out.println(RecordingJson.line(line));
            } else if (error != null) {
                out.println(r.name() + "  ERROR: " + error);
            } else {
                Measurements.Result m = a.measurements();
                out.printf(Locale.ROOT, "%-40s %8s %6d %6s %7s %7s %7s %7s %7s %7s %7s %6s%n", r.name(),
                        InspectCommand.formatRate(r.ecg().fs()), a.rpeaks().length, f(m.hrBpm()), f(m.sdnnMs()),
                        f(m.rmssdMs()), f(m.prMs()), f(m.qrsMs()), f(m.qtMs()), f(m.qtcBazettMs()),
                        f(m.qtcFridericiaMs()), f(m.axisDeg()));
            }
        }
        if (!json) {
            out.printf(Locale.ROOT, "%d recording%s analysed, %d failed (HR in bpm, intervals in ms, axis in degrees)%n",
                    ok, ok == 1 ? "" : "s", failed);
        }
        return failed == 0 && ok > 0 ? 0 : 1;
    }

    static Map<String, Object> waves(Ecg ecg, Delineator.Result d) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int l = 0; l < ecg.leadCount(); l++) {
            out.put(ecg.leads().get(l), byWave(d.perLead().get(l)));
        }
        out.put("global", byWave(d.global()));
        return out;
    }

    private static Map<String, Object> byWave(List<Delineator.BeatWaves> beats) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("P", points(beats, Delineator.BeatWaves::p));
        m.put("QRS", points(beats, Delineator.BeatWaves::qrs));
        m.put("T", points(beats, Delineator.BeatWaves::t));
        return m;
    }

    private static List<List<Integer>> points(List<Delineator.BeatWaves> beats,
            Function<Delineator.BeatWaves, Delineator.Wave> wave) {
        List<List<Integer>> out = new ArrayList<>();
        for (Delineator.BeatWaves b : beats) {
            Delineator.Wave w = wave.apply(b);
            if (w != null) {
                out.add(Arrays.asList(point(w.onset()), point(w.peak()), point(w.offset())));
            }
        }
        return out;
    }

    private static Integer point(int sample) {
        return sample == Delineator.NOT_FOUND ? null : sample;
    }

    private static String f(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }
}
