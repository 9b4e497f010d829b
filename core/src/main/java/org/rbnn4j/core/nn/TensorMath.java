package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.tensor.Tensor;

/** The element-wise addition residual containers need, with a shape check that names the block. */
final class TensorMath {
    private TensorMath() {
    }

    /**
     * {@code out = a + b}; all three of one shape ({@code out} may not alias {@code a} or {@code b}'s owners). The
     * backend's {@code add} (on its threads, or its device). {@code where} names the caller in the error message (its
     * {@code toString()} is only called then).
     */
    static Tensor add(Tensor a, Tensor b, Tensor out, Object where) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(where + ": the residual branch gives " + Arrays.toString(a.shape())
                    + " but the shortcut gives " + Arrays.toString(b.shape()));
        }
        Backends.current().add(a.data(), b.data(), out.data(), out.size());
        return out;
    }
}
