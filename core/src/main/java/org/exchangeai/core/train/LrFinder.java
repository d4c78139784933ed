package org.exchangeai.core.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The original platform's learning-rate finder: a short run of AdamW steps over all recordings with
 * the learning rate swept linearly upwards, the loss smoothed exponentially (factor 0.05), stopped when
 * it exceeds 5 × the best; the suggestion is the rate at the steepest descent of the smoothed loss
 * (first and last points dropped). Batch size max(n / 200, 4), so about 200 steps at most.
 *
 * <p>The original sweeps lr_i = i / steps × (final − initial), i.e. from 0 rather than from the initial
 * rate; this keeps that sweep so suggestions agree with it. The weights are restored by the caller.
 */
final class LrFinder {

    private static final double INITIAL = 1e-4;
    private static final double SMOOTH = 0.05;
    private static final double DIVERGE = 5;

    private final Trainer.Run run;

    LrFinder(Trainer.Run run) {
        this.run = run;
    }

    /** Suggested learning rate in (0, finalLr], or {@code null} when too few points were recorded. */
    Double find(double finalLr) {
        int n = run.examples.size();
        int batch = Math.max(n / 200, 4);
        int steps = n / batch;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        order = shuffle(order);
        List<Double> lrs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        double lr = INITIAL;
        double best = Double.POSITIVE_INFINITY;
        run.module.setTraining(true);
        try (Optimizer opt = Optimizer.create(Optimizer.Kind.ADAMW, run.module.trainableParameters(), run.root, -1)) {
            for (int i = 0; i < steps; i++) {
                int from = i * batch;
                int to = Math.min(n, from + batch);
                if (to - from < 2) {
                    break;
                }
                double loss = run.step(opt, order, from, to, lr);
                if (!losses.isEmpty()) {
                    loss = SMOOTH * loss + (1 - SMOOTH) * losses.get(losses.size() - 1);
                }
                best = Math.min(best, loss);
                lrs.add(lr);
                losses.add(loss);
                if (loss > DIVERGE * best || !Double.isFinite(loss)) {
                    break;
                }
                lr = (double) (i + 1) / steps * (finalLr - INITIAL);
            }
        }
        if (losses.size() < 4) {
            return null;
        }
        List<Double> l = losses.subList(1, losses.size() - 1);
        List<Double> r = lrs.subList(1, lrs.size() - 1);
        int arg = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < l.size(); i++) {
            // numpy.gradient: one-sided at the ends, central inside
            double g = i == 0 ? l.get(1) - l.get(0)
                    : i == l.size() - 1 ? l.get(i) - l.get(i - 1) : (l.get(i + 1) - l.get(i - 1)) / 2;
            if (g < min) {
                min = g;
                arg = i;
            }
        }
        return r.get(arg);
    }

    private int[] shuffle(int[] order) {
        java.util.Random random = new java.util.Random(run.examples.size() * 7919L);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
