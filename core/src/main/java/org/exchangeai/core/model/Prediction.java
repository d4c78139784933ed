package org.exchangeai.core.model;

import java.util.List;

/**
 * A model's answer for one recording, or why there is none.
 *
 * @param name          the recording as shown to the user
 * @param probabilities one per class of the model, or {@code null} on error
 * @param predicted     the most probable class (single-label) or the classes at or above 0.5
 *                      joined with {@code |} (multi-label); {@code null} on error
 * @param error         why the recording could not be predicted, or {@code null}
 * @param warnings      notes from reading and preparing the recording
 */
public record Prediction(String name, double[] probabilities, String predicted, String error, List<String> warnings) {

    public Prediction {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public boolean ok() {
        return error == null;
    }
}
