package org.rbnn4j.core.compute.kernels;

/**
 * Scalar reference pooling kernels, one output (forward) or one input element (backward) per call, over planes of
 * {@code h x w} floats in NCHW order; written in the style TornadoVM compiles (static, primitive arrays, no
 * allocation, no exceptions), so the device kernels are thin loops around these same methods.
 *
 * <p>The backward passes <em>gather</em>: input element {@code (iy, ix)} sums the gradients of the outputs whose
 * window holds it, in output order. That is the same sum in the same order as scattering every output's gradient
 * into its window in output order (the layers' former loops), so the result is bit for bit the same, and every input
 * element is written by exactly one work item on a device (no atomics).
 */
public final class PoolingReference {
    private PoolingReference() {
    }

    /** Output rows (or columns) of a pooling of {@code kernel} with {@code stride} and {@code padding}, floor rounding. */
    public static int outputSize(int size, int kernel, int stride, int padding) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    /** First output row (or column) whose window holds input row {@code i}. */
    public static int firstWindow(int i, int kernel, int stride, int padding) {
        int lo = i + padding - kernel + 1;
        return lo <= 0 ? 0 : (lo + stride - 1) / stride;
    }

    /** Last output row (or column) whose window holds input row {@code i}, at most {@code outSize - 1}. */
    public static int lastWindow(int i, int stride, int padding, int outSize) {
        return Math.min(outSize - 1, (i + padding) / stride);
    }

    /**
     * Index into {@code x} of the maximum of output {@code (oy, ox)}'s window, the plane starting at {@code base}:
     * padded taps are negative infinity and never win; ties go to the first maximum in window order, a NaN wins (the
     * last one), as PyTorch's CPU kernel. The output value is {@code x} at that index.
     */
    public static int maxPoolArgmax(float[] x, int base, int h, int w, int kernel, int stride, int padding,
                                    int oy, int ox) {
        int y0 = Math.max(oy * stride - padding, 0);
        int y1 = Math.min(oy * stride - padding + kernel, h);
        int x0 = Math.max(ox * stride - padding, 0);
        int x1 = Math.min(ox * stride - padding + kernel, w);
        int best = base + y0 * w + x0;
        float max = Float.NEGATIVE_INFINITY;
        for (int iy = y0; iy < y1; iy++) {
            int row = base + iy * w;
            for (int ix = x0; ix < x1; ix++) {
                float v = x[row + ix];
                if (v > max || v != v) {
                    max = v;
                    best = row + ix;
                }
            }
        }
        return best;
    }

    /**
     * Gradient of input element {@code index} (row {@code iy}, column {@code ix} of its plane) of a max pooling:
     * the sum of {@code dy} over the outputs of its plane (starting at {@code outBase}, {@code oh x ow}) whose
     * {@code argmax} is {@code index}.
     */
    public static float maxPoolGradAt(float[] dy, int[] argmax, int outBase, int oh, int ow, int kernel, int stride,
                                      int padding, int index, int iy, int ix) {
        float sum = 0f;
        int oy1 = lastWindow(iy, stride, padding, oh);
        int ox0 = firstWindow(ix, kernel, stride, padding);
        int ox1 = lastWindow(ix, stride, padding, ow);
        for (int oy = firstWindow(iy, kernel, stride, padding); oy <= oy1; oy++) {
            int row = outBase + oy * ow;
            for (int ox = ox0; ox <= ox1; ox++) {
                if (argmax[row + ox] == index) {
                    sum += dy[row + ox];
                }
            }
        }
        return sum;
    }

    /** Mean of output {@code (oy, ox)}'s window (no padding): the window's sum in order, times {@code 1/kernel^2}. */
    public static float avgPoolAt(float[] x, int base, int w, int kernel, int stride, int oy, int ox) {
        float sum = 0f;
        for (int ky = 0; ky < kernel; ky++) {
            int row = base + (oy * stride + ky) * w + ox * stride;
            for (int kx = 0; kx < kernel; kx++) {
                sum += x[row + kx];
            }
        }
        return sum * (1f / (kernel * kernel));
    }

    /**
     * Gradient of input element {@code (iy, ix)} of an average pooling (no padding): the sum over the outputs whose
     * window holds it of {@code dy * (1/kernel^2)}, in output order.
     */
    public static float avgPoolGradAt(float[] dy, int outBase, int oh, int ow, int kernel, int stride, int iy, int ix) {
        float inv = 1f / (kernel * kernel);
        float sum = 0f;
        int oy1 = lastWindow(iy, stride, 0, oh);
        int ox0 = firstWindow(ix, kernel, stride, 0);
        int ox1 = lastWindow(ix, stride, 0, ow);
        for (int oy = firstWindow(iy, kernel, stride, 0); oy <= oy1; oy++) {
            int row = outBase + oy * ow;
            for (int ox = ox0; ox <= ox1; ox++) {
                sum += dy[row + ox] * inv;
            }
        }
        return sum;
    }

    /** Mean of the {@code hw} floats of the plane at {@code base}: their sum in order, divided by {@code hw}. */
    public static float globalAvgAt(float[] x, int base, int hw) {
        float sum = 0f;
        for (int i = 0; i < hw; i++) {
            sum += x[base + i];
        }
        return sum / hw;
    }

    /** Gradient of element {@code i} of a plane of {@code hw} for the plane mean's gradient {@code dyPlane}. */
    public static float globalAvgGradAt(float dyPlane, int hw) {
        return dyPlane / hw;
    }

    // ------------------------------------------------------------------ whole planes (host loops over the kernels)

    /** {@link #maxPoolArgmax} for every output of planes {@code [p0, p1)}: {@code y} and {@code argmax}. */
    public static void maxPoolPlanes(float[] x, int p0, int p1, int h, int w, int kernel, int stride, int padding,
                                     float[] y, int[] argmax) {
        int oh = outputSize(h, kernel, stride, padding);
        int ow = outputSize(w, kernel, stride, padding);
        for (int p = p0, o = p0 * oh * ow; p < p1; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, o++) {
                    int best = maxPoolArgmax(x, p * h * w, h, w, kernel, stride, padding, oy, ox);
                    y[o] = x[best];
                    argmax[o] = best;
                }
            }
        }
    }

    /** {@link #maxPoolGradAt} for every input element of planes {@code [p0, p1)}. */
    public static void maxPoolGradPlanes(float[] dy, int[] argmax, int p0, int p1, int h, int w, int kernel,
                                         int stride, int padding, float[] dx) {
        int oh = outputSize(h, kernel, stride, padding);
        int ow = outputSize(w, kernel, stride, padding);
        for (int p = p0, i = p0 * h * w; p < p1; p++) {
            for (int iy = 0; iy < h; iy++) {
                for (int ix = 0; ix < w; ix++, i++) {
                    dx[i] = maxPoolGradAt(dy, argmax, p * oh * ow, oh, ow, kernel, stride, padding, i, iy, ix);
                }
            }
        }
    }

    /** {@link #avgPoolAt} for every output of planes {@code [p0, p1)}. */
    public static void avgPoolPlanes(float[] x, int p0, int p1, int h, int w, int kernel, int stride, float[] y) {
        int oh = outputSize(h, kernel, stride, 0);
        int ow = outputSize(w, kernel, stride, 0);
        for (int p = p0, o = p0 * oh * ow; p < p1; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, o++) {
                    y[o] = avgPoolAt(x, p * h * w, w, kernel, stride, oy, ox);
                }
            }
        }
    }

    /** {@link #avgPoolGradAt} for every input element of planes {@code [p0, p1)}. */
    public static void avgPoolGradPlanes(float[] dy, int p0, int p1, int h, int w, int kernel, int stride,
                                         float[] dx) {
        int oh = outputSize(h, kernel, stride, 0);
        int ow = outputSize(w, kernel, stride, 0);
        for (int p = p0, i = p0 * h * w; p < p1; p++) {
            for (int iy = 0; iy < h; iy++) {
                for (int ix = 0; ix < w; ix++, i++) {
                    dx[i] = avgPoolGradAt(dy, p * oh * ow, oh, ow, kernel, stride, iy, ix);
                }
            }
        }
    }
}
