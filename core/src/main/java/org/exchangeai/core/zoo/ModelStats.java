package org.exchangeai.core.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.atomic.AtomicLong;
import org.exchangeai.core.onnx.OnnxGraph;
import org.exchangeai.core.train.Engines;
import org.exchangeai.core.train.GraphModule;
import org.exchangeai.core.train.ops.OpContext;
import org.exchangeai.core.train.ops.OpRegistry;

/**
 * Size and cost of a model: trainable parameters (float initializers, without BatchNormalization
 * running statistics) and floating-point operations of one forward pass on one recording, counted
 * as 2 × multiply–accumulates of Conv, Gemm and MatMul (element-wise ops, normalisation and pooling
 * are left out; they add a few per cent). Shapes come from running the graph once.
 *
 * @param parameters trainable parameters
 * @param flops      floating-point operations for one {@code [1, leads, samples]} input
 */
public record ModelStats(long parameters, long flops) {

    /** Measures {@code graph} on a {@code [1, leads, samples]} input (runs on a large-stack thread). */
    public static ModelStats of(OnnxGraph graph, int leads, int samples) {
        return Engines.onLargeStack(() -> measure(graph, leads, samples));
    }

    private static ModelStats measure(OnnxGraph graph, int leads, int samples) {
        OpRegistry standard = OpRegistry.standard();
        OpRegistry counting = OpRegistry.standard();
        AtomicLong flops = new AtomicLong();
        counting.register("Conv", ctx -> {
            NDArray[] out = standard.resolve(ctx.node(), ctx.attributes(), ctx.opset()).run(ctx);
            Shape w = ctx.input(1).getShape();
            long perOutput = 1;
            for (int i = 1; i < w.dimension(); i++) {
                perOutput *= w.get(i);
            }
            flops.addAndGet(2 * out[0].getShape().size() * perOutput);
            return out;
        });
        for (String op : new String[] {"Gemm", "MatMul"}) {
            counting.register(op, ctx -> {
                NDArray[] out = standard.resolve(ctx.node(), ctx.attributes(), ctx.opset()).run(ctx);
                flops.addAndGet(2 * out[0].getShape().size() * innerDimension(ctx, op));
                return out;
            });
        }
        try (NDManager m = Engines.newManager(); GraphModule module = GraphModule.build(graph, m, counting)) {
            module.setTraining(false);
            long params = module.parameterCount();
            try (NDManager call = m.newSubManager()) {
                module.forward(call.zeros(new Shape(1, leads, samples)));
            }
            return new ModelStats(params, flops.get());
        }
    }

    private static long innerDimension(OpContext ctx, String op) {
        Shape a = ctx.input(0).getShape();
        if (op.equals("Gemm") && ctx.attributes().getInt("transA", 0) == 1) {
            return a.get(0);
        }
        return a.get(a.dimension() - 1);
    }
}
