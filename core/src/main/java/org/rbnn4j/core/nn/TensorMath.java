package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.tensor.Tensor;

/** The element-wise addition residual containers need, with a shape check that names the block. */
final class TensorMath {
    /** Elements per task of the parallel addition (a few tasks per thread on the large early layers). */
    private static final int CHUNK = 1 << 16;

    private TensorMath() {
    }

    /**
     * {@code out = a + b}; all three of one shape ({@code out} may not alias {@code a} or {@code b}'s owners). Runs on
     * the backend's threads in fixed chunks. {@code where} names the caller in the error message (its
     * {@code toString()} is only called then).
     */
    static Tensor add(Tensor a, Tensor b, Tensor out, Object where) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(where + ": the residual branch gives " + Arrays.toString(a.shape())
                    + " but the shortcut gives " + Arrays.toString(b.shape()));
        }
        float[] x = a.data();
        float[] y = b.data();
        float[] z = out.data();
        int length = z.length;
        int chunks = (length + CHUNK - 1) / CHUNK;
        ComputeBackend backend = Backends.current();
        backend.parallelFor(chunks, c -> {
            int end = Math.min(length, (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < end; i++) {
                z[i] = x[i] + y[i];
            }
        });
        return out;
    }
}
