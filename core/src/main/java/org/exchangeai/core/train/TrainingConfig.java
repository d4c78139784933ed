package org.exchangeai.core.train;

/**
 * Hyperparameters of one training run. Defaults are the original platform's (AdamW, learning rate
 * 1e-3 decayed by 0.8 per epoch, batch 8, 80/20 stratified split) except the epoch count.
 *
 * @param method what trains
 * @param optimizer update rule
 * @param epochs maximum number of epochs (early stopping may end sooner)
 * @param batchSize recordings per step
 * @param learningRate initial learning rate
 * @param lrGamma factor applied to the learning rate after every epoch (exponential decay)
 * @param weightDecay L2/decoupled weight decay; negative means the optimizer's PyTorch default
 * @param validationFraction share of each class held out for validation
 * @param seed makes splits, shuffles, initialisation and dropout repeatable
 * @param multiLabel sigmoid + binary cross-entropy per class instead of softmax + cross-entropy
 * @param patience stop when this many epochs pass without a new best
 * @param minEpochs the overfitting rule is not applied before this epoch
 * @param overfitFactor stop when the validation loss exceeds the best by this factor (after minEpochs)
 * @param findLearningRate run the learning-rate finder first and use its suggestion (capped by learningRate)
 * @param select what decides the kept epoch ({@link EpochSelection}); {@code null} means the method's default
 */
public record TrainingConfig(Method method, Optimizer.Kind optimizer, int epochs, int batchSize, double learningRate,
        double lrGamma, double weightDecay, double validationFraction, long seed, boolean multiLabel, int patience,
        int minEpochs, double overfitFactor, boolean findLearningRate, EpochSelection.Criterion select) {

    /** A configuration with the method's default epoch selection. */
    public TrainingConfig(Method method, Optimizer.Kind optimizer, int epochs, int batchSize, double learningRate,
            double lrGamma, double weightDecay, double validationFraction, long seed, boolean multiLabel, int patience,
            int minEpochs, double overfitFactor, boolean findLearningRate) {
        this(method, optimizer, epochs, batchSize, learningRate, lrGamma, weightDecay, validationFraction, seed,
                multiLabel, patience, minEpochs, overfitFactor, findLearningRate, null);
    }

    /**
     * The share of the learning rate the pretrained body gets when all layers train from a base model
     * (the head gets the whole rate): a tenth, so a small dataset adapts the features instead of
     * overwriting them (discriminative learning rates, Howard &amp; Ruder 2018). 1 for the other methods.
     */
    public double bodyLearningRateFactor() {
        return method == Method.ALL ? 0.1 : 1.0;
    }

    /** The criterion that decides the kept epoch: the configured one, else the method's default. */
    public EpochSelection.Criterion selection() {
        return select != null ? select : EpochSelection.defaultCriterion(method);
    }

    public TrainingConfig withSelect(EpochSelection.Criterion c) {
        return new TrainingConfig(method, optimizer, epochs, batchSize, learningRate, lrGamma, weightDecay,
                validationFraction, seed, multiLabel, patience, minEpochs, overfitFactor, findLearningRate, c);
    }

    public TrainingConfig withPatience(int p) {
        return new TrainingConfig(method, optimizer, epochs, batchSize, learningRate, lrGamma, weightDecay,
                validationFraction, seed, multiLabel, p, minEpochs, overfitFactor, findLearningRate, select);
    }

    public TrainingConfig {
        if (epochs < 1 || batchSize < 2) {
            throw new IllegalArgumentException("need at least 1 epoch and a batch size of at least 2");
        }
        if (!(learningRate > 0) || !(lrGamma > 0 && lrGamma <= 1)) {
            throw new IllegalArgumentException("learning rate must be > 0 and gamma in (0, 1]");
        }
    }

    public static TrainingConfig defaults(Method method) {
        return new TrainingConfig(method, Optimizer.Kind.ADAMW, 30, 8, 1e-3, 0.8, -1, 0.2, 42, false, 10, 10, 1.25,
                false);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(method, optimizer, e, batchSize, learningRate, lrGamma, weightDecay,
                validationFraction, seed, multiLabel, patience, minEpochs, overfitFactor, findLearningRate, select);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(method, optimizer, epochs, b, learningRate, lrGamma, weightDecay,
                validationFraction, seed, multiLabel, patience, minEpochs, overfitFactor, findLearningRate, select);
    }

    public TrainingConfig withOptimizer(Optimizer.Kind o, double lr) {
        return new TrainingConfig(method, o, epochs, batchSize, lr, lrGamma, weightDecay,
                validationFraction, seed, multiLabel, patience, minEpochs, overfitFactor, findLearningRate, select);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(method, optimizer, epochs, batchSize, learningRate, lrGamma, weightDecay,
                validationFraction, s, multiLabel, patience, minEpochs, overfitFactor, findLearningRate, select);
    }

    public TrainingConfig withMultiLabel(boolean m) {
        return new TrainingConfig(method, optimizer, epochs, batchSize, learningRate, lrGamma, weightDecay,
                validationFraction, seed, m, patience, minEpochs, overfitFactor, findLearningRate, select);
    }

    public TrainingConfig withLearningRateFinder(boolean f) {
        return new TrainingConfig(method, optimizer, epochs, batchSize, learningRate, lrGamma, weightDecay,
                validationFraction, seed, multiLabel, patience, minEpochs, overfitFactor, f, select);
    }
}
