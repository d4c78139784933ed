package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exchangeai.core.TestData;
import org.exchangeai.core.ecg.Ecg;
import org.exchangeai.core.io.Formats;
import org.exchangeai.core.io.ReadOptions;
import org.jetbrains.bio.npy.NpyArray;
import org.jetbrains.bio.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {

    static List<JsonNode> index(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String l : Files.readAllLines(out.resolve("index.jsonl"))) {
            lines.add(json.readTree(l));
        }
        return lines;
    }

    @Test
    void npyOutputMirrorsTheInputFoldersAndIsIndexed(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of("convert", TestData.data("ptbxl").toString(), "--to", "npy", "--out", out.toString());
        assertEquals(0, run.status(), run.err());
        Path written = out.resolve("records100/00000/00001_lr.npy");
        assertTrue(Files.isRegularFile(written), "a/b/c.hea under the given folder becomes DIR/a/b/c.npy");
        NpyArray a = NpyFile.read(written, Integer.MAX_VALUE);
        assertArrayEquals(new int[] {1000, 12}, a.getShape(), "float32 [samples, leads]");
        Ecg original = Formats.read(TestData.data("ptbxl/records100/00000/00001_lr.hea"), ReadOptions.DEFAULT);
        float[] flat = a.asFloatArray();
        for (int t = 0; t < 1000; t += 97) {
            for (int l = 0; l < 12; l++) {
                assertEquals(original.get(l, t), flat[t * 12 + l], 0f);
            }
        }
        List<JsonNode> idx = index(out);
        assertEquals(121, idx.size());
        JsonNode rec = idx.stream().filter(n -> n.get("file").asText().endsWith("00001_lr.hea")).findFirst().orElseThrow();
        assertEquals("records100/00000/00001_lr.npy", rec.get("npy").asText());
        for (String key : List.of("file", "format", "leads", "fs", "samples", "durationSeconds", "error")) {
            assertTrue(rec.has(key), key);
        }
        assertEquals(100.0, rec.get("fs").asDouble());
    }

    @Test
    void wfdbToWfdbIsLossless(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of("convert", TestData.data("wfdb/100.hea").toString(), TestData.data("ludb/data/10.hea").toString(),
                "--to", "wfdb", "--out", out.toString());
        assertEquals(0, run.status(), run.err());
        for (String[] pair : new String[][] {{"wfdb/100.hea", "100.hea"}, {"ludb/data/10.hea", "10.hea"}}) {
            Ecg a = Formats.read(TestData.data(pair[0]), ReadOptions.DEFAULT);
            Ecg b = Formats.read(out.resolve(pair[1]), ReadOptions.DEFAULT);
            assertEquals(a.leads(), b.leads());
            assertEquals(a.fs(), b.fs());
            assertEquals(a.length(), b.length());
            for (int l = 0; l < a.leadCount(); l++) {
                assertArrayEquals(a.lead(l), b.lead(l), 1e-6f, pair[0] + " lead " + a.leads().get(l));
            }
        }
    }

    @Test
    void csvToCsvIsLosslessAndOptionsAreRecorded(@TempDir Path out) throws Exception {
        Path src = TestData.data("csv/0000050.ECG.csv");
        CliRun run = CliRun.of("convert", src.toString(), "--to", "csv", "--out", out.toString(), "--fs", "800",
                "--adc-gain", "200", "--units", "mV");
        assertEquals(0, run.status(), run.err());
        ReadOptions opts = new ReadOptions(800.0, "mV", 200.0, null);
        Ecg a = Formats.read(src, opts);
        Ecg b = Formats.read(out.resolve("0000050.ECG.csv"), ReadOptions.DEFAULT.withFs(800.0));
        assertEquals(a.leads(), b.leads());
        for (int l = 0; l < a.leadCount(); l++) {
            assertArrayEquals(a.lead(l), b.lead(l), 0f);
        }
        JsonNode line = index(out).get(0);
        assertTrue(line.get("options").asText().contains("fs=800.0"), line.toString());
    }

    /** The prepared array equals the original platform's model input for this record (golden ludb_10). */
    @Test
    void prepareForWritesWhatTheModelIsGiven(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of("convert", TestData.data("ludb/data/10.hea").toString(), "--to", "npy", "--out", out.toString(),
                "--prepare-for", TestData.model("xc_super_pretrained.onnx").toString());
        assertEquals(0, run.status(), run.err());
        NpyArray a = NpyFile.read(out.resolve("10.npy"), Integer.MAX_VALUE);
        assertArrayEquals(new int[] {12, 1000}, a.getShape());
        float[] got = a.asFloatArray();
        float[] golden = NpyFile.read(TestData.golden("ludb_10/mi_none_mikroVolt.npy"), Integer.MAX_VALUE).asFloatArray();
        double max = 0;
        double err = 0;
        for (int i = 0; i < golden.length; i++) {
            max = Math.max(max, Math.abs(golden[i]));
            err = Math.max(err, Math.abs(golden[i] - got[i]));
        }
        assertTrue(err / max <= 1e-4, "relative error " + err / max);
        assertNotNull(index(out).get(0).get("preparation"));
    }

    @Test
    void anUnreadableInputIsIndexedWithItsErrorAndFailsTheRun(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(TestData.data("ludb/data/10.hea"), in.resolve("10.hea"));
        Files.copy(TestData.data("ludb/data/10.dat"), in.resolve("10.dat"));
        Files.write(in.resolve("bad.edf"), new byte[300]);
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("convert", in.toString(), "--to", "csv", "--out", out.toString());
        assertEquals(1, run.status());
        List<JsonNode> idx = index(out);
        assertEquals(2, idx.size());
        assertTrue(Files.isRegularFile(out.resolve("10.csv")));
        JsonNode bad = idx.stream().filter(n -> n.get("file").asText().endsWith("bad.edf")).findFirst().orElseThrow();
        assertTrue(!bad.get("error").isNull());
    }
}
