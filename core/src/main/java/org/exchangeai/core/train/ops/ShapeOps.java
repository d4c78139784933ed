package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exchangeai.core.onnx.Tensor;

/**
 * Ops that move, select or describe elements without arithmetic: Flatten, Reshape, Transpose,
 * Squeeze, Unsqueeze, Concat, Constant, Shape, Gather, Slice, Pad, Identity.
 */
final class ShapeOps {

    private ShapeOps() {
    }

    static void register(OpRegistry r) {
        r.register("Identity", c -> new NDArray[] {c.input(0)});
        r.register("Flatten", ShapeOps::flatten);
        r.register("Reshape", ShapeOps::reshape);
        r.register("Transpose", ShapeOps::transpose);
        r.register("Squeeze", ShapeOps::squeeze);
        r.register("Unsqueeze", ShapeOps::unsqueeze);
        r.register("Concat", ShapeOps::concat, (node, a, opset) -> {
            if (!a.has("axis")) {
                throw new OpException(node, "attribute axis is required");
            }
        });
        r.register("Constant", ShapeOps::constant, (node, a, opset) -> constantTensor(node, a));
        r.register("Shape", ShapeOps::shape);
        r.register("Gather", ShapeOps::gather);
        r.register("Slice", ShapeOps::slice);
        r.register("Pad", ShapeOps::pad, (node, a, opset) -> {
            String mode = a.getString("mode", "constant");
            if (!List.of("constant", "reflect", "edge").contains(mode)) {
                throw new OpException(node, "pad mode '" + mode + "' is not supported");
            }
        });
    }

    /** Creates a tensor constant in a manager. */
    static NDArray create(NDManager m, Tensor t) {
        Shape s = new Shape(t.dims());
        return t.type() == Tensor.Type.FLOAT ? m.create(t.floats(), s) : m.create(t.longs(), s);
    }

    private static NDArray[] flatten(OpContext c) {
        NDArray x = c.input(0);
        Shape s = x.getShape();
        int rank = s.dimension();
        long axis = c.attributes().getInt("axis", 1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        if (a < 0 || a > rank) {
            throw c.error("axis " + axis + " out of range for rank " + rank);
        }
        long outer = s.slice(0, a).size();
        return new NDArray[] {x.reshape(outer, outer == 0 ? 0 : s.size() / outer)};
    }

    private static NDArray[] reshape(OpContext c) {
        NDArray x = c.input(0);
        long[] target = c.opset() >= 5 ? c.longs(1) : c.attributes().getInts("shape");
        if (target == null) {
            throw c.error("the target shape is missing");
        }
        boolean allowZero = c.attributes().getInt("allowzero", 0) != 0;
        long[] dims = target.clone();
        long[] in = x.getShape().getShape();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw c.error("shape " + Arrays.toString(target) + " copies dimension " + i + " of input " + x.getShape());
                }
                dims[i] = in[i];
            }
        }
        return new NDArray[] {x.reshape(new Shape(dims))};
    }

    private static NDArray[] transpose(OpContext c) {
        NDArray x = c.input(0);
        long[] perm = c.attributes().getInts("perm");
        if (perm == null) {
            return new NDArray[] {x.transpose()};
        }
        return new NDArray[] {x.transpose(Arrays.stream(perm).mapToInt(p -> c.axis(p, perm.length)).toArray())};
    }

    private static long[] axesOf(OpContext c) {
        return c.opset() >= 13 ? c.longs(1) : c.attributes().getInts("axes");
    }

    private static NDArray[] squeeze(OpContext c) {
        NDArray x = c.input(0);
        long[] axes = axesOf(c);
        if (axes == null || axes.length == 0) {
            long[] kept = Arrays.stream(x.getShape().getShape()).filter(d -> d != 1).toArray();
            return new NDArray[] {x.reshape(new Shape(kept))};
        }
        int rank = x.getShape().dimension();
        int[] norm = Arrays.stream(axes).mapToInt(a -> c.axis(a, rank)).toArray();
        for (int a : norm) {
            if (x.getShape().get(a) != 1) {
                throw c.error("cannot squeeze axis " + a + " of shape " + x.getShape());
            }
        }
        return new NDArray[] {x.squeeze(norm)};
    }

    private static NDArray[] unsqueeze(OpContext c) {
        NDArray x = c.input(0);
        long[] axes = axesOf(c);
        if (axes == null) {
            throw c.error("axes are required");
        }
        int outRank = x.getShape().dimension() + axes.length;
        int[] norm = Arrays.stream(axes).mapToInt(a -> c.axis(a, outRank)).sorted().toArray();
        long[] dims = new long[outRank];
        long[] in = x.getShape().getShape();
        int k = 0;
        int j = 0;
        for (int i = 0; i < outRank; i++) {
            if (k < norm.length && norm[k] == i) {
                dims[i] = 1;
                k++;
            } else {
                dims[i] = in[j++];
            }
        }
        return new NDArray[] {x.reshape(new Shape(dims))};
    }

    private static NDArray[] concat(OpContext c) {
        NDList list = new NDList();
        for (int i = 0; i < c.inputCount(); i++) {
            list.add(c.input(i));
        }
        int axis = c.axis(c.attributes().getInt("axis", 0), list.get(0).getShape().dimension());
        return new NDArray[] {list.size() == 1 ? list.get(0) : NDArrays.concat(list, axis)};
    }

    static Tensor constantTensor(org.exchangeai.core.onnx.proto.Onnx.NodeProto node, Attributes a) {
        if (a.has("value")) {
            return a.getTensor("value");
        }
        if (a.has("value_float")) {
            return Tensor.ofFloats("", new long[0], new float[] {a.getFloat("value_float", 0)});
        }
        if (a.has("value_floats")) {
            float[] f = a.getFloats("value_floats");
            return Tensor.ofFloats("", new long[] {f.length}, f);
        }
        if (a.has("value_int")) {
            return Tensor.ofLongs("", new long[0], new long[] {a.getInt("value_int", 0)});
        }
        if (a.has("value_ints")) {
            long[] v = a.getInts("value_ints");
            return Tensor.ofLongs("", new long[] {v.length}, v);
        }
        throw new OpException(node, "no supported value attribute (value, value_float(s), value_int(s)); has "
                + a.names());
    }

    private static NDArray[] constant(OpContext c) {
        return new NDArray[] {create(c.manager(), constantTensor(c.node(), c.attributes()))};
    }

    private static NDArray[] shape(OpContext c) {
        long[] dims = c.input(0).getShape().getShape();
        int rank = dims.length;
        long start = c.attributes().getInt("start", 0);
        long end = c.attributes().getInt("end", rank);
        int s = (int) Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        int e = (int) Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
        long[] out = Arrays.copyOfRange(dims, s, Math.max(s, e));
        return new NDArray[] {c.manager().create(out, new Shape(out.length))};
    }

    /**
     * Picks {@code indices} (already non-negative) along {@code axis}; differentiable (torch gather on an
     * index broadcast to the output shape).
     */
    static NDArray takeAlong(NDArray x, int axis, long[] indices, NDManager m) {
        long[] shape = x.getShape().getShape();
        long[] idxShape = new long[shape.length];
        Arrays.fill(idxShape, 1);
        idxShape[axis] = indices.length;
        long[] outShape = shape.clone();
        outShape[axis] = indices.length;
        NDArray idx = m.create(indices, new Shape(idxShape)).broadcast(new Shape(outShape));
        return x.gather(idx, axis);
    }

    private static NDArray[] gather(OpContext c) {
        NDArray x = c.input(0);
        NDArray ind = c.input(1);
        int rank = x.getShape().dimension();
        int axis = c.axis(c.attributes().getInt("axis", 0), rank);
        long dim = x.getShape().get(axis);
        long[] idx = c.longs(1);
        for (int i = 0; i < idx.length; i++) {
            long v = idx[i] < 0 ? idx[i] + dim : idx[i];
            if (v < 0 || v >= dim) {
                throw c.error("index " + idx[i] + " out of range for axis " + axis + " of size " + dim);
            }
            idx[i] = v;
        }
        NDArray picked = takeAlong(x, axis, idx, c.manager());
        long[] s = x.getShape().getShape();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < axis; i++) {
            out.add(s[i]);
        }
        for (long d : ind.getShape().getShape()) {
            out.add(d);
        }
        for (int i = axis + 1; i < s.length; i++) {
            out.add(s[i]);
        }
        return new NDArray[] {picked.reshape(new Shape(out.stream().mapToLong(Long::longValue).toArray()))};
    }

    private static NDArray[] slice(OpContext c) {
        NDArray x = c.input(0);
        Attributes a = c.attributes();
        long[] starts = c.opset() >= 10 ? c.longs(1) : a.getInts("starts");
        long[] ends = c.opset() >= 10 ? c.longs(2) : a.getInts("ends");
        long[] axes = c.opset() >= 10 ? c.longs(3) : a.getInts("axes");
        long[] steps = c.opset() >= 10 ? c.longs(4) : null;
        if (starts == null || ends == null || starts.length != ends.length) {
            throw c.error("starts and ends are required and must have the same length");
        }
        int rank = x.getShape().dimension();
        long[] lo = new long[rank];
        long[] hi = x.getShape().getShape();
        long[] step = new long[rank];
        Arrays.fill(step, 1);
        boolean[] negative = new boolean[rank];
        for (int i = 0; i < starts.length; i++) {
            int axis = c.axis(axes == null ? i : axes[i], rank);
            long dim = x.getShape().get(axis);
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw c.error("step 0 on axis " + axis);
            }
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
            } else {
                s = Math.max(0, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
            }
            lo[axis] = s;
            hi[axis] = e;
            step[axis] = st;
            negative[axis] = st < 0;
        }
        NDIndex index = new NDIndex();
        for (int axis = 0; axis < rank; axis++) {
            if (negative[axis]) {
                index.addAllDim();
            } else {
                index.addSliceDim(lo[axis], Math.max(lo[axis], hi[axis]), step[axis]);
            }
        }
        NDArray y = x.get(index);
        for (int axis = 0; axis < rank; axis++) {
            if (negative[axis]) {
                List<Long> picks = new ArrayList<>();
                for (long i = lo[axis]; i > hi[axis]; i += step[axis]) {
                    picks.add(i);
                }
                y = takeAlong(y, axis, picks.stream().mapToLong(Long::longValue).toArray(), c.manager());
            }
        }
        return new NDArray[] {y};
    }

    private static NDArray[] pad(OpContext c) {
        NDArray x = c.input(0);
        Attributes a = c.attributes();
        int rank = x.getShape().dimension();
        long[] pads = c.opset() >= 11 ? c.longs(1) : a.getInts("pads");
        double value = c.opset() >= 11 ? c.scalar(2, 0f) : a.getFloat("value", 0f);
        long[] axes = c.opset() >= 18 ? c.longs(3) : null;
        int[] ax;
        if (axes == null) {
            ax = java.util.stream.IntStream.range(0, rank).toArray();
        } else {
            ax = Arrays.stream(axes).mapToInt(v -> c.axis(v, rank)).toArray();
        }
        if (pads == null || pads.length != 2 * ax.length) {
            throw c.error("pads must hold " + 2 * ax.length + " values");
        }
        long[] begin = new long[rank];
        long[] end = new long[rank];
        for (int i = 0; i < ax.length; i++) {
            begin[ax[i]] = pads[i];
            end[ax[i]] = pads[i + ax.length];
        }
        String mode = a.getString("mode", "constant");
        if (mode.equals("constant")) {
            long[] torchOrder = new long[2 * rank];
            for (int i = 0; i < rank; i++) {
                int axis = rank - 1 - i;
                torchOrder[2 * i] = begin[axis];
                torchOrder[2 * i + 1] = end[axis];
            }
            return new NDArray[] {x.pad(new Shape(torchOrder), value)};
        }
        NDArray y = x;
        for (int axis = 0; axis < rank; axis++) {
            if (begin[axis] == 0 && end[axis] == 0) {
                continue;
            }
            long dim = x.getShape().get(axis);
            if (mode.equals("reflect") && (begin[axis] >= dim || end[axis] >= dim)) {
                throw c.error("reflect padding must be smaller than the axis size " + dim);
            }
            long n = dim + begin[axis] + end[axis];
            long[] idx = new long[(int) Math.max(0, n)];
            for (int i = 0; i < idx.length; i++) {
                long j = i - begin[axis];
                if (mode.equals("edge")) {
                    j = Math.max(0, Math.min(dim - 1, j));
                } else {
                    j = j < 0 ? -j : (j >= dim ? 2 * (dim - 1) - j : j);
                }
                idx[i] = j;
            }
            y = takeAlong(y, axis, idx, c.manager());
        }
        return new NDArray[] {y};
    }
}
