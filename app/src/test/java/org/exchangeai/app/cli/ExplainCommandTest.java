package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.exchangeai.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain} with occlusion on two shared PTB-XL recordings and one unreadable file: an npy, json
 * and png per readable recording, an error line naming the broken file, exit status 1.
 */
class ExplainCommandTest {

    @Test
    void twoRecordingsAndABrokenFile(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.hea");
        Files.writeString(broken, "broken 12 500 5000\n");
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("explain", "--model", Path.of("..", "models", "cardx_ptbxl.onnx").toString(),
                "--method", "occlusion", "--fs", "500", "--out", out.toString(),
                TestData.data("ptbxl/npy500/195.npy").toString(), TestData.data("ptbxl/npy500/887.npy").toString(),
                broken.toString());
        assertEquals(1, run.status(), run.err());
        assertTrue(run.err().contains("broken.hea"), run.err());
        for (String stem : new String[] {"195", "887"}) {
            JsonNode j = new ObjectMapper().readTree(out.resolve(stem + ".json").toFile());
            assertEquals("occlusion", j.get("method").asText());
            assertEquals(12, j.get("lead_importance").size());
            assertTrue(j.get("probability").asDouble() > 0);
            assertTrue(j.get("top_windows").isArray());
            byte[] npy = Files.readAllBytes(out.resolve(stem + ".attribution.npy"));
            assertTrue(new String(npy, 0, 80, java.nio.charset.StandardCharsets.ISO_8859_1).contains("(12, 1000)"));
            assertTrue(ImageIO.read(out.resolve(stem + ".png").toFile()).getWidth() > 1000, "10 s at 25 mm/s, 4 px/mm");
        }
    }

    /** A model file that is not a model gives its reason and status 2, not a stack trace. */
    @Test
    void aBrokenModelIsNamedWithItsReason(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(Path.of("..", "models", "cardx_ptbxl.onnx"));
        Path model = dir.resolve("truncated.onnx");
        Files.write(model, java.util.Arrays.copyOf(full, 3000));
        CliRun run = CliRun.of("explain", "--model", model.toString(), "--fs", "500", "--out", dir.resolve("out").toString(),
                TestData.data("ptbxl/npy500/887.npy").toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("error: ") && run.err().contains("truncated.onnx")
                && run.err().contains("not a readable ONNX model"), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
    }
}
