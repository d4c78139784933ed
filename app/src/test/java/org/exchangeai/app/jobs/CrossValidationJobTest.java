package org.exchangeai.app.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.exchangeai.app.store.Datasets;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.core.TestData;
import org.exchangeai.core.comparison.CrossValidation;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A k-fold comparison stopped after its first fold continues from the stored fold when it is queued
 * again, as the compare page does after an abort or a restart: 15 real PTB-XL arrays, CardX from
 * scratch, 3 folds, one epoch.
 */
class CrossValidationJobTest {

    @TempDir
    Path dir;

    /** A job context that asks to stop once {@code stopAfter} fold runs are done (never when negative). */
    static final class Context implements JobContext {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<String> messages = new ArrayList<>();
        final int stopAfter;
        String result;

        Context(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public long id() {
            return 1;
        }

        @Override
        public void progress(double fraction, String message) {
            messages.add(message);
            if (stopAfter >= 0 && message.startsWith(stopAfter + " of ")) {
                stop.set(true);
            }
        }

        @Override
        public void log(String line) {
            messages.add(line);
        }

        @Override
        public boolean cancelled() {
            return stop.get();
        }

        @Override
        public void result(String json) {
            result = json;
        }
    }

    @Test
    void aStoppedComparisonContinuesFromItsFinishedFolds() throws Exception {
        Path data = Files.createDirectories(dir.resolve("npy500"));
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<Datasets.Label> labels = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (f[0].startsWith("npy500/") && taken.merge(f[1], 1, Integer::sum) <= 4) {
                Files.copy(TestData.data("ptbxl/" + f[0]), data.resolve(f[0].substring(7)));
                labels.add(new Datasets.Label(f[0].substring(7), f[1], null));
            }
        }
        Workspace ws = Workspace.open(dir.resolve("workspace"));
        Datasets datasets = new Datasets(ws);
        long dataset = datasets.create("PTB-XL").id();
        Context importing = new Context(-1);
        new ImportJob(ws, dataset, data, ReadOptions.DEFAULT.withFs(500.0)).run(importing);
        datasets.putLabels(dataset, labels);
        Map<Long, String> byRecording = new HashMap<>();
        for (Datasets.Recording r : datasets.recordings(dataset)) {
            labels.stream().filter(l -> l.fileName().equals(r.name())).findFirst().ifPresent(l -> byRecording.put(r.id(), l.label()));
        }
        assertEquals(labels.size(), byRecording.size(), "every imported array has its label");

        TrainingConfig training = TrainingConfig.defaults(Method.SCRATCH).withEpochs(1).withBatchSize(4);
        CrossValidationJob.Spec spec = new CrossValidationJob.Spec(dataset, byRecording,
                List.of(new CrossValidationJob.Plan("zoo:cardx", "CardX — from scratch", null, "cardx", Method.SCRATCH)),
                new CrossValidation.Settings(3, List.of(42L), List.of(1.0), training), 200, 42, dir.resolve("comparison"), null);

        Context first = new Context(1);
        new CrossValidationJob(ws, spec).run(first);
        JsonNode stopped = new ObjectMapper().readTree(first.result);
        assertEquals("stopped", stopped.get("status").asText(), first.messages.toString());
        assertFalse(stopped.has("leaderboard"));
        long stored = Files.list(CrossValidationJob.folds(dir.resolve("comparison"))).count();
        assertTrue(stored >= 1 && stored < 3, stored + " folds stored");

        Context second = new Context(-1);
        new CrossValidationJob(ws, spec).run(second);
        JsonNode done = new ObjectMapper().readTree(second.result);
        assertEquals("done", done.get("status").asText(), second.messages.toString());
        assertEquals(3, done.get("done").asInt());
        assertEquals(stored, second.messages.stream().filter(m -> m.contains("(kept from before)")).count(),
                "the stored folds are not trained again: " + second.messages);
        assertEquals(labels.size(), done.get("leaderboard").get("recordings").asInt());
        assertTrue(Files.isRegularFile(dir.resolve("comparison").resolve("leaderboard.csv")));
    }
}
