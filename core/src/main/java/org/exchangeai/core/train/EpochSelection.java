package org.exchangeai.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which epoch a training run keeps, and when it stops: a rule that stays sensible when the
 * validation set holds a few dozen recordings.
 *
 * <p>The original platform ({@code finetuning.py}) keeps an epoch only when its validation loss is
 * at least 1 % below the best <em>and</em> its weighted F1 at least 2 % above the best, starting
 * from loss ∞ and F1 0, so the first epoch with any F1 is kept; it stops when, after epoch 10, the
 * loss exceeds 1.25 × the best, or 10 epochs pass without a new best. On 23 validation recordings
 * the loss of a barely trained model is often lowest at epoch 1 (its probabilities are still
 * uncertain, so rarely confidently wrong) while F1 keeps rising for several epochs: a loss-led rule
 * keeps an untrained model.
 *
 * <p>Here, per epoch, a criterion is read ({@link Criterion}: by default the validation loss when a
 * pretrained model is fine-tuned and the macro AUC from scratch, or macro F1); AUC and F1 are smoothed
 * over the epoch and its two neighbours (a centred window of 3; the last epoch uses the neighbours it
 * has), which damps the noise of a small validation set. The kept epoch is the one with the best smoothed criterion among the eligible
 * epochs, ties broken by the lower validation loss:
 * <ul>
 *   <li>not before {@link #earliest(Method)} (1 for the head, 2 for all layers, 5 from scratch, where
 *       the first epochs are still near the random start);</li>
 *   <li>not an epoch whose validation macro F1 is more than {@link #F1_TOLERANCE} below the best F1
 *       of the run, the numbers a user reads.</li>
 * </ul>
 * When every epoch from the earliest on is more than that below the best F1 (the run was best before
 * it), the earliest-epoch limit gives way to the F1 condition: an epoch that far behind is never kept
 * while one within it exists.
 * Early stopping counts patience on the same choice: the run stops when the kept epoch has not
 * changed for {@code patience} epochs (and, with the loss criterion only, when the validation loss
 * exceeds the overfit factor × its best after {@code minEpochs}). When the macro AUC cannot be
 * computed (a validation set with one class), F1 takes its place.
 */
public final class EpochSelection {

    /** What decides the kept epoch. */
    public enum Criterion {
        LOSS("loss"), F1("f1"), AUC("auc");

        private final String key;

        Criterion(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Criterion parse(String s) {
            for (Criterion c : values()) {
                if (c.key.equalsIgnoreCase(s.strip())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown selection criterion '" + s + "'; choose loss, f1 or auc");
        }
    }

    /** An epoch is not kept when its macro F1 is more than this below the run's best. */
    public static final double F1_TOLERANCE = 0.1;

    private record Entry(double loss, double f1, double auc) {
    }

    private final Criterion criterion;
    private final int earliest;
    private final int patience;
    private final int minEpochs;
    private final double overfitFactor;
    private final List<Entry> entries = new ArrayList<>();

    /**
     * @param criterion what decides
     * @param earliest first epoch (1-based) that may be kept
     * @param patience stop when the kept epoch has not changed for this many epochs
     * @param minEpochs with the loss criterion, the overfit rule applies after this epoch
     * @param overfitFactor with the loss criterion, stop when the loss exceeds this × its best
     */
    public EpochSelection(Criterion criterion, int earliest, int patience, int minEpochs, double overfitFactor) {
        this.criterion = criterion;
        this.earliest = Math.max(1, earliest);
        this.patience = Math.max(1, patience);
        this.minEpochs = minEpochs;
        this.overfitFactor = overfitFactor;
    }

    /**
     * The criterion a method uses unless told otherwise: the validation loss when a pretrained model is
     * fine-tuned (it starts calibrated, so its loss follows its quality), the macro AUC from scratch
     * (where the loss of a barely trained model is often lowest).
     */
    public static Criterion defaultCriterion(Method method) {
        return method == Method.SCRATCH ? Criterion.AUC : Criterion.LOSS;
    }

    /** The first epoch a method may keep: 1 for the head, 2 for all layers, 5 from scratch. */
    public static int earliest(Method method) {
        return switch (method) {
            case HEAD -> 1;
            case ALL -> 2;
            case SCRATCH -> 5;
        };
    }

    /** Records the next epoch's validation numbers (NaN where not measured). */
    public void add(double loss, double f1Macro, double macroAuc) {
        entries.add(new Entry(loss, f1Macro, macroAuc));
    }

    public int epochs() {
        return entries.size();
    }

    /** The criterion actually used: F1 when AUC was asked for but some epoch has none. */
    public Criterion effectiveCriterion() {
        if (criterion == Criterion.AUC && entries.stream().anyMatch(e -> Double.isNaN(e.auc()))) {
            return Criterion.F1;
        }
        return criterion;
    }

    /** Raw criterion per epoch, higher is better (the loss negated). */
    private double raw(Entry e, Criterion c) {
        double v = switch (c) {
            case LOSS -> -e.loss();
            case F1 -> e.f1();
            case AUC -> e.auc();
        };
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    /**
     * The criterion of each epoch so far (higher is better; loss negated). F1 and AUC are averaged with
     * the neighbouring epochs: on a small validation set they jump by whole recordings, while the loss,
     * a mean of continuous values, does not.
     */
    public double[] smoothed() {
        Criterion c = effectiveCriterion();
        int n = entries.size();
        double[] out = new double[n];
        if (c == Criterion.LOSS) {
            for (int i = 0; i < n; i++) {
                out[i] = raw(entries.get(i), c);
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int k = 0;
            for (int j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) {
                sum += raw(entries.get(j), c);
                k++;
            }
            out[i] = sum / k;
        }
        return out;
    }

    /** The epoch (1-based) to keep given the epochs so far; 0 before the first. */
    public int bestEpoch() {
        int n = entries.size();
        if (n == 0) {
            return 0;
        }
        double[] s = smoothed();
        double maxF1 = Double.NEGATIVE_INFINITY;
        for (Entry e : entries) {
            if (!Double.isNaN(e.f1())) {
                maxF1 = Math.max(maxF1, e.f1());
            }
        }
        int from = n >= earliest ? earliest - 1 : 0;
        int best = -1;
        for (int pass = 0; pass < 3 && best < 0; pass++) {
            // the second pass also looks before the earliest epoch (when every later epoch's F1 is far below an
            // earlier one's), the third drops the F1 condition, so there is always a kept epoch
            for (int i = pass == 1 ? 0 : from; i < n; i++) {
                Entry e = entries.get(i);
                boolean closeToBestF1 = Double.isNaN(e.f1()) || maxF1 == Double.NEGATIVE_INFINITY
                        || e.f1() >= maxF1 - F1_TOLERANCE - 1e-12;
                if (!Double.isFinite(e.loss()) || (pass < 2 && !closeToBestF1)) {
                    continue;
                }
                if (best < 0 || s[i] > s[best] + 1e-12
                        || (Math.abs(s[i] - s[best]) <= 1e-12 && e.loss() < entries.get(best).loss())) {
                    best = i;
                }
            }
        }
        return best + 1;
    }

    /** True when training should stop after the epochs so far. */
    public boolean shouldStop() {
        int n = entries.size();
        if (n == 0) {
            return false;
        }
        Entry last = entries.get(n - 1);
        if (!Double.isFinite(last.loss())) {
            return true;
        }
        int best = bestEpoch();
        if (criterion == Criterion.LOSS && n > minEpochs) {
            double bestLoss = entries.stream().mapToDouble(Entry::loss).filter(Double::isFinite).min().orElse(Double.NaN);
            if (last.loss() > overfitFactor * bestLoss) {
                return true;
            }
        }
        return n >= earliest && n - best >= patience;
    }

    public String describe() {
        Criterion c = effectiveCriterion();
        return String.format(Locale.ROOT, "%s%s, from epoch %d, F1 within %.2f of the best", c.key(),
                c == Criterion.LOSS ? "" : " smoothed over 3 epochs", earliest, F1_TOLERANCE);
    }
}
