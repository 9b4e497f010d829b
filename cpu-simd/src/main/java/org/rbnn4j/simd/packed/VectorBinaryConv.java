package org.rbnn4j.simd.packed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast packed binary convolution: a binary GEMM with M = output pixels, N = filters, K = {@code kh*kw}
 * words-per-pixel, computed as {@code K_bits - 2*popcount(a XOR w)} with {@link LongVector} and
 * {@link VectorOperators#BIT_COUNT} (VPOPCNTQ with AVX-512 VPOPCNTDQ).
 *
 * <p>Vector lanes run along filters: a panel of {@link #PANEL_WIDTH} filters is two vectors, and each activation
 * word is broadcast against them. The micro-kernel keeps a 4 x 2 block of accumulators (4 output pixels x 2
 * filter vectors = 8 {@code LongVector}s; 16 exceed C2's inlining budget and run several times slower). No
 * im2col: the NHWC-words activations with their built-in border already are the panel of every pixel, since the
 * {@code kw * wordsPerPixel} words of one kernel row are contiguous in both operands; the 4 pixels of a block may
 * lie anywhere (other rows, other images), each has its own base offset. Border taps read the all-zero border and
 * {@link PackedConv2d}'s bias table (per position class and filter) turns the count into the zero-padded result.
 *
 * <p>Loop order: pixel blocks of {@link #PIXEL_BLOCK} outer, panels, then 4-pixel tiles, so that one panel of
 * filters (at most a few KB per K row) and one block of activations stay in L1.
 */
final class VectorBinaryConv {
    static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    static final int LANES = LS.length();
    static final int PANEL_WIDTH = 2 * LANES;
    /** Floats of the same lane count as {@link #LS}, for the long-to-float conversion of results. */
    private static final VectorSpecies<Float> FS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, LS.vectorBitSize() / 2)));
    private static final int TILE = 4;
    static final int PIXEL_BLOCK = 64;

    private VectorBinaryConv() {
    }

    static void compute(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                        int panelFrom, int panelTo, float[] out, OutputLayout layout) {
        PackedFilters f = conv.filters();
        long[] act = in.bits();
        long[] w = f.bits();
        long[] bias = conv.biasTable();
        int kh = f.kernelH();
        int run = f.kernelW() * f.wordsPerPixel();
        int kWords = f.kWords();
        int rowStride = in.rowStride();
        int outW = conv.outW();
        int outPixels = conv.outH() * outW;
        int cout = f.outChannels();
        int stride = conv.stride();
        int shift = in.pad() - conv.padding();

        int[] actOff = new int[PIXEL_BLOCK];
        int[] biasOff = new int[PIXEL_BLOCK];
        int[] outOff = new int[PIXEL_BLOCK];
        long[] pops = new long[TILE * PANEL_WIDTH];
        float[] lanes = new float[LANES];

        for (int blockStart = pixelFrom; blockStart < pixelTo; blockStart += PIXEL_BLOCK) {
            int blockLen = Math.min(PIXEL_BLOCK, pixelTo - blockStart);
            // Where each pixel of the block reads (window top-left), which correction class it has, where it writes.
            int n = blockStart / outPixels;
            int pix = blockStart - n * outPixels;
            int oy = pix / outW;
            int ox = pix - oy * outW;
            for (int i = 0; i < blockLen; i++) {
                actOff[i] = n * in.imageStride() + (oy * stride + shift) * rowStride
                        + (ox * stride + shift) * in.wordsPerPixel();
                biasOff[i] = conv.biasOffset(oy, ox);
                int m = n - firstImage;
                outOff[i] = layout == OutputLayout.NHWC ? (m * outPixels + pix) * cout : m * cout * outPixels + pix;
                pix++;
                if (++ox == outW) {
                    ox = 0;
                    if (++oy == conv.outH()) {
                        oy = 0;
                        pix = 0;
                        n++;
                    }
                }
            }
            for (int panel = panelFrom; panel < panelTo; panel++) {
                int wOff = panel * kWords * PANEL_WIDTH;
                int co0 = panel * PANEL_WIDTH;
                for (int t = 0; t < blockLen; t += TILE) {
                    int valid = Math.min(TILE, blockLen - t);
                    // A short last tile repeats its first pixel; the repeats are not stored.
                    int a0 = actOff[t];
                    int a1 = valid > 1 ? actOff[t + 1] : a0;
                    int a2 = valid > 2 ? actOff[t + 2] : a0;
                    int a3 = valid > 3 ? actOff[t + 3] : a0;
                    popcount4x2(act, a0, a1, a2, a3, rowStride, kh, run, w, wOff, pops);
                    for (int i = 0; i < valid; i++) {
                        for (int v = 0; v < 2; v++) {
                            int co = co0 + v * LANES;
                            if (co >= cout) {
                                break;
                            }
                            LongVector pop = LongVector.fromArray(LS, pops, (i * 2 + v) * LANES);
                            LongVector r = LongVector.fromArray(LS, bias, biasOff[t + i] + co)
                                    .sub(pop.lanewise(VectorOperators.LSHL, 1));
                            FloatVector y = (FloatVector) r.convertShape(VectorOperators.L2F, FS, 0);
                            if (layout == OutputLayout.NHWC) {
                                int idx = outOff[t + i] + co;
                                if (co + LANES <= cout) {
                                    y.intoArray(out, idx);
                                } else {
                                    y.intoArray(out, idx, FS.indexInRange(co, cout));
                                }
                            } else {
                                y.intoArray(lanes, 0);
                                int idx = outOff[t + i] + co * outPixels;
                                int count = Math.min(LANES, cout - co);
                                for (int l = 0; l < count; l++) {
                                    out[idx + l * outPixels] = lanes[l];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: disagreement counts of 4 windows (base offsets {@code a0..a3}) against the two filter
     * vectors of one panel, over {@code kh} rows of {@code run} contiguous words. Writes
     * {@code pops[(pixel * 2 + vector) * LANES + lane]}. Kept small on purpose (see the class comment).
     */
    private static void popcount4x2(long[] act, int a0, int a1, int a2, int a3, int rowStride, int kh, int run,
                                    long[] w, int wOff, long[] pops) {
        LongVector c00 = LongVector.zero(LS);
        LongVector c01 = LongVector.zero(LS);
        LongVector c10 = LongVector.zero(LS);
        LongVector c11 = LongVector.zero(LS);
        LongVector c20 = LongVector.zero(LS);
        LongVector c21 = LongVector.zero(LS);
        LongVector c30 = LongVector.zero(LS);
        LongVector c31 = LongVector.zero(LS);
        for (int ky = 0; ky < kh; ky++) {
            int r = ky * rowStride;
            int wk = wOff + ky * run * PANEL_WIDTH;
            for (int j = 0; j < run; j++) {
                int wi = wk + j * PANEL_WIDTH;
                LongVector w0 = LongVector.fromArray(LS, w, wi);
                LongVector w1 = LongVector.fromArray(LS, w, wi + LANES);
                LongVector x = LongVector.broadcast(LS, act[a0 + r + j]);
                c00 = c00.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
                c01 = c01.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
                x = LongVector.broadcast(LS, act[a1 + r + j]);
                c10 = c10.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
                c11 = c11.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
                x = LongVector.broadcast(LS, act[a2 + r + j]);
                c20 = c20.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
                c21 = c21.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
                x = LongVector.broadcast(LS, act[a3 + r + j]);
                c30 = c30.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
                c31 = c31.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
            }
        }
        c00.intoArray(pops, 0);
        c01.intoArray(pops, LANES);
        c10.intoArray(pops, 2 * LANES);
        c11.intoArray(pops, 3 * LANES);
        c20.intoArray(pops, 4 * LANES);
        c21.intoArray(pops, 5 * LANES);
        c30.intoArray(pops, 6 * LANES);
        c31.intoArray(pops, 7 * LANES);
    }
}
