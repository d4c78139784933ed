package org.exchangeai.core.exchange;

/**
 * What to publish a model as. Null fields take defaults: the file name without {@code .onnx}, the
 * first 12 hex digits of the model's SHA-256, the exchange user name (else the system user).
 *
 * @param overwrite replace an existing version of the same name (otherwise publishing it is refused)
 */
public record PushRequest(String name, String version, boolean overwrite, String publisher) {

    public static PushRequest defaults() {
        return new PushRequest(null, null, false, null);
    }
}
