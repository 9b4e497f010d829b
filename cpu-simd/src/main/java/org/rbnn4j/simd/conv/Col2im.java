package org.rbnn4j.simd.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.concurrent.ScratchArrays.Slot;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * Folds a column matrix back onto an image: the inverse scatter of im2col, summing every tap that reads an input
 * pixel. The fold runs over a zeroed padded copy of the planes (so every tap lands on an element and runs need no
 * clipping); cropping it then drops the padded taps, as the SPI requires.
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
        int hp = h + 2 * pad;
        int wp = w + 2 * pad;
        int channels = c1 - c0;
        float[] acc = ScratchArrays.get(Slot.CONV_PADDED_INPUT, channels * hp * wp);
        Arrays.fill(acc, 0, channels * hp * wp, 0f);
        int row = colOff;
        for (int c = 0; c < channels; c++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int dst = c * hp * wp + ky * wp + kx;
                    for (int oy = 0; oy < oh; oy++, row += ow, dst += stride * wp) {
                        if (stride == 1) {
                            addInto(acc, dst, col, row, ow);
                        } else {
                            for (int ox = 0; ox < ow; ox++) {
                                acc[dst + ox * stride] += col[row + ox];
                            }
                        }
                    }
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            int plane = ((image * g.inChannels()) + c0 + c) * h * w;
            for (int y = 0; y < h; y++) {
                Im2col.copy(acc, c * hp * wp + (y + pad) * wp + pad, dx, plane + y * w, w);
            }
        }
        assert row == colOff + channels * kh * kw * pixels;
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
