package org.rbnn4j.core.nn;

/**
 * A layer whose training behaviour follows the epoch schedule: annealed binarisation ({@code t}, {@code k})
 * and rotation updates in chosen epochs or iterations. The trainer calls these before the forward passes
 * they concern; evaluation forwards ignore them.
 */
public interface ScheduledLayer extends Layer {

    /**
     * Called at the start of epoch {@code epoch} (0-based) of {@code totalEpochs}, with the annealing
     * temperature {@code t} and gradient scale {@code k} of DESIGN.md §1.
     */
    void onEpochStart(int epoch, int totalEpochs, double t, double k);

    /** Called before the training forward pass of batch {@code batchInEpoch} (0-based) of the current epoch. */
    void onBatchStart(int batchInEpoch);
}
