package org.rbnn4j.core.rbnn;

import org.rbnn4j.core.compute.kernels.ElementwiseReference;

/**
 * The binarisation used everywhere in rbnn4j: {@code sign(v) = +1} for {@code v >= 0}, else {@code -1}
 * (DESIGN.md §1 step 7: {@code sign(0) = +1}, so that the float simulation and packed inference agree bit for bit).
 * Static, allocation-free, branch-light: the body of device kernels.
 */
public final class SignKernels {
    private SignKernels() {
    }

    /** {@code +1} for {@code v >= 0} (and {@code +0}, {@code -0}), {@code -1} otherwise. */
    public static float sign(float v) {
        return ElementwiseReference.sign(v);
    }

    /** {@code dst[dstOff + i] = sign(src[srcOff + i])} for {@code i < length}; {@code dst} may be {@code src}. */
    public static void sign(float[] src, int srcOff, float[] dst, int dstOff, int length) {
        for (int i = 0; i < length; i++) {
            dst[dstOff + i] = sign(src[srcOff + i]);
        }
    }
}
