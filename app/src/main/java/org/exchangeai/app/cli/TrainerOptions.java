package org.exchangeai.app.cli;

import org.exchangeai.core.train.EpochSelection;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Optimizer;
import org.exchangeai.core.train.TrainingConfig;
import picocli.CommandLine.Option;

/** The trainer's options, shared by the commands that train ({@code finetune}, {@code compare}). */
public final class TrainerOptions {

    @Option(names = "--epochs", defaultValue = "30", description = "Maximum epochs of a run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "8", description = "Recordings per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--gamma", defaultValue = "0.8", description = "Learning rate factor per epoch (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--optimizer", defaultValue = "adamw",
            description = "adamw, adam, sgd, nadam, adamax, rmsprop, adafactor (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--val-fraction", defaultValue = "0.2",
            description = "Share of each class of the training recordings held out to choose the kept epoch "
                    + "(default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--select", paramLabel = "loss|f1|auc",
            description = "What decides the kept epoch: validation loss, or macro AUC or macro F1 smoothed over neighbouring "
                    + "epochs (default: loss when fine-tuning a pretrained model, auc from scratch; never before epoch 2 "
                    + "for all layers or 5 from scratch, and never an epoch whose macro F1 is more than 0.1 below the "
                    + "run's best).")
    String select;

    /** The trainer's configuration from these options (patience 10 epochs, overfit stop at 1.25 × the best loss). */
    TrainingConfig config(Method method, long seed, boolean multiLabel, boolean lrFind) {
        return new TrainingConfig(method, Optimizer.Kind.parse(optimizer), epochs, batch, lr, gamma, -1, valFraction, seed,
                multiLabel, 10, 10, 1.25, lrFind, select == null ? null : EpochSelection.Criterion.parse(select));
    }
}
