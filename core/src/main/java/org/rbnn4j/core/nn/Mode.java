package org.rbnn4j.core.nn;

/** Whether a forward pass is part of training (batch statistics, caches for backward) or evaluation. */
public enum Mode {
    TRAIN,
    EVAL;

    public boolean training() {
        return this == TRAIN;
    }
}
