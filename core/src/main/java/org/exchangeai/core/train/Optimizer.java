package org.exchangeai.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exchangeai.core.onnx.Tensor;

/**
 * Updates parameters in place from their gradients. The update rules follow the PyTorch
 * documentation of the optimizer of the same name (torch.optim), with PyTorch's defaults unless a
 * hyperparameter is given, so a model trained here behaves like one trained by the original platform.
 * Optimizer state lives in its own manager, created before any training step.
 */
public abstract class Optimizer implements AutoCloseable {

    /** The optimizers on offer, by the names the original platform used. */
    public enum Kind {
        ADAMW("AdamW"), ADAM("Adam"), SGD("SGD"), NADAM("NAdam"), ADAMAX("Adamax"), RMSPROP("RMSprop"),
        ADAFACTOR("Adafactor");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Parses a name case-insensitively ("AdamW", "adamw", "sgd"...). */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.label.equalsIgnoreCase(name.trim()) || k.name().equalsIgnoreCase(name.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; choose one of AdamW, Adam, SGD, "
                    + "NAdam, Adamax, RMSprop, Adafactor");
        }
    }

    protected final List<NDArray> params;
    private final List<String> names;
    private final double[] scale;
    protected final NDManager state;
    protected long step;

    protected Optimizer(Map<String, NDArray> parameters, NDManager parent) {
        this.params = new ArrayList<>(parameters.values());
        this.names = new ArrayList<>(parameters.keySet());
        this.scale = new double[params.size()];
        java.util.Arrays.fill(scale, 1);
        this.state = parent.newSubManager();
    }

    /**
     * A new optimizer for the parameters. {@code weightDecay} &lt; 0 means the PyTorch default of
     * that optimizer (0.01 for AdamW, 0 otherwise).
     */
    public static Optimizer create(Kind kind, Map<String, NDArray> parameters, NDManager parent, double weightDecay) {
        return switch (kind) {
            case ADAMW -> new Adam(parameters, parent, weightDecay < 0 ? 0.01 : weightDecay, true);
            case ADAM -> new Adam(parameters, parent, Math.max(0, weightDecay), false);
            case SGD -> new Sgd(parameters, parent, 0.9, Math.max(0, weightDecay));
            case NADAM -> new NAdam(parameters, parent, Math.max(0, weightDecay));
            case ADAMAX -> new Adamax(parameters, parent, Math.max(0, weightDecay));
            case RMSPROP -> new RmsProp(parameters, parent, Math.max(0, weightDecay));
            case ADAFACTOR -> new Adafactor(parameters, parent, Math.max(0, weightDecay));
        };
    }

    /** Applies one update with learning rate {@code lr}; call outside any gradient collector. */
    public final void step(double lr) {
        step++;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            try {
                update(i, p, g, lr * scale[i]);
            } finally {
                g.close();
            }
        }
    }

    /**
     * Gives some parameters a fraction of the learning rate (discriminative learning rates: a
     * pretrained body learns slower than its new head). Parameters not matched keep factor 1.
     */
    public Optimizer scaleLearningRate(java.util.function.Predicate<String> which, double factor) {
        for (int i = 0; i < names.size(); i++) {
            if (which.test(names.get(i))) {
                scale[i] = factor;
            }
        }
        return this;
    }

    /** Sets all parameter gradients to zero (libtorch accumulates them across backward passes). */
    public final void zeroGradients() {
        for (NDArray p : params) {
            NDArray g = p.getGradient();
            g.subi(g);
            g.close();
        }
    }

    protected abstract void update(int index, NDArray p, NDArray g, double lr);

    /** The per-parameter state buffers, one list per kind of buffer (entries may be null). */
    protected abstract List<List<NDArray>> buffers();

    /** Scalar state beyond the step count (NAdam's momentum product). */
    protected double[] scalars() {
        return new double[0];
    }

    protected void restoreScalars(double[] values) {
    }

    /**
     * The optimizer's whole state: step count, scalars and every buffer, so that a run resumed from
     * a checkpoint continues exactly as an uninterrupted one.
     */
    public record State(long step, double[] scalars, Map<String, Tensor> buffers) {
    }

    /** Updates applied so far. */
    public long steps() {
        return step;
    }

    /** A copy of the current state. */
    public State snapshot() {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        List<List<NDArray>> bufs = buffers();
        for (int b = 0; b < bufs.size(); b++) {
            for (int i = 0; i < bufs.get(b).size(); i++) {
                NDArray a = bufs.get(b).get(i);
                if (a != null) {
                    String name = b + "." + i;
                    out.put(name, Tensor.ofFloats(name, a.getShape().getShape(), a.toFloatArray()));
                }
            }
        }
        return new State(step, scalars().clone(), out);
    }

    /** Restores a {@link #snapshot()} of an optimizer of the same kind over the same parameters. */
    public void restore(State state) {
        List<List<NDArray>> bufs = buffers();
        for (int b = 0; b < bufs.size(); b++) {
            for (int i = 0; i < bufs.get(b).size(); i++) {
                NDArray a = bufs.get(b).get(i);
                if (a == null) {
                    continue;
                }
                Tensor t = state.buffers().get(b + "." + i);
                if (t == null || !java.util.Arrays.equals(t.dims(), a.getShape().getShape())) {
                    throw new IllegalArgumentException("optimizer state does not match the parameters (buffer "
                            + b + "." + i + ")");
                }
                a.set(t.floats());
            }
        }
        step = state.step();
        restoreScalars(state.scalars());
    }

    protected List<NDArray> zerosLikeParams() {
        List<NDArray> out = new ArrayList<>();
        for (NDArray p : params) {
            out.add(state.zeros(p.getShape()));
        }
        return out;
    }

    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** Adam, or AdamW when the weight decay is decoupled (p -= lr * wd * p before the Adam step). */
    static final class Adam extends Optimizer {
        private static final double B1 = 0.9;
        private static final double B2 = 0.999;
        private static final double EPS = 1e-8;
        private final double weightDecay;
        private final boolean decoupled;
        private final List<NDArray> m;
        private final List<NDArray> v;

        Adam(Map<String, NDArray> parameters, NDManager parent, double weightDecay, boolean decoupled) {
            super(parameters, parent);
            this.weightDecay = weightDecay;
            this.decoupled = decoupled;
            this.m = zerosLikeParams();
            this.v = zerosLikeParams();
        }

        @Override
        protected void update(int i, NDArray p, NDArray g, double lr) {
            if (weightDecay != 0 && decoupled) {
                p.muli(1 - lr * weightDecay);
            } else if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            m.get(i).muli(B1).addi(g.mul(1 - B1));
            v.get(i).muli(B2).addi(g.square().mul(1 - B2));
            double bc1 = 1 - Math.pow(B1, step);
            double bc2 = 1 - Math.pow(B2, step);
            NDArray denom = v.get(i).div(bc2).sqrt().add(EPS);
            p.subi(m.get(i).div(denom).mul(lr / bc1));
        }

        @Override
        protected List<List<NDArray>> buffers() {
            return List.of(m, v);
        }
    }

    /** SGD with (non-Nesterov) momentum: buf = mu * buf + g; p -= lr * buf. */
    static final class Sgd extends Optimizer {
        private final double momentum;
        private final double weightDecay;
        private final List<NDArray> buf;

        Sgd(Map<String, NDArray> parameters, NDManager parent, double momentum, double weightDecay) {
            super(parameters, parent);
            this.momentum = momentum;
            this.weightDecay = weightDecay;
            this.buf = zerosLikeParams();
        }

        @Override
        protected void update(int i, NDArray p, NDArray g, double lr) {
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            if (step == 1) {
                buf.get(i).addi(g);
            } else {
                buf.get(i).muli(momentum).addi(g);
            }
            p.subi(buf.get(i).mul(lr));
        }

        @Override
        protected List<List<NDArray>> buffers() {
            return List.of(buf);
        }
    }

    /** NAdam with PyTorch's momentum decay (psi = 0.004). */
    static final class NAdam extends Optimizer {
        private static final double B1 = 0.9;
        private static final double B2 = 0.999;
        private static final double EPS = 1e-8;
        private static final double PSI = 0.004;
        private final double weightDecay;
        private final List<NDArray> m;
        private final List<NDArray> v;
        private double muProduct = 1;
        private long muStep;

        NAdam(Map<String, NDArray> parameters, NDManager parent, double weightDecay) {
            super(parameters, parent);
            this.weightDecay = weightDecay;
            this.m = zerosLikeParams();
            this.v = zerosLikeParams();
        }

        @Override
        protected void update(int i, NDArray p, NDArray g, double lr) {
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            double mu = B1 * (1 - 0.5 * Math.pow(0.96, step * PSI));
            double muNext = B1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * PSI));
            if (muStep != step) {
                muProduct *= mu;
                muStep = step;
            }
            m.get(i).muli(B1).addi(g.mul(1 - B1));
            v.get(i).muli(B2).addi(g.square().mul(1 - B2));
            double bc2 = 1 - Math.pow(B2, step);
            NDArray denom = v.get(i).div(bc2).sqrt().add(EPS);
            p.subi(g.div(denom).mul(lr * (1 - mu) / (1 - muProduct)));
            p.subi(m.get(i).div(denom).mul(lr * muNext / (1 - muProduct * muNext)));
        }

        @Override
        protected List<List<NDArray>> buffers() {
            return List.of(m, v);
        }

        @Override
        protected double[] scalars() {
            return new double[] {muProduct, muStep};
        }

        @Override
        protected void restoreScalars(double[] values) {
            muProduct = values[0];
            muStep = (long) values[1];
        }
    }

    /** Adamax: u = max(b2 * u, |g| + eps); p -= lr / (1 - b1^t) * m / u. */
    static final class Adamax extends Optimizer {
        private static final double B1 = 0.9;
        private static final double B2 = 0.999;
        private static final double EPS = 1e-8;
        private final double weightDecay;
        private final List<NDArray> m;
        private final List<NDArray> u;

        Adamax(Map<String, NDArray> parameters, NDManager parent, double weightDecay) {
            super(parameters, parent);
            this.weightDecay = weightDecay;
            this.m = zerosLikeParams();
            this.u = zerosLikeParams();
        }

        @Override
        protected void update(int i, NDArray p, NDArray g, double lr) {
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            m.get(i).muli(B1).addi(g.mul(1 - B1));
            NDArray next = u.get(i).mul(B2).maximum(g.abs().add(EPS));
            next.attach(state);
            ai.djl.ndarray.NDScope.unregister(next);
            u.set(i, next).close();
            p.subi(m.get(i).div(u.get(i)).mul(lr / (1 - Math.pow(B1, step))));
        }

        @Override
        protected List<List<NDArray>> buffers() {
            return List.of(m, u);
        }
    }

    /** RMSprop (alpha 0.99, no momentum, not centred): v = a v + (1 - a) g^2; p -= lr g / (sqrt(v) + eps). */
    static final class RmsProp extends Optimizer {
        private static final double ALPHA = 0.99;
        private static final double EPS = 1e-8;
        private final double weightDecay;
        private final List<NDArray> v;

        RmsProp(Map<String, NDArray> parameters, NDManager parent, double weightDecay) {
            super(parameters, parent);
            this.weightDecay = weightDecay;
            this.v = zerosLikeParams();
        }

        @Override
        protected void update(int i, NDArray p, NDArray g, double lr) {
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            v.get(i).muli(ALPHA).addi(g.square().mul(1 - ALPHA));
            p.subi(g.div(v.get(i).sqrt().add(EPS)).mul(lr));
        }

        @Override
        protected List<List<NDArray>> buffers() {
            return List.of(v);
        }
    }

    /**
     * Adafactor as documented for torch.optim.Adafactor: beta2_t = 1 - t^-0.8, relative step
     * min(lr, 1/sqrt(t)) scaled by max(1e-3, RMS(p)), factored second moment over the last two axes for
     * tensors of rank ≥ 2, update clipped to RMS ≤ 1.
     */
    static final class Adafactor extends Optimizer {
        private static final double DECAY = -0.8;
        private static final double EPS1 = Math.ulp(1.0f);
        private static final double EPS2 = 1e-3;
        private final double weightDecay;
        private final List<NDArray> row = new ArrayList<>();
        private final List<NDArray> col = new ArrayList<>();
        private final List<NDArray> full = new ArrayList<>();

        Adafactor(Map<String, NDArray> parameters, NDManager parent, double weightDecay) {
            super(parameters, parent);
            this.weightDecay = weightDecay;
            for (NDArray p : params) {
                long[] s = p.getShape().getShape();
                if (s.length >= 2) {
                    long[] r = s.clone();
                    r[s.length - 1] = 1;
                    long[] c = s.clone();
                    c[s.length - 2] = 1;
                    row.add(state.zeros(new ai.djl.ndarray.types.Shape(r)));
                    col.add(state.zeros(new ai.djl.ndarray.types.Shape(c)));
                    full.add(null);
                } else {
                    row.add(null);
                    col.add(null);
                    full.add(state.zeros(p.getShape()));
                }
            }
        }

        @Override
        protected void update(int i, NDArray p, NDArray g, double lr) {
            double beta2 = 1 - Math.pow(step, DECAY);
            double rho = Math.min(lr, 1 / Math.sqrt(step));
            double rms = Math.sqrt(p.square().mean().getFloat());
            double alpha = Math.max(EPS2, rms) * rho;
            if (weightDecay != 0) {
                p.muli(1 - lr * weightDecay);
            }
            NDArray g2 = g.square();
            NDArray var;
            int rank = p.getShape().dimension();
            if (rank >= 2) {
                row.get(i).muli(beta2).addi(g2.mean(new int[] {rank - 1}, true).mul(1 - beta2));
                col.get(i).muli(beta2).addi(g2.mean(new int[] {rank - 2}, true).mul(1 - beta2));
                NDArray rowMean = row.get(i).mean(new int[] {rank - 2}, true).maximum(EPS1);
                var = row.get(i).mul(col.get(i)).div(rowMean);
            } else {
                full.get(i).muli(beta2).addi(g2.mul(1 - beta2));
                var = full.get(i);
            }
            NDArray u = g.mul(var.maximum(EPS1 * EPS1).sqrt().pow(-1));
            double urms = Math.sqrt(u.square().mean().getFloat());
            p.subi(u.mul(alpha / Math.max(1, urms)));
        }

        @Override
        protected List<List<NDArray>> buffers() {
            return List.of(row, col, full);
        }
    }
}
