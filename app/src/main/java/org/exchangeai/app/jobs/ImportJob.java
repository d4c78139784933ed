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
import org.exchangeai.app.store.FileStore;
import org.exchangeai.app.store.QuotaExceededException;
import org.exchangeai.app.store.LabelTable;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.ecg.Measurement;
import org.exchangeai.core.ecg.SourceInfo;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadLimits;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.io.archive.Archives;

/**
 * Reads every recording in an upload folder into a dataset. Each file is its own unit: it ends in
 * a stored recording or an error row with the reason, whatever goes wrong with it (a refusal, a
 * full workspace, even running out of memory while decoding it), and the other files are still
 * read. Each recording is stored whole (signal file first, then its row in one transaction), so
 * an import stopped at any point leaves only complete recordings behind. The original of a file is
 * kept only when something could be read from it. A {@code labels.csv} at the top of the upload or
 * inside a ZIP is added to the dataset's labels.
 * ZIP entries the archive layer refuses to unpack ({@code ../} paths, oversized entries) become
 * error rows named {@code archive.zip!/entry} with the reason, like files that cannot be read.
 */
public final class ImportJob implements Job {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(ImportJob.class.getName());

    /** How one scanned file is read (the formats' readers; replaceable to test containment). */
    @FunctionalInterface
    interface Reader {
        Ecg read(Path file, ReadOptions options) throws EcgReadException;
    }

    private final Workspace ws;
    private final Datasets datasets;
    private final long datasetId;
    private final Path folder;
    private final ReadOptions options;
    private final Reader reader;

    public ImportJob(Workspace ws, long datasetId, Path folder, ReadOptions options) {
        this(ws, datasetId, folder, options, Formats::read);
    }

    ImportJob(Workspace ws, long datasetId, Path folder, ReadOptions options, Reader reader) {
        this.ws = ws;
        this.datasets = new Datasets(ws);
        this.datasetId = datasetId;
        this.folder = folder;
        this.options = options;
        this.reader = reader;
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
            if (Files.isRegularFile(entry.file()) && Archives.isZip(entry.file())) {
                try {
                    importArchive(ctx, entry.file(), relative, n);
                } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                    failed(ctx, relative, e, n);
                }
            } else {
                importFile(ctx, entry.file(), relative, relative, entry.file(), n);
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

    /** Running totals of one import; {@code archiveOriginal} is the hash of the ZIP being read, once kept. */
    private static final class Counts {
        int ok;
        int failed;
        int labels;
        /** Archive entries refused before reading (also counted as failed). */
        int refused;
        String archiveOriginal;
    }

    /**
     * Reads and stores one file (or ZIP entry) as one unit: any failure, including running out of
     * memory in its decoding, becomes its error row and the import goes on.
     *
     * @param original the file whose bytes are kept as the original when the recording is read
     */
    private void importFile(JobContext ctx, Path file, String shown, String relative, Path original, Counts n) {
        try {
            Ecg ecg;
            try {
                ecg = reader.read(file, options);
            } catch (EcgReadException e) {
                keepError(ctx, shown, e.reason(), n);
                return;
            }
            if (!shown.equals(relative)) {
                SourceInfo s = ecg.source();
                if (s != null) {
                    ecg = ecg.toBuilder().source(new SourceInfo(shown, s.format(), s.units(), s.gains(), s.baselines(),
                            s.originalFs(), s.notes(), s.device(), s.acquisitionTime(), s.properties())).build();
                }
            }
            store(shown, ecg, original, n);
            n.ok++;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            failed(ctx, shown, e, n);
        }
    }

    /** The error row of a file whose import failed for another reason than a refusal by its reader. */
    private void failed(JobContext ctx, String shown, Throwable e, Counts n) {
        String reason;
        if (e instanceof OutOfMemoryError) {
            reason = "ran out of memory while decoding: the file declares more data than this server can hold "
                    + "(raise -Xmx or split the recording); the other files are still imported";
        } else if (e instanceof StackOverflowError) {
            reason = "nested too deeply to be decoded";
        } else if (e instanceof QuotaExceededException) {
            reason = e.getMessage();
        } else if (e instanceof EcgReadException r) {
            reason = r.reason();
        } else if (e instanceof IOException) {
            reason = "could not be stored in the workspace: " + (e.getMessage() == null ? "a file system error" : e.getMessage());
        } else {
            LOG.log(System.Logger.Level.ERROR, "import of " + shown + " failed", e);
            reason = "could not be imported because of an internal error (" + e.getClass().getSimpleName()
                    + "); it has been logged";
        }
        try {
            keepError(ctx, shown, reason, n);
        } catch (Exception | OutOfMemoryError again) {
            ctx.log(shown + ": " + reason + " (and its error row could not be stored)");
            n.failed++;
        }
    }

    /**
     * Reads each recording of a ZIP archive as its own row ({@code archive.zip!/entry}), checking
     * for cancellation between entries; the archive's {@code labels.csv} becomes the dataset's labels.
     */
    private void importArchive(JobContext ctx, Path zip, String relative, Counts n) throws Exception {
        Archives.Expanded x;
        try {
            x = Archives.expand(zip, ws.dir().resolve("tmp"));
        } catch (EcgReadException e) {
            keepError(ctx, relative, e.reason(), n);
            return;
        }
        n.archiveOriginal = null;
        try (x) {
            String own = zip.getFileName().toString() + "!/";
            if (x.labels() != null) {
                takeLabels(ctx, x.labels(), relative + "!/" + x.folder().relativize(x.labels()).toString().replace('\\', '/'), n);
            }
            // entries the archive layer would not unpack ('../' paths, bombs) are rows of their own, by name
            for (ReadResult r : x.refused()) {
                keepError(ctx, relative + "!/" + r.name().substring(own.length()), r.error().reason(), n);
                n.refused++;
            }
            for (Formats.Scan.Entry inner : x.recordings()) {
                if (ctx.cancelled()) {
                    return;
                }
                String shown = relative + "!/" + inner.name().substring(own.length());
                importFile(ctx, inner.file(), shown, relative, zip, n);
            }
        } finally {
            n.archiveOriginal = null;
        }
    }

    private void keepError(JobContext ctx, String name, String error, Counts n) throws Exception {
        datasets.putRecording(datasetId, name, "error", error, null, null, null, null, null, null, null);
        ctx.log(name + ": " + error);
        n.failed++;
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

    /**
     * Stores the decoded recording and its original, then its row. The decoded size is checked
     * against the recording limit and the workspace's quota before it is encoded: a small
     * compressed upload may decode to hundreds of megabytes.
     */
    private void store(String name, Ecg ecg, Path original, Counts n) throws Exception {
        long decoded = 4L * ecg.leadCount() * ecg.length();
        long limit = ReadLimits.maxRecordingBytes();
        if (decoded > limit) {
            throw new EcgReadException(name, "decodes to " + QuotaExceededException.size(decoded)
                    + " of samples, more than the " + QuotaExceededException.size(limit) + " one recording may take");
        }
        FileStore files = ws.files();
        long originalSize = n.archiveOriginal != null ? 0 : Files.size(original);
        files.checkRoom(decoded + originalSize, "'" + name + "' (" + QuotaExceededException.size(decoded)
                + " decoded, " + QuotaExceededException.size(originalSize) + " original)");
        byte[] encoded = RecordingCodec.encode(ecg);
        java.util.concurrent.locks.Lock lock = files.referencing();
        lock.lock();
        try {
            String originalSha = n.archiveOriginal;
            if (originalSha == null) {
                try (InputStream in = Files.newInputStream(original)) {
                    originalSha = files.put(in);
                }
                if (Archives.isZip(original)) {
                    n.archiveOriginal = originalSha; // the archive is kept once for all its entries
                }
            }
            String sha = files.put(encoded);
            encoded = null;
            datasets.putRecording(datasetId, name, "ok", null, ecg.source() == null ? null : ecg.source().format(),
                    String.join(",", ecg.leads()), ecg.fs(), ecg.length(), sha, originalSha, summary(ecg));
        } finally {
            lock.unlock();
        }
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
