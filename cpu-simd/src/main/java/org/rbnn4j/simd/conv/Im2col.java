package org.rbnn4j.simd.conv;

import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import org.rbnn4j.core.compute.ConvGeometry;

/**
 * Unrolls convolution windows of one image straight into the packed-B panel layout of the GEMM (so that no separate
 * packing pass runs over a col matrix). Taps are indexed {@code j = (ci * kh + ky) * kw + kx} (the weight layout),
 * output pixels {@code q = oy * outW + ox}; padded taps read {@code padValue}.
 */
public final class Im2col {
    private Im2col() {
    }

    /**
     * B for the forward pass: {@code B(j, q)} for every tap and pixels {@code [q0, q1)}; panel {@code (q - q0) / NR}
     * at {@code dst[dstOff + panel * patchSize * NR]}, element {@code (j, q)} at {@code + j * NR + (q - q0) % NR};
     * pixels past {@code q1} in the last panel are zero.
     */
    public static void forwardPanels(ConvGeometry g, float[] x, int image, int q0, int q1, float[] dst, int dstOff) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int h = g.inH();
        int w = g.inW();
        int ow = g.outW();
        int stride = g.stride();
        int pad = g.padding();
        float padValue = g.padValue();
        int panelStride = g.patchSize() * NR;
        int count = q1 - q0;
        int padded = (count + NR - 1) / NR * NR;
        for (int ci = 0; ci < g.inChannels(); ci++) {
            int xBase = (image * g.inChannels() + ci) * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int rowBase = dstOff + ((ci * kh + ky) * kw + kx) * NR;
                    int oy = q0 / ow;
                    int ox = q0 % ow;
                    for (int t = 0; t < count; ) {
                        // One run: the rest of output row oy, cut at the end of the range and of the panel.
                        int run = Math.min(Math.min(ow - ox, count - t), NR - (t & (NR - 1)));
                        int d = rowBase + (t / NR) * panelStride + (t & (NR - 1));
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) {
                            for (int r = 0; r < run; r++) {
                                dst[d + r] = padValue;
                            }
                        } else {
                            int src = xBase + iy * w;
                            int ix = ox * stride - pad + kx;
                            for (int r = 0; r < run; r++, ix += stride) {
                                dst[d + r] = (ix >= 0 && ix < w) ? x[src + ix] : padValue;
                            }
                        }
                        t += run;
                        ox += run;
                        if (ox == ow) {
                            ox = 0;
                            oy++;
                        }
                    }
                    for (int t = count; t < padded; t++) {
                        dst[rowBase + (t / NR) * panelStride + (t & (NR - 1))] = 0f;
                    }
                }
            }
        }
    }

    /**
     * B for the weight gradient, {@code col^T}: {@code B(q, j)} for every pixel and taps {@code [j0, j1)}; panel
     * {@code (j - j0) / NR} at {@code dst[dstOff + panel * outPixels * NR]}, element {@code (q, j)} at
     * {@code + q * NR + (j - j0) % NR}; taps past {@code j1} in the last panel are zero.
     */
    public static void transposedPanels(ConvGeometry g, float[] x, int image, int j0, int j1, float[] dst, int dstOff) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int h = g.inH();
        int w = g.inW();
        int oh = g.outH();
        int ow = g.outW();
        int stride = g.stride();
        int pad = g.padding();
        float padValue = g.padValue();
        int pixels = oh * ow;
        int panelStride = pixels * NR;
        int taps = j1 - j0;
        int padded = (taps + NR - 1) / NR * NR;
        for (int t = 0; t < taps; t++) {
            int j = j0 + t;
            int kx = j % kw;
            int ky = (j / kw) % kh;
            int ci = j / (kw * kh);
            int xBase = (image * g.inChannels() + ci) * h * w;
            int d = dstOff + (t / NR) * panelStride + (t & (NR - 1));
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride - pad + ky;
                int rowD = d + oy * ow * NR;
                if (iy < 0 || iy >= h) {
                    for (int ox = 0; ox < ow; ox++) {
                        dst[rowD + ox * NR] = padValue;
                    }
                } else {
                    int src = xBase + iy * w;
                    int ix = kx - pad;
                    for (int ox = 0; ox < ow; ox++, ix += stride) {
                        dst[rowD + ox * NR] = (ix >= 0 && ix < w) ? x[src + ix] : padValue;
                    }
                }
            }
        }
        for (int t = taps; t < padded; t++) {
            int d = dstOff + (t / NR) * panelStride + (t & (NR - 1));
            for (int q = 0; q < pixels; q++) {
                dst[d + q * NR] = 0f;
            }
        }
    }
}
