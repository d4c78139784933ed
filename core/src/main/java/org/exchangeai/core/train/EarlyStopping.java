package org.exchangeai.core.train;

/**
 * When an epoch is the new best and when training stops.
 *
 * <p>The original platform (its {@code finetuning.py}) keeps a checkpoint when the validation loss is
 * at least 1 % below the best <em>and</em> the weighted F1 is at least 2 % above the best, and stops
 * when, after epoch 10, the loss exceeds 1.25 × the best, or when 10 epochs pass without a new best.
 * Requiring both improvements at once means a run whose F1 stays flat (common with few recordings)
 * never keeps a checkpoint at all. Here the first epoch is always the first best; later an epoch is the
 * new best when its validation loss is at least 1 % lower while its weighted F1 falls by no more than
 * 2 % of the best, or when its weighted F1 is more than 2 % higher while its loss rises by no more than
 * 1 %. The stopping rules are the original's (minimum epochs, overfit factor and patience configurable).
 */
public final class EarlyStopping {

    private final int patience;
    private final int minEpochs;
    private final double overfitFactor;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private double bestF1 = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;

    public EarlyStopping(int patience, int minEpochs, double overfitFactor) {
        this.patience = patience;
        this.minEpochs = minEpochs;
        this.overfitFactor = overfitFactor;
    }

    /** Records an epoch's validation result; true when it is the new best. */
    public boolean isNewBest(int epoch, double loss, double f1Weighted) {
        double f1 = Double.isNaN(f1Weighted) ? 0 : f1Weighted;
        boolean better = bestEpoch < 0
                || (loss < bestLoss * 0.99 && f1 >= bestF1 - 0.02 * Math.abs(bestF1))
                || (f1 > bestF1 + 0.02 * Math.abs(bestF1) && f1 > bestF1 && loss <= bestLoss * 1.01);
        if (better && Double.isFinite(loss)) {
            bestLoss = loss;
            bestF1 = f1;
            bestEpoch = epoch;
            return true;
        }
        return false;
    }

    /** True when training should stop after this (0-based) epoch. */
    public boolean shouldStop(int epoch, double loss) {
        if (!Double.isFinite(loss)) {
            return true;
        }
        return (epoch > minEpochs && loss > overfitFactor * bestLoss) || (bestEpoch + patience < epoch);
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    public double bestLoss() {
        return bestLoss;
    }

    public double bestF1() {
        return bestF1;
    }
}
