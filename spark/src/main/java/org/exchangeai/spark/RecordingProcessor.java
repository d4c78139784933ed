package org.exchangeai.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.EcgReadException;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadResult;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.Prediction;
import org.exchangeai.core.model.Predictor;
import org.exchangeai.core.signal.Measurements;
import org.exchangeai.core.signal.QrsDetector;

/**
 * Turns one partition of recordings into output rows, a batch at a time: each recording is read
 * with the job's {@code ReadOptions}, analysed as {@code analyse} does, and predicted by each model
 * in batches as {@code predict} does. A recording that cannot be read, analysed or predicted gives
 * a row that says why; it never fails the task.
 */
final class RecordingProcessor implements FlatMapFunction<Iterator<RecordingGroup>, Row>, Serializable {

    private static final long serialVersionUID = 1L;

    /** What every task needs, broadcast once per executor. */
    record Plan(ArchiveOptions options, List<ModelSpec> models, HadoopConf hadoop) implements Serializable {
    }

    /** Running counts for the job's summary (applied once per successful task). */
    record Counts(LongAccumulator recordings, LongAccumulator failed, LongAccumulator analysisFailed,
            LongAccumulator predictionFailed) implements Serializable {
    }

    private final Broadcast<Plan> plan;
    private final Counts counts;

    RecordingProcessor(Broadcast<Plan> plan, Counts counts) {
        this.plan = plan;
        this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<RecordingGroup> groups) {
        Plan p = plan.value();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && groups.hasNext()) {
                    ready.addAll(batch(p, groups));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /** Reads groups until a batch of recordings is together, then analyses and predicts them. */
    private List<Row> batch(Plan p, Iterator<RecordingGroup> groups) {
        ArchiveOptions o = p.options();
        List<ReadResult> read = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (read.size() < o.batch() && groups.hasNext()) {
            RecordingGroup g = groups.next();
            for (ReadResult r : read(g, p)) {
                read.add(r);
                boolean inArchive = r.name().startsWith(g.path() + "!/");
                paths.add(inArchive ? r.name() : g.path());
                names.add(inArchive ? g.name() + r.name().substring(g.path().length()) : g.name());
            }
        }
        List<List<Prediction>> byModel = new ArrayList<>();
        for (ModelSpec m : p.models()) {
            byModel.add(predict(m, o, read));
        }
        List<Row> rows = new ArrayList<>(read.size());
        for (int i = 0; i < read.size(); i++) {
            ReadResult r = read.get(i);
            int[] rpeaks = null;
            Measurements.Result measurements = null;
            String analysisError = null;
            if (o.analyse() && r.ok()) {
                try {
                    Ecg ecg = r.ecg();
                    rpeaks = QrsDetector.detect(ecg.samples(), ecg.fs());
                    measurements = Measurements.measure(ecg.samples(), ecg.leads(), ecg.fs(), rpeaks);
                } catch (RuntimeException | StackOverflowError e) {
                    analysisError = "analysis failed: " + e;
                    rpeaks = null;
                    counts.analysisFailed().add(1);
                }
            }
            List<Prediction> preds = new ArrayList<>();
            for (List<Prediction> m : byModel) {
                preds.add(m.get(i));
                if (r.ok() && !m.get(i).ok()) {
                    counts.predictionFailed().add(1);
                }
            }
            RecordingRows.Outcome outcome = new RecordingRows.Outcome(r, names.get(i), rpeaks, measurements,
                    analysisError, preds);
            rows.add(RecordingRows.row(paths.get(i), outcome, o.analyse(), p.models(), o.signals()));
            counts.recordings().add(1);
            if (!r.ok()) {
                counts.failed().add(1);
            }
        }
        return rows;
    }

    /** Reads one group; ZIP archives give one result per recording inside. */
    static List<ReadResult> read(RecordingGroup g, Plan p) {
        java.nio.file.Path scratch = null;
        try {
            Configuration conf = p.hadoop().get();
            Path file = new Path(g.file());
            FileSystem fs = file.getFileSystem(conf);
            java.nio.file.Path local;
            if ("file".equals(fs.getScheme()) && !p.options().copyToLocal()) {
                local = LocalFiles.toLocal(file);
            } else {
                scratch = LocalFiles.scratch();
                local = scratch.resolve(file.getName());
                LocalFiles.copy(fs, file, local);
                for (String c : g.companions()) {
                    Path cp = new Path(c);
                    String rel = Grouping.relative(file.getParent().toString(), cp);
                    LocalFiles.copy(fs, cp, scratch.resolve(rel));
                }
            }
            return Formats.readEntry(new Formats.Scan.Entry(g.path(), local, local.getParent()), p.options().readOptions());
        } catch (IOException e) {
            return List.of(failed(g, LocalFiles.reason(e)));
        } catch (RuntimeException | StackOverflowError e) {
            return List.of(failed(g, "cannot be read: " + e));
        } finally {
            LocalFiles.deleteTree(scratch);
        }
    }

    private static ReadResult failed(RecordingGroup g, String reason) {
        return new ReadResult(g.path(), null, null, new EcgReadException(g.path(), reason));
    }

    /** One model's predictions for a batch; a model that cannot run at all marks every row with why. */
    private static List<Prediction> predict(ModelSpec m, ArchiveOptions o, List<ReadResult> read) {
        try {
            Predictor predictor = ModelSessions.predictor(m, o.modelThreads(), o.batch());
            return predictor.predict(read, null);
        } catch (ModelException | RuntimeException e) {
            String why = e instanceof ModelException ? e.getMessage() : "prediction failed: " + e;
            List<Prediction> out = new ArrayList<>();
            for (ReadResult r : read) {
                out.add(new Prediction(r.name(), null, null, r.ok() ? why : r.error().reason(),
                        r.ok() ? r.ecg().warnings() : Collections.emptyList()));
            }
            return out;
        }
    }
}
