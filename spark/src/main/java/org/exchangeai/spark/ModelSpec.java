package org.exchangeai.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * An ONNX model as the job ships it to the executors: its bytes (broadcast once), the output column
 * it fills and the classes the driver read from its card.
 *
 * @param column  the output column, {@code model_<file name without .onnx>}
 * @param file    where the model was read from, for messages
 * @param bytes   the model file
 * @param classes the model's classes, in output order
 * @param sha256  the file's SHA-256, which keys the per-executor session cache
 */
record ModelSpec(String column, String file, byte[] bytes, List<String> classes, String sha256) implements Serializable {

    ModelSpec {
        classes = List.copyOf(classes);
    }

    static ModelSpec of(String file, byte[] bytes, List<String> classes) {
        return new ModelSpec(columnFor(file), file, bytes, classes, sha256(bytes));
    }

    /** {@code model_} and the file name without {@code .onnx}, letters, digits and underscores only. */
    static String columnFor(String file) {
        String name = Path.of(file.replace('\\', '/').replaceAll(".*/", "")).toString();
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            name = name.substring(0, name.length() - 5);
        }
        return "model_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
