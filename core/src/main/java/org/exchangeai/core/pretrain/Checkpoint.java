package org.exchangeai.core.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx;
import org.exchangeai.core.train.Optimizer;

/**
 * Everything a pretraining run needs to continue after its last finished epoch as if it had never
 * stopped: weights and running statistics, the projection head, the optimizer's moments and step,
 * the best state so far, the history, and what the run was (configuration, corpus fingerprint).
 * Written after every epoch to a temporary file that is forced to disk and then renamed over the
 * previous checkpoint, so a kill at any moment leaves either the old or the new one, whole.
 *
 * @param epoch epochs finished
 * @param run what the run is (compared on resume)
 * @param history one entry per finished epoch
 * @param bestEpoch the epoch whose weights {@code best} holds (0 when none)
 * @param bestScore its validation score
 */
public record Checkpoint(int epoch, Map<String, String> run, List<PretrainResult.Epoch> history, int bestEpoch,
        double bestScore, Map<String, Tensor> model, Map<String, Tensor> best, Map<String, Tensor> projection,
        Optimizer.State optimizer) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    /** Where a run that writes {@code out} keeps its checkpoint. */
    public static Path pathFor(Path out) {
        return out.resolveSibling(out.getFileName() + ".checkpoint");
    }

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
            ObjectNode o = JSON.createObjectNode();
            o.put("version", VERSION);
            o.put("epoch", epoch);
            o.set("run", JSON.valueToTree(run));
            ArrayNode h = o.putArray("history");
            history.forEach(e -> h.add(JSON.valueToTree(e)));
            o.put("bestEpoch", bestEpoch);
            o.put("bestScore", bestScore);
            o.put("optimizerStep", optimizer.step());
            ArrayNode sc = o.putArray("optimizerScalars");
            for (double d : optimizer.scalars()) {
                sc.add(d);
            }
            entry(zip, "state.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
            entry(zip, "model.pb", tensors(model));
            if (best != null) {
                entry(zip, "best.pb", tensors(best));
            }
            entry(zip, "projection.pb", tensors(projection));
            entry(zip, "optimizer.pb", tensors(optimizer.buffers()));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Checkpoint read(Path file) throws IOException {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                parts.put(e.getName(), zip.readAllBytes());
            }
        }
        if (!parts.containsKey("state.json") || !parts.containsKey("model.pb")) {
            throw new IOException(file + " is not a pretraining checkpoint (state or weights missing)");
        }
        JsonNode o = JSON.readTree(parts.get("state.json"));
        if (o.path("version").asInt() > VERSION) {
            throw new IOException(file + " was written by a newer version (checkpoint version " + o.path("version") + ")");
        }
        Map<String, String> run = new LinkedHashMap<>();
        o.path("run").fields().forEachRemaining(f -> run.put(f.getKey(), f.getValue().asText()));
        List<PretrainResult.Epoch> history = new ArrayList<>();
        for (JsonNode h : o.path("history")) {
            history.add(JSON.treeToValue(h, PretrainResult.Epoch.class));
        }
        double[] scalars = new double[o.path("optimizerScalars").size()];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = o.path("optimizerScalars").get(i).asDouble();
        }
        Optimizer.State opt = new Optimizer.State(o.path("optimizerStep").asLong(), scalars,
                tensors(parts.get("optimizer.pb")));
        return new Checkpoint(o.path("epoch").asInt(), run, history, o.path("bestEpoch").asInt(),
                o.path("bestScore").asDouble(), tensors(parts.get("model.pb")),
                parts.containsKey("best.pb") ? tensors(parts.get("best.pb")) : null,
                tensors(parts.get("projection.pb")), opt);
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] tensors(Map<String, Tensor> map) throws IOException {
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder();
        map.values().forEach(t -> g.addInitializer(t.toProto()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        g.build().writeTo(out);
        return out.toByteArray();
    }

    private static Map<String, Tensor> tensors(byte[] bytes) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (bytes == null) {
            return out;
        }
        for (Onnx.TensorProto p : Onnx.GraphProto.parseFrom(bytes).getInitializerList()) {
            Tensor t = Tensor.fromProto(p);
            out.put(t.name(), t);
        }
        return out;
    }
}
