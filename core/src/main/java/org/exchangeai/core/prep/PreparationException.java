package org.exchangeai.core.prep;

/** A recording cannot be prepared for a model (missing leads, too short under a refusing rule, ...). */
public class PreparationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PreparationException(String message) {
        super(message);
    }

    public PreparationException(String message, Throwable cause) {
        super(message, cause);
    }
}
