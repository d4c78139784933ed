package org.exchangeai.core.train;

import java.util.Map;

/**
 * Where a trained model came from, written into its metadata under {@code exchangeai.*} keys.
 *
 * @param baseModelSha256 SHA-256 of the base model file as read
 * @param method training method
 * @param hyperparameters optimizer, learning rate, gamma, batch size, epochs, seed, ...
 * @param classCounts recordings per class (training and validation together)
 * @param validationMetrics best epoch's validation loss and F1 scores
 * @param changedInitializers initializers re-targeted by head surgery
 */
public record Provenance(String baseModelSha256, Method method, Map<String, Object> hyperparameters,
        Map<String, Integer> classCounts, Map<String, Double> validationMetrics, java.util.List<String> changedInitializers) {
}
