package org.exchangeai.core.exchange;

/**
 * Sharing a model failed. The message says what was attempted, on which exchange and why, and never
 * contains a password; {@link #kind()} lets a caller (command line, web page) react without parsing it.
 */
public class ExchangeException extends Exception {

    /** Why it failed. */
    public enum Kind {
        /** No usable configuration for the exchange. */
        CONFIGURATION,
        /** The server refused the user name or password (HTTP 401). */
        UNAUTHORIZED,
        /** The credentials were accepted but do not allow this (HTTP 403). */
        FORBIDDEN,
        /** The server could not be reached, or the connection broke. */
        UNREACHABLE,
        /** The model or version is not on the exchange. */
        NOT_FOUND,
        /** The version already exists and overwriting was not asked for. */
        ALREADY_EXISTS,
        /** A downloaded model did not match its card or could not be loaded; it was quarantined. */
        INTEGRITY,
        /** A model name or version cannot be used as a folder name. */
        INVALID_NAME,
        /** The file given to publish is not a usable model. */
        INVALID_MODEL,
        /** Any other failure of the server or the local disk. */
        IO
    }

    private final Kind kind;

    public ExchangeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ExchangeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
