package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.exchangeai.app.jobs.ImportJob;
import org.exchangeai.app.jobs.JobInfo;
import org.exchangeai.app.jobs.JobRunner;
import org.exchangeai.app.store.Datasets.Dataset;
import org.exchangeai.app.store.Datasets.Label;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.app.store.FileStore;
import org.exchangeai.app.store.LabelTable;
import org.exchangeai.app.store.QuotaExceededException;
import org.exchangeai.core.io.ReadOptions;

/** Datasets: create, upload recordings and labels, see what was read, export. */
public final class DataPage implements Page {

    /** What the data template shows. */
    public record Model(List<Dataset> datasets, Dataset selected, List<Recording> recordings, Map<String, Integer> histogram,
            Map<String, String> labels, String labelReport, String error, String notice, String storage) {
        public int histogramMax() {
            return histogram.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        }

        public String labelOf(String recordingName) {
            String l = labels.get(LabelMatch.key(recordingName));
            if (l == null) {
                l = labels.get(LabelMatch.stem(recordingName));
            }
            return l == null ? "–" : l;
        }
    }

    private final Services s;
    private final Map<Long, String> lastLabelReport = new HashMap<>();

    public DataPage(Services s) {
        this.s = s;
        // pages are made before any job runs: upload folders still here belong to imports that a
        // stopped or killed process never finished, and nothing will read them again
        Path uploads = s.workspace().dir().resolve("uploads");
        deleteTree(uploads);
        try {
            Files.createDirectories(uploads);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + uploads, e);
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/data", ctx -> {
            List<Dataset> all = s.datasets().list();
            if (!all.isEmpty()) {
                // a notice (e.g. of a deletion) goes along
                ctx.redirect("/data/" + all.get(all.size() - 1).id() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
            } else {
                show(ctx, null, null, notice(ctx));
            }
        });
        routes.post("/data", this::create);
        routes.get("/data/{id}", ctx -> show(ctx, id(ctx), null, notice(ctx)));
        routes.post("/data/{id}/delete", this::deleteDataset);
        routes.post("/data/{id}/recordings/{rid}/delete", this::deleteRecording);
        routes.post("/data/{id}/upload", this::upload);
        routes.post("/data/{id}/labels", this::labels);
        routes.get("/data/{id}/jobs", this::jobsPartial);
        routes.get("/data/{id}/export", ctx -> Export.write(ctx, s, dataset(id(ctx)), ctx.queryParam("as")));
    }

    static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such dataset");
        }
    }

    private Dataset dataset(long id) throws Exception {
        return s.datasets().get(id).orElseThrow(() -> new NotFoundResponse("no dataset " + id));
    }

    private static String notice(Context ctx) {
        String freed = ctx.queryParam("freed");
        if (freed == null || !freed.matches("\\d{1,19}")) {
            return null;
        }
        return ("recording".equals(ctx.queryParam("deleted")) ? "Recording deleted" : "Dataset deleted") + "; "
                + QuotaExceededException.size(Long.parseLong(freed)) + " of stored files freed.";
    }

    /** A dataset the current account may change: in server mode a shared one is read-only for those it is shared with. */
    private Dataset ownDataset(long id) throws Exception {
        Dataset d = dataset(id);
        if (!s.datasets().mayChange(id)) {
            throw new io.javalin.http.ForbiddenResponse("this dataset is shared with you to read; only its owner changes it");
        }
        return d;
    }

    private void show(Context ctx, Long id, String error) throws Exception {
        show(ctx, id, error, null);
    }

    private void show(Context ctx, Long id, String error, String notice) throws Exception {
        List<Dataset> all = s.datasets().list();
        Dataset selected = id == null ? null : all.stream().filter(d -> d.id() == id).findFirst()
                .orElseThrow(() -> new NotFoundResponse("no dataset " + id));
        List<Recording> recs = selected == null ? List.of() : s.datasets().recordings(selected.id());
        Map<String, Integer> hist = selected == null ? Map.of() : s.datasets().labelHistogram(selected.id());
        Map<String, String> labels = new HashMap<>();
        if (selected != null) {
            for (Label l : s.datasets().labels(selected.id())) {
                labels.put(LabelMatch.key(l.fileName()), l.label());
                labels.putIfAbsent(LabelMatch.stem(l.fileName()), l.label());
            }
        }
        Templates.html(ctx, "data.jte", Map.of("model", new Model(all, selected, recs, hist, labels,
                selected == null ? null : lastLabelReport.get(selected.id()), error, notice, storage())));
    }

    private void create(Context ctx) throws Exception {
        try {
            Dataset d = s.datasets().create(ctx.formParam("name"));
            ctx.redirect("/data/" + d.id());
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            show(ctx, null, e.getMessage());
        }
    }

    private String storage() {
        FileStore f = s.workspace().files();
        return QuotaExceededException.size(f.used()) + " of " + QuotaExceededException.size(f.quota());
    }

    private void deleteDataset(Context ctx) throws Exception {
        Dataset d = ownDataset(id(ctx));
        if (!"yes".equals(ctx.formParam("confirm"))) {
            ctx.status(400);
            show(ctx, d.id(), "Confirm the deletion of the dataset '" + d.name() + "' first.");
            return;
        }
        Optional<JobInfo> busy = s.jobs().recent(1000).stream().filter(j -> !j.state().finished())
                .filter(j -> j.params() != null && j.params().matches(".*\"dataset\"\\s*:\\s*" + d.id() + "\\b.*"))
                .findFirst();
        if (busy.isPresent()) {
            ctx.status(409);
            show(ctx, d.id(), "The dataset '" + d.name() + "' is still used by the job '" + busy.get().title()
                    + "'; cancel it or wait until it has finished, then delete the dataset.");
            return;
        }
        long freed = s.datasets().delete(d.id());
        ctx.redirect("/data?deleted=dataset&freed=" + freed);
    }

    private void deleteRecording(Context ctx) throws Exception {
        Dataset d = ownDataset(id(ctx));
        long rid;
        try {
            rid = Long.parseLong(ctx.pathParam("rid"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("There is no recording '" + RequestSafety.printable(ctx.pathParam("rid")) + "'.");
        }
        Recording r = s.datasets().recording(rid).filter(x -> x.datasetId() == d.id())
                .orElseThrow(() -> new NotFoundResponse("The dataset '" + d.name() + "' has no recording " + rid + "."));
        if (!"yes".equals(ctx.formParam("confirm"))) {
            ctx.status(400);
            show(ctx, d.id(), "Confirm the deletion of the recording '" + r.name() + "' first.");
            return;
        }
        long freed = s.datasets().deleteRecording(r.id());
        ctx.redirect("/data/" + d.id() + "?deleted=recording&freed=" + freed);
    }

    private void upload(Context ctx) throws Exception {
        Dataset d = ownDataset(id(ctx));
        // refused before the body is read: an upload the workspace has no room for
        long declared = ctx.contentLength();
        if (declared > 0) {
            try {
                s.workspace().files().checkRoom(declared, "this upload");
            } catch (QuotaExceededException e) {
                ctx.status(413);
                show(ctx, d.id(), e.getMessage());
                return;
            }
        }
        Path folder = s.workspace().dir().resolve("uploads").resolve(UUID.randomUUID().toString());
        List<UploadedFile> files;
        ReadOptions options;
        Path root;
        try {
            files = new ArrayList<>(ctx.uploadedFiles("files"));
            files.addAll(ctx.uploadedFiles("folder"));
            files.removeIf(f -> f.filename() == null || f.filename().isBlank());
            if (files.isEmpty()) {
                ctx.status(400);
                show(ctx, d.id(), "Choose at least one file, folder or ZIP to upload.");
                return;
            }
            Files.createDirectories(folder);
            for (UploadedFile f : files) {
                Path target;
                try {
                    target = folder.resolve(safeRelative(f.filename())).normalize();
                } catch (java.nio.file.InvalidPathException e) {
                    throw new BadRequestResponse("The file name '" + RequestSafety.printable(f.filename())
                            + "' cannot be stored on this machine (" + e.getReason() + "); rename it and upload again.");
                }
                if (!target.startsWith(folder)) {
                    throw new BadRequestResponse("The file name '" + RequestSafety.printable(f.filename())
                            + "' points outside the upload; rename it and upload again.");
                }
                try {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = f.content()) {
                        Files.copy(in, target);
                    }
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // the same file chosen twice: keep the first
                } catch (java.nio.file.FileSystemException e) {
                    // a name too long, or clashing with a folder of the same upload
                    throw new BadRequestResponse("The file name '" + RequestSafety.printable(f.filename())
                            + "' cannot be stored on this machine (" + (e.getReason() == null ? "refused by the file system"
                                    : e.getReason()) + "); rename it and upload again.");
                }
            }
            options = readOptions(ctx);
            root = onlySubfolder(folder);
        } catch (Exception | Error e) {
            // a failed upload leaves nothing behind
            deleteTree(folder);
            throw e;
        }
        s.jobs().submit("import", "Import " + files.size() + " file(s) into " + d.name(),
                "{\"dataset\":" + d.id() + "}", JobRunner.Queue.IO, ctx2 -> {
                    try {
                        new ImportJob(s.workspace(), d.id(), root, options).run(ctx2);
                    } finally {
                        deleteTree(folder);
                    }
                });
        ctx.redirect("/data/" + d.id());
    }

    /** A folder upload arrives as one top folder; names are kept relative to it. */
    private static Path onlySubfolder(Path folder) throws IOException {
        try (var list = Files.list(folder)) {
            List<Path> entries = list.toList();
            if (entries.size() == 1 && Files.isDirectory(entries.get(0))) {
                return entries.get(0);
            }
        }
        return folder;
    }

    static String safeRelative(String name) {
        String n = name.replace('\\', '/');
        List<String> parts = new ArrayList<>();
        for (String p : n.split("/")) {
            if (p.isEmpty() || p.equals(".") || p.equals("..")) {
                continue;
            }
            parts.add(p.replaceAll("[\\x00-\\x1f]", "_"));
        }
        if (parts.isEmpty()) {
            throw new BadRequestResponse("The file name '" + RequestSafety.printable(name)
                    + "' has no usable part (only '.', '..' or slashes); rename the file and upload again.");
        }
        return String.join("/", parts);
    }

    static ReadOptions readOptions(Context ctx) {
        try {
            Double fs = blank(ctx.formParam("fs")) ? null : Double.valueOf(ctx.formParam("fs"));
            Double gain = blank(ctx.formParam("adcGain")) ? null : Double.valueOf(ctx.formParam("adcGain"));
            String units = blank(ctx.formParam("units")) ? null : ctx.formParam("units");
            List<String> leads = blank(ctx.formParam("leads")) ? null
                    : List.of(ctx.formParam("leads").split("\\s*,\\s*"));
            return new ReadOptions(fs, units, gain, leads);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e instanceof NumberFormatException n
                    ? "A reading option is not valid: " + RequestSafety.notANumber(n).replace("this address or form field",
                            "the sampling rate and the ADC gain")
                    : "A reading option is not valid: " + RequestSafety.sentence(e.getMessage()));
        }
    }

    private static boolean blank(String v) {
        return v == null || v.isBlank();
    }

    private void labels(Context ctx) throws Exception {
        Dataset d = ownDataset(id(ctx));
        UploadedFile f = ctx.uploadedFile("labels");
        if (f == null) {
            ctx.status(400);
            show(ctx, d.id(), "Choose a label CSV to upload.");
            return;
        }
        List<Label> labels;
        try (InputStream in = f.content()) {
            labels = LabelTable.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), f.filename());
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            show(ctx, d.id(), e.getMessage());
            return;
        }
        s.datasets().putLabels(d.id(), labels);
        lastLabelReport.put(d.id(), LabelMatch.report(labels, s.datasets().recordings(d.id())));
        ctx.redirect("/data/" + d.id());
    }

    private void jobsPartial(Context ctx) throws Exception {
        long id = dataset(id(ctx)).id();
        List<JobInfo> jobs = s.jobs().recent(50).stream()
                .filter(j -> j.params() != null && j.params().contains("\"dataset\":" + id + "}")).limit(5).toList();
        Templates.html(ctx, "partials/jobs.jte", Map.of("jobs", jobs));
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover upload file is harmless
                }
            });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}
