package org.exchangeai.core.io;

/** A file could not be read as an ECG; the message names the file and the reason. */
public class EcgReadException extends Exception {

    private final String file;
    private final String reason;

    public EcgReadException(String file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    public EcgReadException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file, as given by the caller. */
    public String file() {
        return file;
    }

    /** Why it could not be read, without the file name. */
    public String reason() {
        return reason;
    }
}
