package org.rbnn4j.core.rbnn;

/**
 * Standardisation {@code xhat = (x - mean(x)) / std(x)} over a contiguous run of {@code len} values, with the
 * unbiased {@code std} (divide by {@code len - 1}) of the reference, and its exact backward. Used per output
 * filter on the latent weights (DESIGN.md §1 step 1) and per sample on the activations (step 2).
 *
 * <p>Sums are taken in double so that long runs (a whole sample, {@code C*H*W} values) lose nothing; the
 * methods are static and allocation-free. A run with zero variance (where the reference produces NaN) gets
 * {@code invStd = 0}, so {@code xhat = 0} and its gradient is 0.
 */
public final class StandardisationKernels {
    private StandardisationKernels() {
    }

    /** {@code mean} of {@code x[off .. off+len)}. */
    public static float mean(float[] x, int off, int len) {
        double sum = 0;
        for (int i = 0; i < len; i++) {
            sum += x[off + i];
        }
        return (float) (sum / len);
    }

    /** {@code 1 / std} with the unbiased {@code std} of {@code x[off .. off+len)} around {@code mean}; 0 if std is 0. */
    public static float invStd(float[] x, int off, int len, float mean) {
        double sq = 0;
        for (int i = 0; i < len; i++) {
            double d = x[off + i] - mean;
            sq += d * d;
        }
        double std = Math.sqrt(sq / (len - 1));
        return std > 0 ? (float) (1.0 / std) : 0f;
    }

    /**
     * Writes {@code out[outOff + i] = (x[off + i] - mean) * invStd} and returns {@code invStd}; {@code out} may be
     * {@code x} with the same offset.
     */
    public static float standardise(float[] x, int off, int len, float[] out, int outOff) {
        float mean = mean(x, off, len);
        float inv = invStd(x, off, len, mean);
        for (int i = 0; i < len; i++) {
            out[outOff + i] = (x[off + i] - mean) * inv;
        }
        return inv;
    }

    /**
     * The exact backward of {@link #standardise}: with {@code g = dL/dxhat},
     * {@code dL/dx_i = invStd * (g_i - mean(g) - xhat_i * sum_k(g_k xhat_k) / (len - 1))}.
     * Writes {@code dx[dxOff + i]}; {@code dx} may be {@code g} with the same offset (all sums are read first).
     */
    public static void backward(float[] g, int gOff, float[] xhat, int xhatOff, int len, float invStd,
                                float[] dx, int dxOff) {
        double sumG = 0;
        double sumGx = 0;
        for (int i = 0; i < len; i++) {
            float gi = g[gOff + i];
            sumG += gi;
            sumGx += (double) gi * xhat[xhatOff + i];
        }
        float meanG = (float) (sumG / len);
        float proj = (float) (sumGx / (len - 1));
        for (int i = 0; i < len; i++) {
            dx[dxOff + i] = invStd * (g[gOff + i] - meanG - xhat[xhatOff + i] * proj);
        }
    }
}
