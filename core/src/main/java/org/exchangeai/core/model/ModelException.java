package org.exchangeai.core.model;

/** A model cannot be loaded or run; the message names the model file and the reason. */
public class ModelException extends Exception {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
