package org.rbnn4j.simd.packed.model;

/**
 * One step of a compiled {@link Program}: reads some values of the {@link Workspace} and writes one. Ops are
 * immutable after compilation, so one program serves any number of threads, each with its own workspace.
 */
interface Op {
    /** Runs this step on the first {@code n} images held by {@code ws}. */
    void run(Workspace ws, int n, Execution exec);

    /** Value ids read. */
    int[] inputs();

    /** Value id written. */
    int output();

    /** One line for {@link Program#describe()} (stored in model files to detect architecture drift). */
    String describe();

    /**
     * The same step reading {@code inputs} and writing {@code output} instead (same order as {@link #inputs()}):
     * lets the {@link Planner} run a logical op on the buffers of its plan.
     */
    default Op withValues(int[] inputs, int output) {
        throw new UnsupportedOperationException(describe() + " cannot be moved to other values");
    }
}
