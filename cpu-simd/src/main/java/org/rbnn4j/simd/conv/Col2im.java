package org.rbnn4j.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * Folds a column matrix back onto an image: the inverse scatter of im2col, summing every tap that reads an input
 * pixel. Padded taps are dropped (the input gradient of a padded position does not exist).
 */
public final class Col2im {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;

    private Col2im() {
    }

    /**
     * Overwrites channels {@code [c0, c1)} of {@code dx[image]} with the fold of {@code col}, a row-major matrix whose
     * row {@code r} is tap {@code c0 * kh * kw + r} over all output pixels ({@code outH * outW} columns).
     */
    public static void fold(ConvGeometry g, float[] col, int colOff, float[] dx, int image, int c0, int c1) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int h = g.inH();
        int w = g.inW();
        int oh = g.outH();
        int ow = g.outW();
        int stride = g.stride();
        int pad = g.padding();
        int pixels = oh * ow;
        int imageBase = image * g.inChannels() * h * w;
        java.util.Arrays.fill(dx, imageBase + c0 * h * w, imageBase + c1 * h * w, 0f);
        int row = colOff;
        for (int ci = c0; ci < c1; ci++) {
            int xBase = imageBase + ci * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, row += pixels) {
                    // Output columns whose tap lands inside the image: ix = ox * stride - pad + kx in [0, w).
                    int oxLo = Math.max(0, ceilDiv(pad - kx, stride));
                    int oxHi = Math.min(ow, ceilDiv(w + pad - kx, stride));
                    if (oxLo >= oxHi) {
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * stride - pad + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int src = row + oy * ow;
                        int dst = xBase + iy * w - pad + kx;
                        if (stride == 1) {
                            addInto(dx, dst + oxLo, col, src + oxLo, oxHi - oxLo);
                        } else {
                            for (int ox = oxLo; ox < oxHi; ox++) {
                                dx[dst + ox * stride] += col[src + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** {@code dst[d..d+len) += src[s..s+len)}. */
    static void addInto(float[] dst, int d, float[] src, int s, int len) {
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            dst[d + i] += src[s + i];
        }
    }
}
