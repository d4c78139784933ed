package org.exchangeai.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.exchangeai.core.train.EpochSelection;
import org.exchangeai.core.train.Method;
import org.exchangeai.core.train.Optimizer;
import org.exchangeai.core.train.TrainingConfig;

/**
 * The advanced training options of the fine-tune and compare forms, read the way the command line
 * reads its flags (same defaults), so a run in the browser and one from {@code finetune} agree.
 */
final class TrainingOptions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingOptions() {
    }

    /** The options in the form, for {@code method}; a clear {@link IllegalArgumentException} when one is out of range. */
    static TrainingConfig read(Context ctx, Method method) {
        TrainingConfig d = TrainingConfig.defaults(method);
        int epochs = integer(ctx, "epochs", d.epochs());
        int batch = integer(ctx, "batch", d.batchSize());
        double lr = number(ctx, "lr", d.learningRate());
        double gamma = number(ctx, "gamma", d.lrGamma());
        double valFraction = number(ctx, "valFraction", d.validationFraction());
        long seed = Long.parseLong(text(ctx, "seed", String.valueOf(d.seed())));
        Optimizer.Kind optimizer = Optimizer.Kind.parse(text(ctx, "optimizer", d.optimizer().name()));
        boolean lrFind = "on".equals(ctx.formParam("lrFind"));
        String selectText = ctx.formParam("select");
        EpochSelection.Criterion select = selectText == null || selectText.isBlank() || selectText.equals("default") ? null
                : EpochSelection.Criterion.parse(selectText);
        if (epochs < 1 || epochs > 500) {
            throw new IllegalArgumentException("epochs must be between 1 and 500");
        }
        if (batch < 1 || batch > 512) {
            throw new IllegalArgumentException("the batch size must be between 1 and 512");
        }
        if (!(lr > 0 && lr < 1)) {
            throw new IllegalArgumentException("the learning rate must be between 0 and 1");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("the learning-rate factor per epoch (gamma) must be in (0, 1]");
        }
        if (!(valFraction > 0 && valFraction < 0.9)) {
            throw new IllegalArgumentException("the validation share must be between 0 and 0.9");
        }
        return new TrainingConfig(method, optimizer, epochs, batch, lr, gamma, d.weightDecay(), valFraction, seed,
                d.multiLabel(), d.patience(), d.minEpochs(), d.overfitFactor(), lrFind, select);
    }

    /** The options as JSON (method excluded), for job parameters and reports. */
    static ObjectNode json(TrainingConfig c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("epochs", c.epochs());
        o.put("batchSize", c.batchSize());
        o.put("learningRate", c.learningRate());
        o.put("optimizer", c.optimizer().label());
        o.put("lrGamma", c.lrGamma());
        o.put("validationFraction", c.validationFraction());
        o.put("seed", c.seed());
        o.put("learningRateFinder", c.findLearningRate());
        if (c.select() != null) {
            o.put("select", c.select().key());
        }
        return o;
    }

    /** The options {@link #json} wrote (method {@code head}; callers set their own). */
    static TrainingConfig fromJson(com.fasterxml.jackson.databind.JsonNode o) {
        TrainingConfig d = TrainingConfig.defaults(Method.HEAD);
        return new TrainingConfig(Method.HEAD, Optimizer.Kind.parse(o.path("optimizer").asText(d.optimizer().label())),
                o.path("epochs").asInt(d.epochs()), o.path("batchSize").asInt(d.batchSize()),
                o.path("learningRate").asDouble(d.learningRate()), o.path("lrGamma").asDouble(d.lrGamma()), d.weightDecay(),
                o.path("validationFraction").asDouble(d.validationFraction()), o.path("seed").asLong(d.seed()),
                d.multiLabel(), d.patience(), d.minEpochs(), d.overfitFactor(), o.path("learningRateFinder").asBoolean(false),
                o.hasNonNull("select") ? EpochSelection.Criterion.parse(o.get("select").asText()) : null);
    }

    private static String text(Context ctx, String name, String fallback) {
        String v = ctx.formParam(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static int integer(Context ctx, String name, int fallback) {
        try {
            return Integer.parseInt(text(ctx, name, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }

    private static double number(Context ctx, String name, double fallback) {
        try {
            return Double.parseDouble(text(ctx, name, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, e.g. 0.001");
        }
    }
}
