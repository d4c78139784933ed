package org.exchangeai.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.exchangeai.core.onnx.Tensor;
import org.exchangeai.core.onnx.proto.Onnx;

/**
 * The weights of every finished epoch of a run, so that the kept epoch can be chosen once the
 * epochs after it are known ({@link EpochSelection} smooths over neighbours). Held in memory up to
 * a budget (a few hundred epochs of the zoo models), then written to a temporary folder that is
 * deleted on {@link #close()}.
 */
final class EpochStates implements AutoCloseable {

    private static final long MEMORY_BUDGET = 256L << 20;

    private final Map<Integer, Map<String, Tensor>> inMemory = new HashMap<>();
    private final Map<Integer, Path> onDisk = new HashMap<>();
    private long bytes;
    private Path folder;

    void put(int epoch, Map<String, Tensor> state) {
        long size = state.values().stream().mapToLong(t -> 4L * t.size()).sum();
        if (bytes + size <= MEMORY_BUDGET) {
            inMemory.put(epoch, state);
            bytes += size;
            return;
        }
        try {
            if (folder == null) {
                folder = Files.createTempDirectory("exchangeai-epochs");
            }
            Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder();
            state.values().forEach(t -> g.addInitializer(t.toProto()));
            Path f = folder.resolve("epoch-" + epoch + ".pb");
            Files.write(f, g.build().toByteArray());
            onDisk.put(epoch, f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the weights of epoch " + epoch + ": " + e.getMessage(), e);
        }
    }

    Map<String, Tensor> get(int epoch) {
        Map<String, Tensor> m = inMemory.get(epoch);
        if (m != null) {
            return m;
        }
        Path f = onDisk.get(epoch);
        if (f == null) {
            return null;
        }
        try {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Onnx.TensorProto p : Onnx.GraphProto.parseFrom(Files.readAllBytes(f)).getInitializerList()) {
                Tensor t = Tensor.fromProto(p);
                out.put(t.name(), t);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back the weights of epoch " + epoch + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        inMemory.clear();
        if (folder != null) {
            try (Stream<Path> s = Files.walk(folder)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder the system cleans up anyway
            }
        }
    }
}
