package org.exchangeai.app.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;

/**
 * Reads every recording in an upload folder into a dataset. Each recording is stored whole
 * (signal file first, then its row in one transaction), so an import stopped at any point
 * leaves only complete recordings behind. A file that cannot be read becomes an error row.
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
        int ok = 0;
        int failed = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (ctx.cancelled()) {
                ctx.log("stopped after " + i + " of " + entries.size() + " files");
                break;
            }
            Formats.Scan.Entry entry = entries.get(i);
            String relative = entry.relative().toString().replace('\\', '/');
            for (ReadResult r : Formats.readEntry(entry, options)) {
                String name = r.name().startsWith(entry.file().toString())
                        ? relative + r.name().substring(entry.file().toString().length()) : relative;
                String originalSha = storeOriginal(entry.file());
                if (r.ok()) {
                    store(name, r.ecg(), originalSha);
                    ok++;
                } else {
                    datasets.putRecording(datasetId, name, "error", r.error().reason(), null, null, null, null, null,
                            originalSha, null);
                    ctx.log(name + ": " + r.error().reason());
                    failed++;
                }
            }
            ctx.progress((i + 1.0) / entries.size(),
                    String.format(Locale.ROOT, "%d of %d files: %d read, %d failed", i + 1, entries.size(), ok, failed));
        }
        ctx.result("{\"read\":" + ok + ",\"failed\":" + failed + ",\"skipped\":" + scan.skipped().size() + "}");
        ctx.progress(1, ok + " read, " + failed + " failed" + (scan.skipped().isEmpty() ? "" : ", " + scan.skipped().size()
                + " non-recording file(s) skipped"));
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
