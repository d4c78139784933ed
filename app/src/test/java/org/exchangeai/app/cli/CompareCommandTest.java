package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.exchangeai.core.TestData;
import org.exchangeai.core.eval.Evaluation;
import org.exchangeai.core.eval.Metrics;
import org.exchangeai.core.model.OnnxModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} end to end on 22 real PTB-XL recordings (5 per class plus two recordings of one
 * patient; the real metadata gives them 20 patients), with the real PTB-XL metadata for patients: two tiny candidates, 3 folds, one epoch, a
 * 50 % learning-curve point. Checks the plumbing and that the written numbers are the ones the
 * out-of-fold predictions give when evaluated independently, not what the models learn.
 */
class CompareCommandTest {

    @TempDir
    static Path dir;
    static Path labels;

    @BeforeAll
    static void data() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        Files.createDirectories(dir.resolve("npy500"));
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>(List.of("file_name,label,ICD-10"));
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/")) {
                continue;
            }
            boolean samePatient = f[0].equals("npy500/6821.npy") || f[0].equals("npy500/6828.npy"); // patient 10107
            if (!samePatient && taken.merge(f[1], 1, Integer::sum) > 5) {
                continue;
            }
            Files.copy(TestData.data("ptbxl/" + f[0]), dir.resolve(f[0]));
            rows.add(line);
        }
        labels = dir.resolve("labels.csv");
        Files.write(labels, rows);
    }

    static CliRun compare(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("compare", "--labels", labels.toString(), dir.resolve("npy500").toString(),
                "--fs", "500", "--metadata", TestData.data("ptbxl/metadata.csv").toString(),
                "--candidates", "cardx:scratch,inceptiontime:scratch", "--folds", "3", "--curve", "50",
                "--epochs", "1", "--batch", "4", "--resamples", "400", "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void comparesOnPatientFoldsAndWritesNumbersTheOutOfFoldPredictionsGive() throws Exception {
        Path out = dir.resolve("out");
        CliRun run = compare(out);
        assertEquals(0, run.status(), run.out() + run.err());
        int n = Files.readAllLines(labels).size() - 1;
        assertTrue(run.out().contains(n + " labelled recordings"), run.out());
        assertTrue(run.out().contains("[12/12]"), run.out());
        assertTrue(run.out().contains("has the highest cross-validated macro F1"), run.out());

        // no patient in two folds; every recording in exactly one fold
        List<String> folds = Files.readAllLines(out.resolve("folds.csv"));
        assertEquals(n + 1, folds.size());
        Map<String, String> foldOfPatient = new HashMap<>();
        for (String line : folds.subList(1, folds.size())) {
            String[] f = line.split(",");
            String before = foldOfPatient.putIfAbsent(f[1], f[3]);
            assertTrue(before == null || before.equals(f[3]), "patient " + f[1] + " in two folds");
        }
        assertTrue(folds.stream().filter(l -> l.contains(",10107,")).count() == 2, "the shared patient is known");

        // the leaderboard's pooled numbers equal eval.Metrics on the written out-of-fold predictions
        JsonNode board = new ObjectMapper().readTree(out.resolve("leaderboard.json").toFile()).get("leaderboard");
        assertEquals(n, board.get("recordings").asInt());
        assertEquals(foldOfPatient.size(), board.get("clusters").asInt(), "one bootstrap unit per patient");
        assertTrue(foldOfPatient.size() < n);
        assertTrue(board.get("byPatient").asBoolean());
        List<String> classes = new ArrayList<>();
        board.get("classes").forEach(c -> classes.add(c.asText()));
        List<String> oof = Files.readAllLines(out.resolve("oof-predictions.csv"));
        for (JsonNode row : board.get("rows")) {
            String name = row.get("candidate").asText();
            List<String> truth = new ArrayList<>();
            List<double[]> probs = new ArrayList<>();
            for (String line : oof.subList(1, oof.size())) {
                String[] f = line.split(",");
                if (f[0].equals(name) && Double.parseDouble(f[2]) == 1.0) {
                    truth.add(f[6]);
                    double[] p = new double[classes.size()];
                    for (int j = 0; j < p.length; j++) {
                        p[j] = Double.parseDouble(f[7 + j]);
                    }
                    probs.add(p);
                }
            }
            assertEquals(n, truth.size(), "one out-of-fold prediction per recording for " + name);
            Evaluation ev = Metrics.singleLabel(classes, truth, probs.toArray(double[][]::new));
            JsonNode m = row.get("metrics");
            assertEquals(ev.macroF1(), m.get("macro_f1").get("value").asDouble(), 1e-9);
            assertEquals(ev.weightedF1(), m.get("weighted_f1").get("value").asDouble(), 1e-9);
            assertEquals(ev.accuracy(), m.get("accuracy").get("value").asDouble(), 1e-9);
            assertEquals(ev.macroAuc(), m.get("macro_auc").get("value").asDouble(), 1e-9);
            double v = m.get("macro_f1").get("value").asDouble();
            assertTrue(m.get("macro_f1").get("low").asDouble() <= v && v <= m.get("macro_f1").get("high").asDouble());
            if (!row.get("leader").asBoolean()) {
                assertEquals(classes.size(), row.get("delong").size());
                assertTrue(row.get("macroF1VsLeader").get("pHolm").asDouble() >= 0);
            }
        }
        // the CSV carries the same numbers as the JSON
        List<String> csv = Files.readAllLines(out.resolve("leaderboard.csv"));
        assertEquals(3, csv.size());
        String[] first = csv.get(1).split(",");
        JsonNode top = board.get("rows").get(0);
        assertEquals(top.get("candidate").asText(), first[1]);
        assertEquals(top.get("metrics").get("macro_f1").get("value").asDouble(), Double.parseDouble(first[4]), 0);
        assertEquals(top.get("metrics").get("macro_f1").get("low").asDouble(), Double.parseDouble(first[5]), 0);
        assertEquals(4, Files.readAllLines(out.resolve("learning-curve.csv")).size() - 1);

        // a second run continues from the stored folds: nothing trains again, the same leaderboard, then the
        // leader is trained on everything with its cross-validated numbers in the model
        Path best = dir.resolve("best.onnx");
        CliRun again = compare(out, "--train-best", best.toString());
        assertEquals(0, again.status(), again.out() + again.err());
        assertEquals(12, again.out().split("reused from", -1).length - 1, again.out());
        JsonNode board2 = new ObjectMapper().readTree(out.resolve("leaderboard.json").toFile()).get("leaderboard");
        assertEquals(board, board2);
        try (OnnxModel model = OnnxModel.load(best, 1)) {
            assertEquals(classes, model.card().classes());
        }
        String meta = org.exchangeai.core.onnx.OnnxGraph.read(best).metadata().get("exchangeai.cross_validation");
        JsonNode cv = new ObjectMapper().readTree(meta);
        assertEquals(board.get("leader").asText(), cv.get("candidate").asText());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("best.report.json").toFile());
        assertEquals(n, report.get("recordings").asInt());
        assertEquals(board.get("rows").get(0).get("metrics").get("macro_f1").get("value").asDouble(),
                report.get("cross_validation").get("metrics").get("macro_f1").get("value").asDouble(), 0);
    }

    @Test
    void rejectsABadCandidateList() {
        CliRun run = CliRun.of("compare", "--labels", labels.toString(), dir.resolve("npy500").toString(),
                "--candidates", "cardx:head", "--out", dir.resolve("bad").toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("a zoo architecture trains from scratch only"), run.err());
    }
}
