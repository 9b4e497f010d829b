package org.rbnn4j.simd.conv;

import static org.rbnn4j.simd.gemm.GemmBlocking.KC;
import static org.rbnn4j.simd.gemm.GemmBlocking.LANES;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * {@link Convolution#forwardNhwc} for layers with few taps (a first layer: 3 input channels, 27 taps) at stride 1,
 * without im2col: the register tile reads its 8 pixels' inputs straight from the padded image through a table of tap
 * offsets, since at stride 1 the 8 consecutive pixels of one output row read 8 consecutive inputs for every tap.
 *
 * <p>Why: with {@code K = 27} the GEMM's multiply-adds are few per im2col element, and building the panels (a
 * 32-float run per tap and panel) took 8-13 of ~80-100 us per image of vgg_small_1w1a's 3 -> 128 first layer; this
 * path takes 68 us per image there (104 GFLOP/s) against 8.4 us of im2col plus 69.3 us of GEMM.
 *
 * <p>Same floats as {@link Convolution#forward}: each output is {@code fma} over the taps in order from zero (one
 * depth block: {@code K <= KC}), then stored, exactly as {@code Kernel8x2.overwrite} with {@code alpha = 1} computes it
 * ({@code 1 * s = s}). Rows whose width is not a multiple of 8 end with a tile shifted left to end at the row's last
 * pixel (its first pixels are computed twice and stored twice with the same values); a last filter panel that is only
 * partly filled goes through a small tile buffer.
 */
final class DirectConvolution {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;
    /** Pixels per register tile. */
    static final int PIXELS = 8;

    private DirectConvolution() {
    }

    /**
     * Whether this path applies: stride 1, rows of at least {@link #PIXELS} outputs, one GEMM depth block, and wide
     * enough vectors for the 8 x 2-vector tile (16 accumulators need AVX-512's 32 registers).
     */
    static boolean supports(ConvGeometry g) {
        return g.stride() == 1 && g.outW() >= PIXELS && g.patchSize() <= KC && LANES >= 16;
    }

    /** As {@link Convolution#forwardNhwc} (which checks {@link #supports} and calls this). */
    static void forwardNhwc(ConvGeometry g, float[] x, int image, float[] wt, float[] y, int yOff, ChannelMap map) {
        int cout = g.outChannels();
        int k = g.patchSize();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        PaddedInput in = PaddedInput.of(g, x, image);
        int[] taps = new int[k];
        for (int ci = 0, p = 0; ci < g.inChannels(); ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, p++) {
                    taps[p] = ci * in.planeStride + ky * in.rowStride + kx;
                }
            }
        }
        int panels = (cout + NR - 1) / NR;
        boolean partial = cout % NR != 0;
        float[] tile = partial ? new float[PIXELS * NR] : null;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ; ox += PIXELS) {
                int x0 = Math.min(ox, ow - PIXELS);
                int base = in.offset + oy * in.rowStride + x0;
                int out = yOff + (oy * ow + x0) * cout;
                for (int panel = 0; panel < panels; panel++) {
                    int co0 = panel * NR;
                    int wOff = panel * k * NR;
                    if (co0 + NR <= cout) {
                        tile8x2(k, in.data, base, taps, wt, wOff, y, out + co0, cout, map, co0);
                    } else {
                        tile8x2(k, in.data, base, taps, wt, wOff, tile, 0, NR, map, co0);
                        int filters = cout - co0;
                        for (int i = 0; i < PIXELS; i++) {
                            System.arraycopy(tile, i * NR, y, out + i * cout + co0, filters);
                        }
                    }
                }
                if (x0 + PIXELS >= ow) {
                    break;
                }
            }
        }
    }

    /**
     * Pixels {@code i = 0..7} reading {@code x[base + taps[p] + i]} for tap {@code p}, against the panel of
     * {@code 2 * LANES} filters at {@code b[bOff + p * NR ..]}; pixel {@code i}'s results to {@code c[cOff + i * ldc ..]}.
     * As {@code Kernel8x2}: every accumulator a separate local and a straight-line epilogue. Not {@code Kernel8x2}
     * itself: it reads A at {@code aOff + i * rowStride + p * colStride}, linear in the tap {@code p}, while here the
     * taps' inputs lie at a table of offsets (one kernel row apart every {@code kw} taps); calling it once per kernel
     * row would store and re-add the sums between rows, which rounds differently from one chain of multiply-adds.
     */
    private static void tile8x2(int k, float[] x, int base, int[] taps, float[] b, int bOff, float[] c, int cOff,
                                int ldc, ChannelMap map, int co0) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int t = base + taps[p];
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + LANES);
            FloatVector av;
            av = FloatVector.broadcast(S, x[t]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[t + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[t + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[t + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[t + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[t + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, x[t + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, x[t + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // The map (see ChannelMap) as each sum is stored: scale times the sum, plus shift, two clamps; the operations
        // are called on the loaded constants and on their results, the sums passed as arguments (ProfileFreeJitTest).
        // The same floats as the plain convolution (1 times the sums, as Kernel8x2.overwrite stores alpha times them)
        // followed by the map, since 1 * s = s.
        FloatVector s0 = FloatVector.fromArray(S, map.scale, co0);
        FloatVector s1 = FloatVector.fromArray(S, map.scale, co0 + LANES);
        FloatVector h0 = FloatVector.fromArray(S, map.shift, co0);
        FloatVector h1 = FloatVector.fromArray(S, map.shift, co0 + LANES);
        float lb = map.lowBound;
        float lv = map.lowValue;
        float hb = map.highBound;
        float hv = map.highValue;
        FloatVector v;
        v = s0.mul(c00).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff);
        v = s1.mul(c01).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + LANES);
        v = s0.mul(c10).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + ldc);
        v = s1.mul(c11).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + ldc + LANES);
        v = s0.mul(c20).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 2 * ldc);
        v = s1.mul(c21).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 2 * ldc + LANES);
        v = s0.mul(c30).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 3 * ldc);
        v = s1.mul(c31).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 3 * ldc + LANES);
        v = s0.mul(c40).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 4 * ldc);
        v = s1.mul(c41).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 4 * ldc + LANES);
        v = s0.mul(c50).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 5 * ldc);
        v = s1.mul(c51).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 5 * ldc + LANES);
        v = s0.mul(c60).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 6 * ldc);
        v = s1.mul(c61).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 6 * ldc + LANES);
        v = s0.mul(c70).add(h0);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 7 * ldc);
        v = s1.mul(c71).add(h1);
        v = v.blend(lv, v.compare(VectorOperators.LT, lb));
        v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(c, cOff + 7 * ldc + LANES);
    }
}
