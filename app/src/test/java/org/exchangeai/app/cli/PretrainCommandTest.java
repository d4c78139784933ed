package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.exchangeai.core.TestData;
import org.exchangeai.core.onnx.ModelCard;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.pretrain.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exchangeai pretrain} on 12 PTB-XL recordings listed in a manifest: a run killed with SIGKILL in
 * a JVM of its own after its first epoch and continued with {@code --resume} ends with the same weights
 * as an uninterrupted run; a self-supervised encoder is refused by {@code predict}.
 */
class PretrainCommandTest {

    @TempDir
    Path dir;

    private Path manifest() throws Exception {
        Path folder = TestData.shared().resolve("pretrain/ptbxl100");
        List<String> names;
        try (var s = Files.list(folder)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy")).sorted().limit(12).toList();
        }
        Path m = dir.resolve("corpus.txt");
        List<String> lines = new ArrayList<>();
        names.forEach(n -> lines.add(folder.resolve(n).toString()));
        Files.write(m, lines);
        return m;
    }

    private List<String> args(Path manifest, Path out, String objective) {
        Path labels = TestData.shared().resolve("pretrain/ptbxl100/labels.csv");
        return List.of("pretrain", "--arch", "cardx", "--manifest", manifest.toString(), "--labels", labels.toString(),
                "--leads", "I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6", "--objective", objective, "--epochs", "3", "--batch",
                "6", "--seed", "3", "--out", out.toString());
    }

    @Test
    void killedRunResumesToTheUninterruptedResult() throws Exception {
        Path manifest = manifest();
        Path whole = dir.resolve("whole.onnx");
        CliRun a = CliRun.of(args(manifest, whole, "both").toArray(String[]::new));
        assertEquals(0, a.status(), a.out() + a.err());
        assertTrue(a.out().contains("epoch 3:"), a.out());

        Path killed = dir.resolve("killed.onnx");
        Path checkpoint = Checkpoint.pathFor(killed.toAbsolutePath());
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xss16m", "-Dai.djl.offline=true"));
        // the thread counts this JVM's engine runs with (the uninterrupted run above started it), or the
        // child could order its sums differently
        cmd.add("-Dai.djl.pytorch.num_threads=" + ai.djl.pytorch.jni.JniUtils.getNumThreads());
        cmd.add("-Dai.djl.pytorch.num_interop_threads=" + ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.exchangeai.app.cli.Main"));
        cmd.addAll(args(manifest, killed, "both"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!(Files.exists(checkpoint) && Checkpoint.read(checkpoint).epoch() >= 1)) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "no checkpoint from the child: "
                        + Files.readString(dir.resolve("child.log")));
                Thread.sleep(100);
            }
            // SIGKILL: no shutdown hook, no chance to write anything more
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        int done = Checkpoint.read(checkpoint).epoch();
        assertTrue(done >= 1 && done <= 3);

        List<String> resume = new ArrayList<>(args(manifest, killed, "both"));
        resume.add("--resume");
        CliRun b = CliRun.of(resume.toArray(String[]::new));
        assertEquals(0, b.status(), b.out() + b.err());
        if (done < 3) {
            assertTrue(b.out().contains("resumed after epoch " + done), b.out());
        }
        Map<String, Tensor> x = OnnxGraph.read(whole).floatInitializers();
        Map<String, Tensor> y = OnnxGraph.read(killed).floatInitializers();
        assertEquals(x.keySet(), y.keySet());
        for (String k : x.keySet()) {
            assertTrue(Arrays.equals(x.get(k).floats(), y.get(k).floats()), k + " differs after the resume");
        }
        ModelCard card = ModelCard.of(OnnxGraph.read(killed).metadata(), -1);
        assertTrue(card.headTrained());
        assertTrue(card.get(ModelCard.PRETRAINING).contains("\"corpus_size\":12"), card.get(ModelCard.PRETRAINING));

        // without --resume an existing checkpoint is not overwritten
        CliRun again = CliRun.of(args(manifest, killed, "both").toArray(String[]::new));
        assertEquals(2, again.status());
        assertTrue(again.err().contains("--resume"), again.err());
    }

    @Test
    void sslEncoderIsRefusedByPredict() throws Exception {
        Path manifest = manifest();
        Path out = dir.resolve("ssl.onnx");
        List<String> a = new ArrayList<>(args(manifest, out, "ssl"));
        a.set(a.indexOf("3"), "1");
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.status(), r.out() + r.err());
        CliRun p = CliRun.of("predict", "--model", out.toString(), "--leads", "I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6",
                TestData.shared().resolve("pretrain/ptbxl100/10000.npy").toString());
        assertEquals(2, p.status());
        assertTrue(p.err().contains("never trained") && p.err().contains("finetune"), p.err());
        assertTrue(CliRun.of("pretrain", "--help").out().contains("--objective"));
    }
}
