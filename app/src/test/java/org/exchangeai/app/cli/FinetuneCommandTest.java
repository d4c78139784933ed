package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.ReadOptions;
import org.exchangeai.core.io.numeric.NpyReader;
import org.exchangeai.core.model.OnnxModel;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.prep.Preparation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune} end to end on 16 real PTB-XL recordings (4 each of CD, MI, NORM, STTC from
 * {@code ../shared/data/ptbxl/labels.csv}) plus one recording the label table does not name; one
 * epoch each, so only the plumbing is checked, not what the model learns. The output is loaded by
 * ONNX Runtime ({@code OnnxModel}) and predicts.
 */
class FinetuneCommandTest {

    @TempDir
    static Path dir;
    static Path labels;
    static Path firstRecording;

    @BeforeAll
    static void data() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        Path npy = Files.createDirectories(dir.resolve("npy500"));
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>(List.of("file_name,label,ICD-10"));
        String extra = null;
        for (String line : Files.readAllLines(TestData.data("ptbxl/labels.csv"))) {
            String[] f = line.split(",", -1);
            if (!f[0].startsWith("npy500/")) {
                continue;
            }
            if (taken.merge(f[1], 1, Integer::sum) > 4) {
                if (extra == null) {
                    extra = f[0];
                    Files.copy(TestData.data("ptbxl/" + f[0]), dir.resolve(f[0]));
                }
                continue;
            }
            Files.copy(TestData.data("ptbxl/" + f[0]), dir.resolve(f[0]));
            rows.add(line);
        }
        assertEquals(17, rows.size());
        labels = dir.resolve("labels.csv");
        Files.write(labels, rows);
        firstRecording = dir.resolve(rows.get(1).split(",")[0]);
    }

    static CliRun finetune(String base, String method, Path out) {
        return CliRun.of("finetune", "--base", base, "--method", method, "--labels", labels.toString(),
                dir.resolve("npy500").toString(), "--fs", "500", "--epochs", "1", "--batch", "4", "--out", out.toString());
    }

    static void checkOutput(CliRun run, Path out) throws Exception {
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("16 labelled recordings (1 unlabelled, 0 unreadable)"), run.out());
        assertTrue(run.out().contains("train loss") && run.out().contains("weighted F1"), run.out());
        assertTrue(run.out().contains("Validation (best epoch 1, 4 recordings)"), run.out());
        JsonNode report = new ObjectMapper().readTree(dir.resolve(out.getFileName().toString()
                .replace(".onnx", ".report.json")).toFile());
        assertEquals(1, report.get("epochs").size());
        assertEquals(16, report.get("recordings").asInt());
        assertEquals("[\"CD\",\"MI\",\"NORM\",\"STTC\"]", report.get("classes").toString());
        assertTrue(report.get("epochs").get(0).get("train_loss").asDouble() > 0);
        assertEquals(4, report.get("validation").get("samples").asInt());

        try (OnnxModel model = OnnxModel.load(out, 1)) {
            assertEquals(List.of("CD", "MI", "NORM", "STTC"), model.card().classes());
            Preparation prep = Preparation.fromMetadata(OnnxGraph.read(out).metadata());
            Ecg ecg = new NpyReader().read(firstRecording, ReadOptions.DEFAULT.withFs(500.0));
            float[][] x = prep.apply(ecg);
            float[] flat = new float[12 * x[0].length];
            for (int l = 0; l < 12; l++) {
                System.arraycopy(x[l], 0, flat, l * x[0].length, x[0].length);
            }
            double[] p = model.probabilities(model.logits(flat, 1, 12, x[0].length)[0]);
            assertEquals(4, p.length);
            assertEquals(1.0, p[0] + p[1] + p[2] + p[3], 1e-6);
        }
    }

    @Test
    void xceptionTimeFromScratch() throws Exception {
        Path out = dir.resolve("xc-scratch.onnx");
        checkOutput(finetune("xceptiontime", "scratch", out), out);
    }

    @Test
    void xcSuperHeadOnly() throws Exception {
        Path out = dir.resolve("xc-head.onnx");
        CliRun run = finetune(TestData.model("xc_super_pretrained.onnx").toString(), "head", out);
        checkOutput(run, out);
        assertEquals("head", OnnxGraph.read(out).metadata().get("exchangeai.method"));
    }
}
