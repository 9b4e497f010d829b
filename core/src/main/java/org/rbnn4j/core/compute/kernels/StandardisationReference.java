package org.rbnn4j.core.compute.kernels;

/**
 * Scalar reference of standardisation over a contiguous run of {@code len} values,
 * {@code xhat = (x - mean) * invStd} with the unbiased {@code std} (divide by {@code len - 1}), of its exact
 * backward, and of the binary-activation step built on it ({@code sign(xhat)} forward, a clipped-linear surrogate
 * of {@code sign} backward). RBNN standardises each filter of the latent weights and each sample of a binary
 * layer's input this way (DESIGN.md §1 steps 1-2).
 *
 * <p><b>Summation order.</b> Sums are taken in double, as eight interleaved partial sums (element {@code i} of the
 * run goes to partial sum {@code i % 8}, any tail of fewer than 8 elements to partial sum 0), combined as
 * {@code ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))}. Independent partial sums let the CPU overlap the
 * additions (one running sum is latency-bound, about 4x slower on a whole sample), and the fixed order is what a
 * vector kernel with 8 double lanes computes too, so fast backends can match this reference bit for bit. The packed
 * engine's {@code SampleMean} (cpu-simd) decides this mean from sums taken in other orders using the depth of this
 * summation (no term in more than {@code len/8 + 10} additions): a change of order here must keep that bound or
 * change {@code SampleMean.referenceDepth} with it.
 * Squares and products are formed in double from float operands ({@code (double) a * b} is exact), without fused
 * multiply-adds. A run with zero variance (where PyTorch produces NaN) gets {@code invStd = 0}, so
 * {@code xhat = 0} and its gradient is 0.
 */
public final class StandardisationReference {
    private StandardisationReference() {
    }

    /** {@code mean} of {@code x[off .. off+len)}. */
    public static float mean(float[] x, int off, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int p = off + i;
            s0 += x[p];
            s1 += x[p + 1];
            s2 += x[p + 2];
            s3 += x[p + 3];
            s4 += x[p + 4];
            s5 += x[p + 5];
            s6 += x[p + 6];
            s7 += x[p + 7];
        }
        for (; i < len; i++) {
            s0 += x[off + i];
        }
        return (float) ((((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) / len);
    }

    /**
     * {@code 1 / std} with the unbiased {@code std} of {@code x[off .. off+len)} around {@code mean}; 0 if std is 0.
     * Each deviation {@code x - mean} is a float subtraction, squared and summed in double.
     */
    public static float invStd(float[] x, int off, int len, float mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int p = off + i;
            double d0 = x[p] - mean;
            double d1 = x[p + 1] - mean;
            double d2 = x[p + 2] - mean;
            double d3 = x[p + 3] - mean;
            double d4 = x[p + 4] - mean;
            double d5 = x[p + 5] - mean;
            double d6 = x[p + 6] - mean;
            double d7 = x[p + 7] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
            s4 += d4 * d4;
            s5 += d5 * d5;
            s6 += d6 * d6;
            s7 += d7 * d7;
        }
        for (; i < len; i++) {
            double d = x[off + i] - mean;
            s0 += d * d;
        }
        double std = Math.sqrt((((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) / (len - 1));
        return std > 0 ? (float) (1.0 / std) : 0f;
    }

    /**
     * Standardises {@code x[off .. off+len)}: writes {@code xhat[outOff + i] = (x[off + i] - mean) * invStd} (if
     * {@code xhat} is not null) and {@code signs[outOff + i] = sign(xhat)} (if {@code signs} is not null;
     * {@link ElementwiseReference#sign}); returns {@code invStd}. Either output may be {@code x} with the same
     * offset, and {@code signs} may be {@code xhat} (then only the signs remain).
     */
    public static float standardise(float[] x, int off, int len, float[] xhat, float[] signs, int outOff) {
        float mean = mean(x, off, len);
        float inv = invStd(x, off, len, mean);
        for (int i = 0; i < len; i++) {
            float v = (x[off + i] - mean) * inv;
            if (xhat != null) {
                xhat[outOff + i] = v;
            }
            if (signs != null) {
                signs[outOff + i] = ElementwiseReference.sign(v);
            }
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
        double g0 = 0;
        double g1 = 0;
        double g2 = 0;
        double g3 = 0;
        double g4 = 0;
        double g5 = 0;
        double g6 = 0;
        double g7 = 0;
        double p0 = 0;
        double p1 = 0;
        double p2 = 0;
        double p3 = 0;
        double p4 = 0;
        double p5 = 0;
        double p6 = 0;
        double p7 = 0;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int a = gOff + i;
            int b = xhatOff + i;
            g0 += g[a];
            g1 += g[a + 1];
            g2 += g[a + 2];
            g3 += g[a + 3];
            g4 += g[a + 4];
            g5 += g[a + 5];
            g6 += g[a + 6];
            g7 += g[a + 7];
            p0 += (double) g[a] * xhat[b];
            p1 += (double) g[a + 1] * xhat[b + 1];
            p2 += (double) g[a + 2] * xhat[b + 2];
            p3 += (double) g[a + 3] * xhat[b + 3];
            p4 += (double) g[a + 4] * xhat[b + 4];
            p5 += (double) g[a + 5] * xhat[b + 5];
            p6 += (double) g[a + 6] * xhat[b + 6];
            p7 += (double) g[a + 7] * xhat[b + 7];
        }
        for (; i < len; i++) {
            g0 += g[gOff + i];
            p0 += (double) g[gOff + i] * xhat[xhatOff + i];
        }
        double sumG = ((g0 + g1) + (g2 + g3)) + ((g4 + g5) + (g6 + g7));
        double sumGx = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
        float meanG = (float) (sumG / len);
        float proj = (float) (sumGx / (len - 1));
        for (i = 0; i < len; i++) {
            dx[dxOff + i] = invStd * (g[gOff + i] - meanG - xhat[xhatOff + i] * proj);
        }
    }

    /**
     * The clipped-linear surrogate derivative of {@code sign}, {@code max(0, scale * (peak - slope * |x|))} (0 also
     * for NaN): RBNN's training-aware approximation with {@code peak = sqrt(2) t}, {@code slope = t^2},
     * {@code scale = k}; Larq's {@code approx_sign} with 2, 2, 1; the identity with 1, 0, 1.
     */
    public static float clippedLinear(float x, float peak, float slope, float scale) {
        float d = scale * (peak - slope * Math.abs(x));
        return d > 0f ? d : 0f;
    }

    /**
     * The backward of {@code sign(standardise(x))} over one run with the {@link #clippedLinear} surrogate:
     * {@code grad[gOff ..]} holds {@code dL/dsign} on entry and {@code dL/dx} on return
     * ({@code g = grad * surrogate(xhat)}, then {@link #backward}).
     */
    public static void signBackward(float[] xhat, int xhatOff, int len, float invStd, float peak, float slope,
                                    float scale, float[] grad, int gOff) {
        for (int i = 0; i < len; i++) {
            grad[gOff + i] *= clippedLinear(xhat[xhatOff + i], peak, slope, scale);
        }
        backward(grad, gOff, xhat, xhatOff, len, invStd, grad, gOff);
    }
}
