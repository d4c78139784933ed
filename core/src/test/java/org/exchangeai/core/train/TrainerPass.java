package org.exchangeai.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.exchangeai.core.data.Split;

/**
 * The training pass of one {@link Trainer} epoch — shuffled order, batches, {@code Trainer.Run.step}
 * (batch assembly, interpreted forward, loss, backward, optimizer step) — without the validation pass,
 * events and export around it, so a benchmark can time exactly that and interleave it with other work.
 * Lives in this package because {@code Trainer.Run} is package-private.
 */
public final class TrainerPass {

    private final TrainingConfig config;
    private final Trainer.Run run;

    /**
     * @param classIndex class name → output index (sorted names, as the trainer numbers them)
     * @param train indices of {@code examples} the pass trains on, all of them in every epoch
     */
    public TrainerPass(TrainingConfig config, GraphModule module, NDManager root, List<Example> examples,
            Map<String, Integer> classIndex, int[] train) {
        this.config = config;
        long[] shape = {examples.get(0).input().length, examples.get(0).input()[0].length};
        this.run = new Trainer(config).new Run(module, root, examples, classIndex, shape,
                new Split(train.clone(), new int[0]), System.nanoTime());
    }

    /** The class weights the trainer's loss uses (min(count) / count over the training indices). */
    public NDArray classWeights() {
        return run.classWeights;
    }

    /** The order of the training indices in epoch {@code epoch} (0-based), as the trainer shuffles it. */
    public int[] order(int epoch) {
        return run.shuffledTrain(config.seed() * 31 + epoch);
    }

    /** Index ranges [from, to) of the batches over {@code n} recordings, as the trainer cuts them. */
    public List<int[]> batches(int n) {
        return run.batches(n);
    }

    /** One training pass in training mode; returns the mean batch loss. */
    public double epoch(Optimizer optimizer, int epoch, double lr) {
        run.module.setTraining(true);
        int[] order = order(epoch);
        List<int[]> batches = batches(order.length);
        double sum = 0;
        for (int[] b : batches) {
            sum += run.step(optimizer, order, b[0], b[1], lr);
        }
        return sum / batches.size();
    }

    /** One step of the trainer on the recordings {@code order[from..to)}, in training mode; returns the loss. */
    public double step(Optimizer optimizer, int[] order, int from, int to, double lr) {
        run.module.setTraining(true);
        return run.step(optimizer, order, from, to, lr);
    }

    /** The first {@code count} batches of epoch {@code epoch} only (warm-up). */
    public void batches(Optimizer optimizer, int epoch, int count, double lr) {
        run.module.setTraining(true);
        int[] order = order(epoch);
        List<int[]> batches = batches(order.length);
        for (int i = 0; i < Math.min(count, batches.size()); i++) {
            run.step(optimizer, order, batches.get(i)[0], batches.get(i)[1], lr);
        }
    }
}
