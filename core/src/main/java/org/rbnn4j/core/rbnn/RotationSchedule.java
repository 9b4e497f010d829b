package org.rbnn4j.core.rbnn;

/** When the rotation update of DESIGN.md §1 step 4 runs, within the epochs {@code e % rotationEvery == 0}. */
public enum RotationSchedule {
    /** In the first training batch of the epoch only: the reference behaviour and the default. */
    PER_EPOCH,
    /** Before every training batch of the epoch (the paper's per-iteration variant). */
    PER_ITERATION
}
