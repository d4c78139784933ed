package org.exchangeai.core.comparison;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.exchangeai.core.model.ModelException;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.train.Example;
import org.exchangeai.core.train.Trainer;
import org.exchangeai.core.train.TrainingConfig;
import org.exchangeai.core.train.TrainingResult;

/**
 * Cross-validates candidates on the same folds: per seed one {@link Folds} partition (stratified,
 * grouped by patient), per candidate, fold and learning-curve fraction one {@link Trainer} run on the
 * (nested) training part, whose exported model is scored with ONNX Runtime on the held-out fold, exactly
 * as the single-split comparison scores its validation split. Inside each training part the trainer
 * holds out its own validation share to choose the kept epoch, so the held-out fold never influences
 * training. Finished folds go to a {@link FoldResult.Store} and are reused when the same comparison
 * runs again, so a restart continues fold by fold.
 */
public final class CrossValidation {

    /**
     * @param folds k
     * @param seeds one repetition per seed (new folds, shuffling and initialisation each)
     * @param fractions learning-curve fractions of the training part, ascending, ending with 1
     * @param training the training options every candidate shares; its method is replaced by the candidate's, its seed by each repetition's
     */
    public record Settings(int folds, List<Long> seeds, List<Double> fractions, TrainingConfig training) {
        public Settings {
            if (folds < 2) {
                throw new IllegalArgumentException("need at least 2 folds, got " + folds);
            }
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("need at least one seed");
            }
            List<Double> f = new ArrayList<>(new TreeSet<>(fractions));
            if (f.isEmpty() || f.get(0) <= 0 || f.get(f.size() - 1) > 1) {
                throw new IllegalArgumentException("learning-curve fractions must be in (0, 1], got " + fractions);
            }
            if (f.get(f.size() - 1) < 1) {
                f.add(1.0);
            }
            fractions = List.copyOf(f);
            seeds = List.copyOf(seeds);
        }

        public int units(int candidates) {
            return candidates * seeds.size() * folds * fractions.size();
        }
    }

    /**
     * Progress after each fold run.
     *
     * @param done fold runs finished (reused ones included)
     * @param total fold runs of the whole comparison
     * @param last the run that just finished
     * @param reused whether it came from the store
     * @param remainingSeconds estimate from the measured training times (per recording trained), NaN before any was measured
     */
    public record Progress(int done, int total, FoldResult last, boolean reused, double remainingSeconds) {
    }

    /** Everything the leaderboard is computed from. */
    public record Result(List<String> ids, List<List<String>> labels, List<String> patients, List<String> classes,
            boolean multiLabel, List<String> candidates, Settings settings, Map<Long, Folds> folds,
            List<FoldResult> runs, boolean complete) {
    }

    private final Settings settings;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private Consumer<Progress> listener = p -> { };
    private Consumer<Trainer> trainerHook = t -> { };

    public CrossValidation(Settings settings) {
        this.settings = settings;
    }

    public CrossValidation onProgress(Consumer<Progress> l) {
        this.listener = l;
        return this;
    }

    /** Called with each fold's trainer before it runs (e.g. to forward its epoch events). */
    public CrossValidation onTrainer(Consumer<Trainer> hook) {
        this.trainerHook = hook;
        return this;
    }

    /** Stops after the current fold's current batch; the folds finished so far stay in the store. */
    public void cancel() {
        cancelled.set(true);
    }

    /**
     * Runs every candidate on every fold.
     *
     * @param ids recording names, in the order of every candidate's examples
     * @param patients patient per recording ({@code null} entries or list when unknown)
     */
    public Result run(List<String> ids, List<String> patients, List<Candidate> candidates, FoldResult.Store store)
            throws ModelException {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: no candidate");
        }
        List<List<String>> labels = new ArrayList<>();
        for (Example e : candidates.get(0).examples()) {
            labels.add(List.copyOf(new TreeSet<>(e.labels())));
        }
        for (Candidate c : candidates) {
            if (c.examples().size() != ids.size()) {
                throw new IllegalArgumentException("candidate '" + c.name() + "' has " + c.examples().size()
                        + " recordings, the comparison " + ids.size());
            }
            for (int i = 0; i < ids.size(); i++) {
                if (!new TreeSet<>(c.examples().get(i).labels()).equals(new TreeSet<>(labels.get(i)))) {
                    throw new IllegalArgumentException("candidate '" + c.name() + "': recording " + ids.get(i)
                            + " has other labels than for the first candidate");
                }
            }
        }
        if (candidates.stream().map(Candidate::name).distinct().count() != candidates.size()) {
            throw new IllegalArgumentException("candidate names must be unique");
        }
        List<String> classes = List.copyOf(new TreeSet<>(labels.stream().flatMap(List::stream).toList()));
        boolean multiLabel = labels.stream().anyMatch(l -> l.size() > 1);
        List<String> strata = labels.stream().map(l -> String.join("|", l)).toList();
        Map<Long, Folds> folds = new HashMap<>();
        for (long seed : settings.seeds()) {
            folds.put(seed, Folds.stratified(strata, patients, settings.folds(), seed));
        }

        int total = settings.units(candidates.size());
        int done = 0;
        double secondsPerRecording = Double.NaN;
        double measuredSeconds = 0;
        long measuredRecordings = 0;
        long remainingRecordings = (long) candidates.size() * settings.seeds().size()
                * Math.round(settings.fractions().stream().mapToDouble(Double::doubleValue).sum()
                        * (ids.size() - ids.size() / (double) settings.folds()) * settings.folds());
        List<FoldResult> runs = new ArrayList<>();
        boolean complete = true;
        outer:
        for (long seed : settings.seeds()) {
            Folds partition = folds.get(seed);
            for (Candidate c : candidates) {
                for (int f = 0; f < settings.folds(); f++) {
                    for (double fraction : settings.fractions()) {
                        if (cancelled.get()) {
                            complete = false;
                            break outer;
                        }
                        int[] test = partition.test(f);
                        int[] train = partition.trainingSubset(f, strata, fraction, seed);
                        String key = FoldResult.key(c.name(), seed, fraction, f);
                        FoldResult r = store.find(key);
                        boolean reused = r != null && r.fits(test, classes);
                        if (!reused) {
                            r = runFold(c, seed, fraction, f, train, test, classes, multiLabel);
                            if (r == null) {
                                complete = false;
                                break outer;
                            }
                            store.save(r);
                            measuredSeconds += r.seconds();
                            measuredRecordings += r.trainSize();
                            secondsPerRecording = measuredSeconds / measuredRecordings;
                        }
                        remainingRecordings -= train.length;
                        runs.add(r);
                        done++;
                        listener.accept(new Progress(done, total, r, reused,
                                secondsPerRecording * Math.max(0, remainingRecordings)));
                    }
                }
            }
        }
        return new Result(List.copyOf(ids), labels, patients == null ? null : new ArrayList<>(patients), classes,
                multiLabel, candidates.stream().map(Candidate::name).toList(), settings, folds, runs, complete);
    }

    /** Trains on {@code train} and scores {@code test}; {@code null} when cancelled before a model existed. */
    private FoldResult runFold(Candidate c, long seed, double fraction, int f, int[] train, int[] test,
            List<String> classes, boolean multiLabel) throws ModelException {
        List<Example> trainExamples = new ArrayList<>();
        for (int i : train) {
            trainExamples.add(c.examples().get(i));
        }
        List<String> foldClasses = List.copyOf(new TreeSet<>(trainExamples.stream().flatMap(e -> e.labels().stream()).toList()));
        TrainingConfig cfg = forCandidate(settings.training(), c).withSeed(seed).withMultiLabel(multiLabel);
        Trainer trainer = new Trainer(cfg);
        trainerHook.accept(trainer);
        Thread watcher = null;
        if (cancelled.get()) {
            return null;
        }
        // forwards a cancel of the comparison to the running trainer
        watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (cancelled.get()) {
                    trainer.cancel();
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cross-validation-cancel");
        watcher.setDaemon(true);
        watcher.start();
        long t0 = System.nanoTime();
        TrainingResult result;
        try {
            OnnxGraph graph = c.graphFor(foldClasses, seed);
            result = trainer.train(graph, c.shaFor(graph), trainExamples, c.preparation());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s, fold %d, %d %% of the training part (%d recordings): %s", c.name(), f + 1,
                    Math.round(fraction * 100), train.length, e.getMessage()), e);
        } finally {
            watcher.interrupt();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (result.model() == null || cancelled.get()) {
            return null;
        }
        double[][] probs = score(result, c, test, classes);
        return new FoldResult(c.name(), seed, fraction, f, train.length, test, probs, seconds, result.history().size(),
                result.bestEpoch());
    }

    /** The shared options with the candidate's method. */
    public static TrainingConfig forCandidate(TrainingConfig t, Candidate c) {
        return new TrainingConfig(c.method(), t.optimizer(), t.epochs(), t.batchSize(), t.learningRate(), t.lrGamma(),
                t.weightDecay(), t.validationFraction(), t.seed(), t.multiLabel(), t.patience(), t.minEpochs(),
                t.overfitFactor(), t.findLearningRate(), t.select());
    }

    /** Probabilities of the exported model (ONNX Runtime) in the comparison's class order; absent classes 0. */
    static double[][] score(TrainingResult result, Candidate c, int[] test, List<String> classes) throws ModelException {
        int[] column = new int[result.classes().size()];
        for (int j = 0; j < column.length; j++) {
            column[j] = classes.indexOf(result.classes().get(j));
        }
        double[][] out = new double[test.length][classes.size()];
        if (test.length == 0) {
            return out;
        }
        Example first = c.examples().get(test[0]);
        int leads = first.input().length;
        int samples = first.input()[0].length;
        int batch = 16;
        try (OnnxModel model = OnnxModel.load(Path.of(c.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".onnx"),
                result.model().toBytes(), 1)) {
            for (int s = 0; s < test.length; s += batch) {
                int b = Math.min(batch, test.length - s);
                float[] flat = new float[b * leads * samples];
                for (int r = 0; r < b; r++) {
                    float[][] x = c.examples().get(test[s + r]).input();
                    for (int l = 0; l < leads; l++) {
                        System.arraycopy(x[l], 0, flat, (r * leads + l) * samples, samples);
                    }
                }
                float[][] logits = model.logits(flat, b, leads, samples);
                for (int r = 0; r < b; r++) {
                    double[] p = model.probabilities(logits[r]);
                    for (int j = 0; j < p.length; j++) {
                        out[s + r][column[j]] = p[j];
                    }
                }
            }
        }
        return out;
    }

}
