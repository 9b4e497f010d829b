package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/** The element-wise addition residual containers need, with a shape check that names the block. */
final class TensorMath {
    private TensorMath() {
    }

    /** {@code out = a + b}; all three of one shape ({@code out} may not alias {@code a} or {@code b}'s owners). */
    static Tensor add(Tensor a, Tensor b, Tensor out, String where) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(where + ": the residual branch gives " + Arrays.toString(a.shape())
                    + " but the shortcut gives " + Arrays.toString(b.shape()));
        }
        float[] x = a.data();
        float[] y = b.data();
        float[] z = out.data();
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] + y[i];
        }
        return out;
    }
}
