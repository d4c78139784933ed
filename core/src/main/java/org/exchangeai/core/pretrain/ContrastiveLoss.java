package org.exchangeai.core.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.exchangeai.core.train.Losses;

/**
 * The normalised temperature-scaled cross-entropy (NT-Xent) of SimCLR (Chen et al. 2020, "A simple
 * framework for contrastive learning of visual representations", ICML): for 2N projections of N
 * recordings (two views each, view pairs at rows i and i + N), each row must pick its partner among
 * the 2N − 1 others by cosine similarity over a temperature.
 */
public final class ContrastiveLoss {

    private ContrastiveLoss() {
    }

    /**
     * @param z [2N, d] projections; rows i and i + N are two views of one recording
     * @param temperature softmax temperature (SimCLR: 0.1–0.5)
     * @return the mean loss over the 2N rows
     */
    public static NDArray ntXent(NDArray z, double temperature) {
        long rows = z.getShape().get(0);
        if (rows % 2 != 0 || rows < 4) {
            throw new IllegalArgumentException("NT-Xent needs two views of at least two recordings, got " + rows + " rows");
        }
        long n = rows / 2;
        NDArray unit = z.div(z.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f));
        NDArray sim = unit.dot(unit.transpose()).div((float) temperature);
        // a row never picks itself
        NDArray self = z.getManager().eye((int) rows).mul(1e9f);
        NDArray logits = sim.sub(self);
        long[] partner = new long[(int) rows];
        for (int i = 0; i < rows; i++) {
            partner[i] = i < n ? i + n : i - n;
        }
        NDArray targets = z.getManager().create(partner, new Shape(rows));
        return Losses.crossEntropy(logits, targets, null);
    }
}
