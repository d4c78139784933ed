package org.exchangeai.core.pretrain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Hyperparameters of a pretraining run.
 *
 * @param objective what is learnt
 * @param epochs passes over the corpus
 * @param batchSize recordings per step
 * @param learningRate peak learning rate of AdamW (linear warm-up over the first epoch, then cosine decay to 0)
 * @param weightDecay AdamW's decoupled weight decay
 * @param seed makes order, views, initialisation and the result repeatable
 * @param temperature NT-Xent temperature
 * @param viewSeconds length of a contrastive view (a random crop of the prepared input)
 * @param supervisedWeight weight of the supervised loss against the contrastive one ({@link Objective#BOTH})
 * @param projectionSize output size of the projection head
 * @param loaderThreads threads that read and prepare batches ahead of training
 */
public record PretrainConfig(Objective objective, int epochs, int batchSize, double learningRate, double weightDecay,
        long seed, double temperature, double viewSeconds, double supervisedWeight, int projectionSize,
        int loaderThreads) {

    public PretrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("need at least 1 epoch");
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be at least 2 (contrastive pairs and BatchNormalization need two)");
        }
        if (!(learningRate > 0) || !(weightDecay >= 0) || !(temperature > 0) || !(viewSeconds > 0)
                || !(supervisedWeight >= 0) || projectionSize < 1 || loaderThreads < 1) {
            throw new IllegalArgumentException("learning rate, temperature, view length and projection size must be "
                    + "positive; weight decay and supervised weight not negative; at least one loader thread");
        }
    }

    public static PretrainConfig defaults(Objective objective) {
        return new PretrainConfig(objective, 50, 64, 1e-3, 1e-2, 42, 0.1, 5.0, 1.0, 128, 1);
    }

    public PretrainConfig withEpochs(int e) {
        return new PretrainConfig(objective, e, batchSize, learningRate, weightDecay, seed, temperature, viewSeconds,
                supervisedWeight, projectionSize, loaderThreads);
    }

    public PretrainConfig withBatchSize(int b) {
        return new PretrainConfig(objective, epochs, b, learningRate, weightDecay, seed, temperature, viewSeconds,
                supervisedWeight, projectionSize, loaderThreads);
    }

    public PretrainConfig withSeed(long s) {
        return new PretrainConfig(objective, epochs, batchSize, learningRate, weightDecay, s, temperature, viewSeconds,
                supervisedWeight, projectionSize, loaderThreads);
    }

    public PretrainConfig withLearningRate(double lr) {
        return new PretrainConfig(objective, epochs, batchSize, lr, weightDecay, seed, temperature, viewSeconds,
                supervisedWeight, projectionSize, loaderThreads);
    }

    public PretrainConfig withLoaderThreads(int t) {
        return new PretrainConfig(objective, epochs, batchSize, learningRate, weightDecay, seed, temperature, viewSeconds,
                supervisedWeight, projectionSize, t);
    }

    /** The settings a resumed run must share with the run it continues. */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("objective", objective.key());
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("learning_rate", fmt(learningRate));
        m.put("weight_decay", fmt(weightDecay));
        m.put("seed", Long.toString(seed));
        m.put("temperature", fmt(temperature));
        m.put("view_seconds", fmt(viewSeconds));
        m.put("supervised_weight", fmt(supervisedWeight));
        m.put("projection_size", Integer.toString(projectionSize));
        return m;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }
}
