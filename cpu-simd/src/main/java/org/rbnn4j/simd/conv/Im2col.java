package org.rbnn4j.simd.conv;

import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * Unrolls the convolution windows of one image (given as a {@link PaddedInput}, so padded taps are ordinary elements
 * holding {@code padValue}). Taps are indexed {@code j = (ci * kh + ky) * kw + kx} (the weight layout), output pixels
 * {@code q = oy * outW + ox}.
 *
 * <p>For one tap and one output row the source pixels are evenly spaced in one padded input row (contiguous at
 * stride 1), so both layouts are written as runs: a few vector moves per output row, no per-element branches.
 */
public final class Im2col {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;
    /** Narrower species for the ends of short runs (8- and 4-wide rows), null where not narrower than S. */
    private static final VectorSpecies<Float> HALF = S.length() > 8 ? FloatVector.SPECIES_256 : null;
    private static final VectorSpecies<Float> QUARTER = S.length() > 4 ? FloatVector.SPECIES_128 : null;
    /** Lanes {@code 0, 2, 4, ...} of two concatenated vectors (indexes past the first are exceptional: the second). */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(S, i -> 2 * i < S.length() ? 2 * i : 2 * i - 2 * S.length());
    /** Lanes {@code 0, 2, 4, ...} of one vector in its low half (the high half repeats them, never stored). */
    private static final VectorShuffle<Float> EVEN_OF_ONE = VectorShuffle.fromOp(S, i -> (2 * i) % S.length());
    /** The low half of a vector's lanes. */
    private static final VectorMask<Float> LOW_HALF = VectorMask.fromLong(S, (1L << (S.length() / 2)) - 1);

    private Im2col() {
    }

    /**
     * The forward pass's B, written straight in the GEMM's packed-B layout: {@code B(j, q)} for every tap and pixels
     * {@code [q0, q1)}; panel {@code (q - q0) / NR} at {@code dst[dstOff + panel * patchSize * NR]}, element
     * {@code (j, q)} at {@code + j * NR + (q - q0) % NR}; pixels past {@code q1} in the last panel are zero.
     */
    public static void forwardPanels(ConvGeometry g, PaddedInput in, int q0, int q1, float[] dst, int dstOff) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int ow = g.outW();
        int stride = g.stride();
        int panelStride = g.patchSize() * NR;
        int count = q1 - q0;
        int padded = (count + NR - 1) / NR * NR;
        float[] src = in.data;
        int j = 0;
        for (int ci = 0; ci < g.inChannels(); ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, j++) {
                    int rowBase = dstOff + j * NR;
                    int tapBase = in.offset + ci * in.planeStride + ky * in.rowStride + kx;
                    int oy = q0 / ow;
                    int ox = q0 % ow;
                    for (int t = 0; t < count; ) {
                        // One run: the rest of output row oy, cut at the end of the range and of the panel.
                        int run = Math.min(Math.min(ow - ox, count - t), NR - (t & (NR - 1)));
                        int d = rowBase + (t / NR) * panelStride + (t & (NR - 1));
                        int s = tapBase + (oy * in.rowStride + ox) * stride;
                        if (stride == 1) {
                            copy(src, s, dst, d, run);
                        } else {
                            stridedCopy(src, s, stride, dst, d, run);
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
     * The column matrix, row-major: row {@code j - j0} for taps {@code [j0, j1)}, all {@code outH * outW} pixels, rows
     * {@code ldd} apart starting at {@code dst[dstOff]}.
     */
    public static void rows(ConvGeometry g, PaddedInput in, int j0, int j1, float[] dst, int dstOff, int ldd) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int stride = g.stride();
        float[] src = in.data;
        for (int j = j0; j < j1; j++) {
            int kx = j % kw;
            int ky = (j / kw) % kh;
            int ci = j / (kw * kh);
            int s = in.offset + ci * in.planeStride + ky * in.rowStride + kx;
            int d = dstOff + (j - j0) * ldd;
            if (HALF != null && ow == HALF.length() && (stride == 1 || stride == 2)) {
                // Rows of 8 (the 8x8 maps of the last ResNet stage): one half vector per row, no per-row dispatch.
                halfRows(src, s, stride, in.rowStride, oh, dst, d);
                continue;
            }
            for (int oy = 0; oy < oh; oy++, d += ow, s += stride * in.rowStride) {
                if (stride == 1) {
                    copy(src, s, dst, d, ow);
                } else {
                    stridedCopy(src, s, stride, dst, d, ow);
                }
            }
        }
    }

    /**
     * {@code rows} output rows of {@code HALF.length()} values, row {@code oy} from {@code src[s + oy * stride * rowStride
     * + r * stride]} (stride 1 or 2) to {@code dst[d + oy * HALF.length() + r]}. Stride 2 takes the even lanes of one
     * full vector (when it lies inside the array) and stores the low half.
     */
    private static void halfRows(float[] src, int s, int stride, int rowStride, int rows, float[] dst, int d) {
        int len = HALF.length();
        for (int oy = 0; oy < rows; oy++, d += len, s += stride * rowStride) {
            if (stride == 1) {
                FloatVector.fromArray(HALF, src, s).intoArray(dst, d);
            } else if (s + S.length() <= src.length) {
                FloatVector.fromArray(S, src, s).rearrange(EVEN_OF_ONE).intoArray(dst, d, LOW_HALF);
            } else {
                stridedCopy(src, s, stride, dst, d, len);
            }
        }
    }

    /** {@code dst[d + r] = src[s + r * stride]} for {@code r < len}; stride 2 with vector gathers. */
    static void stridedCopy(float[] src, int s, int stride, float[] dst, int d, int len) {
        int r = 0;
        if (stride == 2) {
            // Even lanes of two consecutive vectors; the second load must stay inside the array.
            for (int upper = Math.min(len - S.length(), (src.length - s) / 2 - S.length()); r <= upper; r += S.length()) {
                FloatVector lo = FloatVector.fromArray(S, src, s + 2 * r);
                FloatVector hi = FloatVector.fromArray(S, src, s + 2 * r + S.length());
                lo.rearrange(EVEN_LANES, hi).intoArray(dst, d + r);
            }
        }
        for (; r < len; r++) {
            dst[d + r] = src[s + r * stride];
        }
    }

    /** {@code dst[d, d + len) = src[s, s + len)}: full vectors, then one half and one quarter vector, then scalars. */
    static void copy(float[] src, int s, float[] dst, int d, int len) {
        int i = 0;
        for (int upper = len - S.length(); i <= upper; i += S.length()) {
            FloatVector.fromArray(S, src, s + i).intoArray(dst, d + i);
        }
        if (HALF != null && len - i >= HALF.length()) {
            FloatVector.fromArray(HALF, src, s + i).intoArray(dst, d + i);
            i += HALF.length();
        }
        if (QUARTER != null && len - i >= QUARTER.length()) {
            FloatVector.fromArray(QUARTER, src, s + i).intoArray(dst, d + i);
            i += QUARTER.length();
        }
        for (; i < len; i++) {
            dst[d + i] = src[s + i];
        }
    }
}
