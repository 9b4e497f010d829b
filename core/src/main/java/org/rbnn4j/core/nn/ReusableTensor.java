package org.rbnn4j.core.nn;

import org.rbnn4j.core.tensor.Tensor;

/**
 * One tensor a layer owns and hands out again while the requested shape stays the same, so that the
 * forward and backward passes of a training step allocate nothing once the batch size has been seen.
 *
 * <p>The contents of a reused tensor are whatever the previous call left there: callers that
 * accumulate must clear it first. A new batch size (for example the smaller last batch of an epoch)
 * simply allocates a tensor of the new shape.
 */
public final class ReusableTensor {
    private Tensor tensor;

    /** The owned tensor, reallocated (zero-filled) only when {@code shape} differs from the last one. */
    public Tensor get(int... shape) {
        Tensor t = tensor;
        if (t == null || !hasShape(t, shape)) {
            t = Tensor.zeros(shape);
            tensor = t;
        }
        return t;
    }

    /** Whether {@code t} has exactly the dimensions {@code shape}, without copying its shape array. */
    public static boolean hasShape(Tensor t, int... shape) {
        if (t.rank() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (t.dim(i) != shape[i]) {
                return false;
            }
        }
        return true;
    }
}
