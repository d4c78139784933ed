package org.exchangeai.app.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Datasets.Recording;
import org.exchangeai.app.store.RecordingCodec;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.comparison.Candidate;
import org.exchangeai.core.comparison.CrossValidation;
import org.exchangeai.core.comparison.FoldResult;
import org.exchangeai.core.comparison.FolderStore;
import org.exchangeai.core.comparison.Leaderboard;
import org.exchangeai.core.comparison.PatientTable;
import org.exchangeai.core.comparison.Reports;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.train.Method;

/**
 * A k-fold comparison of several candidates on one dataset, run as one training job: the labelled
 * recordings in a fixed order (by name), the candidates on the same patient-grouped folds, the
 * leaderboard with intervals and paired tests. Finished folds are kept in the comparison's folder, so
 * a comparison stopped by the user or by a restart continues fold by fold when it is queued again.
 * The result JSON carries the progress and, at the end, the leaderboard; the folder gets the same
 * files as {@code exchangeai compare --out}.
 */
public final class CrossValidationJob implements Job {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One candidate: a base model file (head, all, scratch) or a zoo architecture (scratch). */
    public record Plan(String key, String label, Path baseFile, String zoo, Method method) {
    }

    /**
     * @param labels the label of each labelled recording ({@code A|B} for several), by recording id
     * @param dir the comparison's folder (folds, reports, the patient table)
     * @param patientTable a table with a patient column, or {@code null}
     */
    public record Spec(long datasetId, Map<Long, String> labels, List<Plan> candidates, CrossValidation.Settings settings, int resamples, long seed,
            Path dir, Path patientTable) {
    }

    private final Workspace ws;
    private final Spec spec;

    public CrossValidationJob(Workspace ws, Spec spec) {
        this.ws = ws;
        this.spec = spec;
    }

    /** Where finished folds are kept. */
    public static Path folds(Path dir) {
        return dir.resolve("folds");
    }

    @Override
    public void run(JobContext ctx) throws Exception {
        Datasets datasets = new Datasets(ws);
        Datasets.Dataset d = datasets.get(spec.datasetId())
                .orElseThrow(() -> new IllegalArgumentException("dataset " + spec.datasetId() + " no longer exists"));
        Map<Long, String> labelOf = spec.labels();
        List<Recording> recs = new ArrayList<>(datasets.recordings(d.id()).stream()
                .filter(r -> r.ok() && labelOf.containsKey(r.id())).toList());
        recs.sort(Comparator.comparing(Recording::name).thenComparing(Recording::id));
        List<String> ids = new ArrayList<>();
        List<Ecg> ecgs = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        for (int i = 0; i < recs.size(); i++) {
            Recording r = recs.get(i);
            ids.add(r.name());
            ecgs.add(RecordingCodec.decode(ws.files().read(r.signalSha())));
            labels.add(List.of(labelOf.get(r.id()).split("\\s*\\|\\s*")));
            ctx.progress(0.02 * (i + 1) / recs.size(), "reading recordings: " + (i + 1) + " of " + recs.size());
        }
        if (ids.size() < spec.settings().folds()) {
            throw new IllegalArgumentException(d.name() + " has " + ids.size() + " labelled recordings, fewer than the "
                    + spec.settings().folds() + " folds");
        }
        List<String> patients = null;
        if (spec.patientTable() != null) {
            PatientTable table = PatientTable.read(spec.patientTable());
            patients = ids.stream().map(table::patientOf).toList();
            long known = patients.stream().filter(p -> p != null).count();
            ctx.log(known + " of " + ids.size() + " recordings have a patient in the patient table"
                    + (known < ids.size() ? "; the others count as their own patient" : ""));
        }

        List<Candidate.Spec> specs = new ArrayList<>();
        for (Plan p : spec.candidates()) {
            if (p.zoo() != null) {
                specs.add(new Candidate.Spec(p.label(), null, null, p.zoo(), Method.SCRATCH));
            } else {
                byte[] bytes = Files.readAllBytes(p.baseFile());
                specs.add(new Candidate.Spec(p.label(), OnnxGraph.parse(bytes), OnnxGraph.sha256(bytes), null, p.method()));
            }
        }
        ctx.progress(0.03, "preparing recordings for " + specs.size() + " candidates");
        List<Candidate> candidates = Candidate.prepare(specs, ids, ecgs, labels);
        ecgs.clear();

        int total = spec.settings().units(candidates.size());
        ObjectNode out = JSON.createObjectNode();
        out.put("recordings", ids.size());
        out.put("total", total);
        out.put("done", 0);
        ctx.result(out.toString());
        Map<String, double[]> timing = new HashMap<>(); // per candidate label: seconds, recording-epochs
        CrossValidation cv = new CrossValidation(spec.settings());
        cv.onTrainer(t -> t.onEvent(ev -> {
            if (ctx.cancelled()) {
                cv.cancel();
            }
        }));
        cv.onProgress(p -> {
            FoldResult r = p.last();
            if (!p.reused()) {
                double[] t = timing.computeIfAbsent(r.candidate(), k -> new double[2]);
                t[0] += r.seconds();
                t[1] += (double) r.trainSize() * Math.max(1, r.epochs());
            }
            out.put("done", p.done());
            ctx.result(out.toString());
            ctx.progress(0.03 + 0.95 * p.done() / p.total(), String.format(Locale.ROOT,
                    "%d of %d fold runs: %s, seed %d, fold %d, %d %% of the training part%s%s", p.done(), p.total(),
                    r.candidate(), r.seed(), r.fold() + 1, Math.round(r.fraction() * 100), p.reused() ? " (kept from before)" : "",
                    Double.isFinite(p.remainingSeconds()) && p.done() < p.total()
                            ? String.format(Locale.ROOT, "; about %s left", duration(p.remainingSeconds())) : ""));
            if (ctx.cancelled()) {
                cv.cancel();
            }
        });
        CrossValidation.Result result = cv.run(ids, patients, candidates,
                new FolderStore(folds(spec.dir()), ctx::log));
        ObjectNode perRecordingEpoch = out.putObject("secondsPerRecordingEpoch");
        for (Plan p : spec.candidates()) {
            double[] t = timing.get(p.label());
            if (t != null && t[1] > 0) {
                perRecordingEpoch.put(p.key(), t[0] / t[1]);
            }
        }
        if (!result.complete()) {
            out.put("status", "stopped");
            ctx.result(out.toString());
            ctx.log("stopped after " + result.runs().size() + " of " + total + " fold runs; the finished ones are kept");
            return;
        }
        ctx.progress(0.98, "bootstrap and paired tests");
        Leaderboard board = Leaderboard.of(result, spec.resamples(), spec.seed(), 0.95);
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("created", Instant.now().toString());
        about.put("dataset", d.name());
        Reports.write(spec.dir(), result, board, about);
        out.put("status", "done");
        out.set("leaderboard", JSON.valueToTree(board));
        ctx.result(JSON.writeValueAsString(out));
        ctx.progress(1, board.conclusion());
    }

    /** "45 s", "12 min", "2.5 h". */
    public static String duration(double seconds) {
        if (seconds < 90) {
            return Math.round(seconds) + " s";
        }
        if (seconds < 5400) {
            return Math.round(seconds / 60) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
