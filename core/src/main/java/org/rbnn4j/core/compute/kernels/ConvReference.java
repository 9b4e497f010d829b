package org.rbnn4j.core.compute.kernels;

/**
 * Scalar reference 2-D convolution (cross-correlation, as PyTorch), NCHW, weights {@code [Cout, Cin, kh, kw]}.
 *
 * <p>Each method computes one output element from primitive arrays and indices, without allocation or
 * exceptions: it is the definition the fast kernels are tested against and the body device kernels wrap.
 * Padded taps read {@code padValue} (0 for zero padding, 1 for one padding).
 */
public final class ConvReference {
    private ConvReference() {
    }

    /** {@code y[n, co, oy, ox]}. */
    public static float forwardAt(float[] x, float[] w, int cin, int h, int wd, int kh, int kw,
                                  int stride, int pad, float padValue, int n, int co, int oy, int ox) {
        float sum = 0f;
        for (int ci = 0; ci < cin; ci++) {
            int xBase = (n * cin + ci) * h;
            int wBase = (co * cin + ci) * kh;
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * stride - pad + ky;
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ox * stride - pad + kx;
                    float v = (iy >= 0 && iy < h && ix >= 0 && ix < wd) ? x[(xBase + iy) * wd + ix] : padValue;
                    sum += v * w[(wBase + ky) * kw + kx];
                }
            }
        }
        return sum;
    }

    /** {@code dL/dx[n, ci, iy, ix]}: gathers every output position whose window covers the input pixel. */
    public static float backwardDataAt(float[] dy, float[] w, int cin, int cout, int oh, int ow, int kh, int kw,
                                       int stride, int pad, int n, int ci, int iy, int ix) {
        float sum = 0f;
        for (int co = 0; co < cout; co++) {
            int dyBase = (n * cout + co) * oh;
            int wBase = (co * cin + ci) * kh;
            for (int ky = 0; ky < kh; ky++) {
                int ty = iy + pad - ky;
                if (ty < 0 || ty % stride != 0) {
                    continue;
                }
                int oy = ty / stride;
                if (oy >= oh) {
                    continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                    int tx = ix + pad - kx;
                    if (tx < 0 || tx % stride != 0) {
                        continue;
                    }
                    int ox = tx / stride;
                    if (ox >= ow) {
                        continue;
                    }
                    sum += dy[(dyBase + oy) * ow + ox] * w[(wBase + ky) * kw + kx];
                }
            }
        }
        return sum;
    }

    /** {@code dL/dw[co, ci, ky, kx]} summed over the batch and all output positions. */
    public static float backwardWeightsAt(float[] x, float[] dy, int batch, int cin, int h, int wd, int cout,
                                          int oh, int ow, int stride, int pad, float padValue,
                                          int co, int ci, int ky, int kx) {
        float sum = 0f;
        for (int n = 0; n < batch; n++) {
            int dyBase = (n * cout + co) * oh;
            int xBase = (n * cin + ci) * h;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride - pad + ky;
                for (int ox = 0; ox < ow; ox++) {
                    int ix = ox * stride - pad + kx;
                    float v = (iy >= 0 && iy < h && ix >= 0 && ix < wd) ? x[(xBase + iy) * wd + ix] : padValue;
                    sum += v * dy[(dyBase + oy) * ow + ox];
                }
            }
        }
        return sum;
    }
}
