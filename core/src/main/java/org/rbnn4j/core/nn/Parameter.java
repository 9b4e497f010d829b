package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.tensor.Tensor;

/**
 * A trainable tensor and its gradient. Layers accumulate into {@link #grad()} in backward; the optimiser
 * reads it and the trainer zeroes it between steps.
 */
public final class Parameter {
    private final Tensor value;
    private final Tensor grad;

    public Parameter(Tensor value) {
        this.value = value;
        this.grad = Tensor.zerosLike(value);
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    /** Zeroes the gradient through the current backend (where the gradient may live, on a device backend). */
    public void zeroGrad() {
        Backends.current().fill(grad.data(), 0f);
    }

    public int size() {
        return value.size();
    }

    @Override
    public String toString() {
        return "Parameter" + Arrays.toString(value.shape());
    }
}
