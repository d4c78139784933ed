package org.exchangeai.core.train;

import java.util.List;

/**
 * One prepared training recording: the model input as [channel][sample] (already resampled, cut,
 * scaled and standardised for the model) and its labels (one for single-label data).
 */
public record Example(String id, float[][] input, List<String> labels) {

    public Example {
        if (input.length == 0 || input[0].length == 0) {
            throw new IllegalArgumentException("example '" + id + "' has an empty input");
        }
        for (float[] row : input) {
            if (row.length != input[0].length) {
                throw new IllegalArgumentException("example '" + id + "' has channels of different lengths");
            }
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("example '" + id + "' has no label");
        }
        labels = List.copyOf(labels);
    }

    public static Example of(String id, float[][] input, String label) {
        return new Example(id, input, List.of(label));
    }
}
