package org.exchangeai.core.prep;

import java.util.List;

/**
 * A model input {@code [lead][t]} (float32, in the recipe's lead order) with what a user should
 * know about how it was made (padding, interpolated gaps, derived leads, unit guess).
 *
 * @param input       the tensor for one recording, {@code [leads][windowSamples]}
 * @param validLength how many samples per lead come from the recording; the rest is padding
 * @param warnings    human-readable notes, empty when nothing was unusual
 */
public record Prepared(float[][] input, int validLength, List<String> warnings) {

    public Prepared {
        warnings = List.copyOf(warnings);
    }
}
