package org.rbnn4j.core.rbnn;

import org.rbnn4j.core.compute.kernels.StandardisationReference;

/**
 * Standardisation {@code xhat = (x - mean(x)) / std(x)} over a contiguous run of {@code len} values, with the
 * unbiased {@code std} (divide by {@code len - 1}) of the reference, and its exact backward. Used per output
 * filter on the latent weights (DESIGN.md §1 step 1) and per sample on the activations (step 2; there through the
 * compute backend's {@code standardiseRuns}, which computes the same numbers).
 *
 * <p>The arithmetic is {@link StandardisationReference}'s (sums in double, eight interleaved partial sums in a fixed
 * order); the methods are static and allocation-free. A run with zero variance (where the reference produces NaN)
 * gets {@code invStd = 0}, so {@code xhat = 0} and its gradient is 0.
 */
public final class StandardisationKernels {
    private StandardisationKernels() {
    }

    /** {@code mean} of {@code x[off .. off+len)}. */
    public static float mean(float[] x, int off, int len) {
        return StandardisationReference.mean(x, off, len);
    }

    /** {@code 1 / std} with the unbiased {@code std} of {@code x[off .. off+len)} around {@code mean}; 0 if std is 0. */
    public static float invStd(float[] x, int off, int len, float mean) {
        return StandardisationReference.invStd(x, off, len, mean);
    }

    /**
     * Writes {@code out[outOff + i] = (x[off + i] - mean) * invStd} and returns {@code invStd}; {@code out} may be
     * {@code x} with the same offset.
     */
    public static float standardise(float[] x, int off, int len, float[] out, int outOff) {
        return StandardisationReference.standardise(x, off, len, out, null, outOff);
    }

    /**
     * The exact backward of {@link #standardise}: with {@code g = dL/dxhat},
     * {@code dL/dx_i = invStd * (g_i - mean(g) - xhat_i * sum_k(g_k xhat_k) / (len - 1))}.
     * Writes {@code dx[dxOff + i]}; {@code dx} may be {@code g} with the same offset (all sums are read first).
     */
    public static void backward(float[] g, int gOff, float[] xhat, int xhatOff, int len, float invStd,
                                float[] dx, int dxOff) {
        StandardisationReference.backward(g, gOff, xhat, xhatOff, len, invStd, dx, dxOff);
    }
}
