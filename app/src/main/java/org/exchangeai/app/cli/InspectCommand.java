package org.exchangeai.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists what is in files and folders: one line (or JSON object) per recording, then a summary. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show format, leads, rate, duration, units and warnings of each recording.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders (searched recursively) or ZIP archives.")
    List<Path> paths;

    @Option(names = "--json", description = "Print one JSON object per recording.")
    boolean json;

    @Mixin
    RecordingOptions recordingOptions;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Formats.Scan scan = Formats.scan(paths);
        int ok = 0;
        int failed = 0;
        for (Formats.Scan.Entry entry : scan.recordings()) {
            for (ReadResult r : Formats.readEntry(entry, recordingOptions.toReadOptions())) {
                if (r.ok()) {
                    ok++;
                } else {
                    failed++;
                }
                if (json) {
                    out.println(RecordingJson.line(RecordingJson.describe(r)));
                } else {
                    printLine(out, r);
                }
            }
        }
        if (!json) {
            out.printf(Locale.ROOT, "%d recording%s read, %d failed, %d file%s skipped (not recordings)%n",
                    ok, ok == 1 ? "" : "s", failed, scan.skipped().size(), scan.skipped().size() == 1 ? "" : "s");
        }
        return failed == 0 && ok > 0 ? 0 : 1;
    }

    private static void printLine(PrintStream out, ReadResult r) {
        if (!r.ok()) {
            out.println(r.name() + "  ERROR: " + r.error().reason());
            return;
        }
        Ecg ecg = r.ecg();
        float[] range = ecg.amplitudeRange();
        StringBuilder sb = new StringBuilder();
        sb.append(r.name()).append("  ").append(ecg.source() == null ? "?" : ecg.source().format());
        sb.append(String.format(Locale.ROOT, "  %d leads (%s)  %s Hz  %.2f s  %d samples  %s  [%.3f, %.3f] mV",
                ecg.leadCount(), String.join(",", ecg.leads()), formatRate(ecg.fs()), ecg.durationSeconds(), ecg.length(),
                ecg.source() == null || ecg.source().units() == null ? "mV" : "stored in " + ecg.source().units(),
                range[0], range[1]));
        if (!ecg.derivedLeads().isEmpty()) {
            sb.append("  derived: ").append(String.join(",", ecg.derivedLeads()));
        }
        if (ecg.representativeBeat() != null) {
            sb.append("  median beat: ").append(ecg.representativeBeat().length()).append(" samples");
        }
        if (!ecg.annotations().isEmpty()) {
            sb.append("  annotations: ").append(ecg.annotations().size());
        }
        out.println(sb);
        if (!ecg.measurements().isEmpty()) {
            out.println("    device measurements: " + String.join(", ", RecordingJson.measurementTexts(ecg)));
        }
        for (String s : ecg.statements()) {
            out.println("    statement: " + s);
        }
        for (String w : ecg.warnings()) {
            out.println("    warning: " + w);
        }
    }

    static String formatRate(double fs) {
        return fs == Math.rint(fs) ? String.valueOf((long) fs) : String.format(Locale.ROOT, "%.3f", fs);
    }
}
