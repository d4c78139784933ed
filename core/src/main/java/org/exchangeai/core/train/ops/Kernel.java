package org.exchangeai.core.train.ops;

import ai.djl.ndarray.NDArray;

/** Computes the outputs of one node from its inputs. */
@FunctionalInterface
public interface Kernel {

    /** Returns one array per node output (fewer when trailing optional outputs are not produced). */
    NDArray[] run(OpContext context);
}
