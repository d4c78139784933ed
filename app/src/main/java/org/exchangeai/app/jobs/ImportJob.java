package org.exchangeai.app.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.LabelTable;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.io.archive.Archives;

/**
 * Reads every recording in an upload folder into a dataset. Each recording is stored whole
 * (signal file first, then its row in one transaction), so an import stopped at any point
 * leaves only complete recordings behind. A file that cannot be read becomes an error row.
 * A {@code labels.csv} at the top of the upload or inside a ZIP is added to the dataset's labels.
 * ZIP entries the archive layer refuses to unpack ({@code ../} paths, oversized entries) become
 * error rows named {@code archive.zip!/entry} with the reason, like files that cannot be read.
 */
public final class ImportJob implements Job {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace ws;
    private final Datasets datasets;
    private final long datasetId;
    private final Path folder;
    private final ReadOptions options;

    public ImportJob(Workspace ws, long datasetId, Path folder, ReadOptions options) {
        this.ws = ws;
        this.datasets = new Datasets(ws);
        this.datasetId = datasetId;
        this.folder = folder;
        this.options = options;
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        Formats.Scan scan = Formats.scan(List.of(folder));
        List<Formats.Scan.Entry> entries = scan.recordings();
        ctx.log("found " + entries.size() + " recording file(s), " + scan.skipped().size() + " other file(s)");
        Counts n = new Counts();
        Path topLabels = folder.resolve("labels.csv");
        if (Files.isRegularFile(topLabels)) {
            takeLabels(ctx, topLabels, "labels.csv", n);
        }
        for (int i = 0; i < entries.size(); i++) {
            if (ctx.cancelled()) {
                ctx.log("stopped after " + i + " of " + entries.size() + " files");
                break;
            }
            Formats.Scan.Entry entry = entries.get(i);
            String relative = entry.relative().toString().replace('\\', '/');
            String originalSha = storeOriginal(entry.file());
            if (Files.isRegularFile(entry.file()) && Archives.isZip(entry.file())) {
                importArchive(ctx, entry.file(), relative, originalSha, n);
            } else {
                ReadResult r = Formats.readEntry(entry, options).get(0);
                keep(ctx, relative, r.ok() ? r.ecg() : null, r.ok() ? null : r.error().reason(), originalSha, n);
            }
            ctx.progress((i + 1.0) / entries.size(), String.format(Locale.ROOT, "%d of %d files: %d read, %d failed",
                    i + 1, entries.size(), n.ok, n.failed));
        }
        ctx.result("{\"read\":" + n.ok + ",\"failed\":" + n.failed + ",\"skipped\":" + scan.skipped().size()
                + ",\"labels\":" + n.labels + ",\"refusedEntries\":" + n.refused + "}");
        ctx.progress(1, n.ok + " read, " + n.failed + " failed" + (n.refused == 0 ? ""
                : " (" + n.refused + " archive entr" + (n.refused == 1 ? "y" : "ies") + " refused unread)")
                + (scan.skipped().isEmpty() ? "" : ", " + scan.skipped().size()
                + " non-recording file(s) skipped") + (n.labels == 0 ? "" : ", " + n.labels + " label(s) taken from labels.csv"));
    }

    /** Running totals of one import. */
    private static final class Counts {
        int ok;
        int failed;
        int labels;
        /** Archive entries refused before reading (also counted as failed). */
        int refused;
    }

    /**
     * Reads each recording of a ZIP archive as its own row ({@code archive.zip!/entry}), checking
     * for cancellation between entries; the archive's {@code labels.csv} becomes the dataset's labels.
     */
    private void importArchive(JobContext ctx, Path zip, String relative, String originalSha, Counts n) throws Exception {
        Archives.Expanded x;
        try {
            x = Archives.expand(zip, ws.dir().resolve("tmp"));
        } catch (EcgReadException e) {
            keep(ctx, relative, null, e.reason(), originalSha, n);
            return;
        }
        try (x) {
            String own = zip.getFileName().toString() + "!/";
            if (x.labels() != null) {
                takeLabels(ctx, x.labels(), relative + "!/" + x.folder().relativize(x.labels()).toString().replace('\\', '/'), n);
            }
            // entries the archive layer would not unpack ('../' paths, bombs) are rows of their own, by name
            for (ReadResult r : x.refused()) {
                keep(ctx, relative + "!/" + r.name().substring(own.length()), null, r.error().reason(), originalSha, n);
                n.refused++;
            }
            for (Formats.Scan.Entry inner : x.recordings()) {
                if (ctx.cancelled()) {
                    return;
                }
                String shown = relative + "!/" + inner.name().substring(own.length());
                try {
                    Ecg ecg = Formats.read(inner.file(), options);
                    SourceInfo s = ecg.source();
                    if (s != null) {
                        ecg = ecg.toBuilder().source(new SourceInfo(shown, s.format(), s.units(), s.gains(), s.baselines(),
                                s.originalFs(), s.notes(), s.device(), s.acquisitionTime(), s.properties())).build();
                    }
                    keep(ctx, shown, ecg, null, originalSha, n);
                } catch (EcgReadException e) {
                    keep(ctx, shown, null, e.reason(), originalSha, n);
                }
            }
        }
    }

    private void keep(JobContext ctx, String name, Ecg ecg, String error, String originalSha, Counts n) throws Exception {
        if (ecg != null) {
            store(name, ecg, originalSha);
            n.ok++;
        } else {
            datasets.putRecording(datasetId, name, "error", error, null, null, null, null, null, originalSha, null);
            ctx.log(name + ": " + error);
            n.failed++;
        }
    }

    /** Adds a label table found among the uploaded files; a table that cannot be read is reported, not fatal. */
    private void takeLabels(JobContext ctx, Path csv, String shown, Counts n) throws Exception {
        try {
            List<Datasets.Label> labels = LabelTable.parse(Files.readString(csv, StandardCharsets.UTF_8), shown);
            datasets.addLabels(datasetId, labels);
            n.labels += labels.size();
            ctx.log(shown + ": " + labels.size() + " label(s) taken");
        } catch (IllegalArgumentException | IOException e) {
            ctx.log(shown + ": labels not taken: " + e.getMessage());
        }
    }

    private String storeOriginal(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ws.files().put(in);
        }
    }

    private void store(String name, Ecg ecg, String originalSha) throws Exception {
        String sha = ws.files().put(RecordingCodec.encode(ecg));
        datasets.putRecording(datasetId, name, "ok", null, ecg.source() == null ? null : ecg.source().format(),
                String.join(",", ecg.leads()), ecg.fs(), ecg.length(), sha, originalSha, summary(ecg));
    }

    static String summary(Ecg ecg) {
        ObjectNode n = JSON.createObjectNode();
        n.put("units", ecg.source() == null ? null : ecg.source().units());
        n.putPOJO("derived", List.copyOf(ecg.derivedLeads()));
        n.putPOJO("warnings", ecg.warnings());
        ObjectNode m = n.putObject("measurements");
        for (Measurement x : ecg.measurements()) {
            m.put(x.name(), x.value());
        }
        n.putPOJO("statements", ecg.statements());
        n.put("annotations", ecg.annotations().size());
        return n.toString();
    }
}
