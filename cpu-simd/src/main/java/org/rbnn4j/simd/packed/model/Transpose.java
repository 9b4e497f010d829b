package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix transposes between NCHW and NHWC images: {@code dst[j * dstStride + i] = src[i * srcStride + j]}, optionally
 * applying a per-source-row affine map and activation on the way (a float layer's BatchNorm and hardtanh, fused
 * into the conversion of its NCHW output).
 *
 * <p>With 16 float lanes, 16 x 16 blocks are transposed in registers: 16 row loads, four rounds of two-source
 * permutes ({@code selectFrom(v1, v2)}, one instruction each with AVX-512), each round exchanging one bit of the
 * row index with the same bit of the column index, then 16 row stores. Measured 2-5x faster than a blocked scalar
 * copy. The kernel is spelled out in locals (a loop over an array of vectors boxes them and runs several times
 * slower than scalar code). Partial blocks and other lane counts take the scalar loop. Values are moved, or mapped
 * with the same float operations as the layer, so results do not change.
 */
final class Transpose {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Whether the 16 x 16 register kernel runs here. */
    static final boolean VECTOR = S.length() == 16;
    private static final int B = 16;
    private static final FloatVector LO0 = VECTOR ? indices(0, true) : null;
    private static final FloatVector HI0 = VECTOR ? indices(0, false) : null;
    private static final FloatVector LO1 = VECTOR ? indices(1, true) : null;
    private static final FloatVector HI1 = VECTOR ? indices(1, false) : null;
    private static final FloatVector LO2 = VECTOR ? indices(2, true) : null;
    private static final FloatVector HI2 = VECTOR ? indices(2, false) : null;
    private static final FloatVector LO3 = VECTOR ? indices(3, true) : null;
    private static final FloatVector HI3 = VECTOR ? indices(3, false) : null;

    private Transpose() {
    }

    /**
     * Permute indices for round {@code bit}: the lower (row bit 0) or upper row of a pair takes, at column {@code j},
     * its own element where column bit {@code bit} equals its row bit, else the partner's element at {@code j} with
     * that bit flipped ({@code selectFrom} indices: {@code < 16} from the first vector, {@code >= 16} from the second).
     */
    private static FloatVector indices(int bit, boolean lower) {
        int h = 1 << bit;
        float[] idx = new float[B];
        for (int j = 0; j < B; j++) {
            boolean low = (j & h) == 0;
            idx[j] = lower ? (low ? j : B + j - h) : (low ? j + h : B + j);
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** {@code dst[dstOff + j * dstStride + i] = src[srcOff + i * srcStride + j]} for {@code i < rows, j < cols}. */
    static void transpose(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows,
                          int cols) {
        int fullRows = VECTOR ? rows - rows % B : 0;
        int fullCols = VECTOR ? cols - cols % B : 0;
        for (int i0 = 0; i0 < fullRows; i0 += B) {
            for (int j0 = 0; j0 < fullCols; j0 += B) {
                block(src, srcOff + i0 * srcStride + j0, srcStride, dst, dstOff + j0 * dstStride + i0, dstStride);
            }
        }
        scalarEdges(src, srcOff, srcStride, dst, dstOff, dstStride, rows, cols, fullRows, fullCols, null, null,
                Activation.NONE);
    }

    /**
     * {@link #transpose} of {@code act(src * scale[i] + shift[i])} (row {@code i} of the source: a channel of an
     * NCHW image); {@code scale} null means no affine map.
     */
    static void transposeAffine(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                                int rows, int cols, float[] scale, float[] shift, Activation act) {
        int fullRows = VECTOR ? rows - rows % B : 0;
        int fullCols = VECTOR ? cols - cols % B : 0;
        // The map goes through a 16 x 16 scratch block (L1) rather than into the register kernel: with it inlined the
        // kernel exceeds C2's inlining budget and its vectors are boxed (measured 4-30x slower).
        float[] tile = fullRows > 0 && fullCols > 0 ? new float[B * B] : null;
        float lb = act.lowBound;
        float lv = act.lowValue;
        float hb = act.highBound;
        float hv = act.highValue;
        for (int i0 = 0; i0 < fullRows; i0 += B) {
            for (int j0 = 0; j0 < fullCols; j0 += B) {
                for (int i = 0; i < B; i++) {
                    // The map spelled out (see Activation on helper methods and boxing).
                    FloatVector v = FloatVector.fromArray(S, src, srcOff + (i0 + i) * srcStride + j0);
                    if (scale != null) {
                        v = v.mul(scale[i0 + i]).add(shift[i0 + i]);
                    }
                    v = v.blend(lv, v.compare(VectorOperators.LT, lb));
                    v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(tile, i * B);
                }
                block(tile, 0, B, dst, dstOff + j0 * dstStride + i0, dstStride);
            }
        }
        scalarEdges(src, srcOff, srcStride, dst, dstOff, dstStride, rows, cols, fullRows, fullCols, scale, shift,
                act);
    }

    /** The elements outside the full blocks, one by one (all of them where the register kernel does not run). */
    private static void scalarEdges(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                                    int rows, int cols, int fullRows, int fullCols, float[] scale, float[] shift,
                                    Activation act) {
        for (int i = 0; i < rows; i++) {
            int j = i < fullRows ? fullCols : 0;
            float a = scale == null ? 1f : scale[i];
            float b = scale == null ? 0f : shift[i];
            for (; j < cols; j++) {
                float v = src[srcOff + i * srcStride + j];
                if (scale != null) {
                    v = v * a + b;
                }
                dst[dstOff + j * dstStride + i] = act.apply(v);
            }
        }
    }

    /** One 16 x 16 block: rows of the source at {@code s + i * ss}, rows of the result at {@code d + k * ds}. */
    private static void block(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector r0 = FloatVector.fromArray(S, src, s + 0 * ss);
        FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * ss);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ss);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ss);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ss);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ss);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ss);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ss);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * ss);
        FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * ss);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * ss);
        FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * ss);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * ss);
        FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * ss);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * ss);
        FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * ss);
        FloatVector t0x0 = LO0.selectFrom(r0, r1);
        r1 = HI0.selectFrom(r0, r1);
        r0 = t0x0;
        FloatVector t2x0 = LO0.selectFrom(r2, r3);
        r3 = HI0.selectFrom(r2, r3);
        r2 = t2x0;
        FloatVector t4x0 = LO0.selectFrom(r4, r5);
        r5 = HI0.selectFrom(r4, r5);
        r4 = t4x0;
        FloatVector t6x0 = LO0.selectFrom(r6, r7);
        r7 = HI0.selectFrom(r6, r7);
        r6 = t6x0;
        FloatVector t8x0 = LO0.selectFrom(r8, r9);
        r9 = HI0.selectFrom(r8, r9);
        r8 = t8x0;
        FloatVector t10x0 = LO0.selectFrom(r10, r11);
        r11 = HI0.selectFrom(r10, r11);
        r10 = t10x0;
        FloatVector t12x0 = LO0.selectFrom(r12, r13);
        r13 = HI0.selectFrom(r12, r13);
        r12 = t12x0;
        FloatVector t14x0 = LO0.selectFrom(r14, r15);
        r15 = HI0.selectFrom(r14, r15);
        r14 = t14x0;
        FloatVector t0x1 = LO1.selectFrom(r0, r2);
        r2 = HI1.selectFrom(r0, r2);
        r0 = t0x1;
        FloatVector t1x1 = LO1.selectFrom(r1, r3);
        r3 = HI1.selectFrom(r1, r3);
        r1 = t1x1;
        FloatVector t4x1 = LO1.selectFrom(r4, r6);
        r6 = HI1.selectFrom(r4, r6);
        r4 = t4x1;
        FloatVector t5x1 = LO1.selectFrom(r5, r7);
        r7 = HI1.selectFrom(r5, r7);
        r5 = t5x1;
        FloatVector t8x1 = LO1.selectFrom(r8, r10);
        r10 = HI1.selectFrom(r8, r10);
        r8 = t8x1;
        FloatVector t9x1 = LO1.selectFrom(r9, r11);
        r11 = HI1.selectFrom(r9, r11);
        r9 = t9x1;
        FloatVector t12x1 = LO1.selectFrom(r12, r14);
        r14 = HI1.selectFrom(r12, r14);
        r12 = t12x1;
        FloatVector t13x1 = LO1.selectFrom(r13, r15);
        r15 = HI1.selectFrom(r13, r15);
        r13 = t13x1;
        FloatVector t0x2 = LO2.selectFrom(r0, r4);
        r4 = HI2.selectFrom(r0, r4);
        r0 = t0x2;
        FloatVector t1x2 = LO2.selectFrom(r1, r5);
        r5 = HI2.selectFrom(r1, r5);
        r1 = t1x2;
        FloatVector t2x2 = LO2.selectFrom(r2, r6);
        r6 = HI2.selectFrom(r2, r6);
        r2 = t2x2;
        FloatVector t3x2 = LO2.selectFrom(r3, r7);
        r7 = HI2.selectFrom(r3, r7);
        r3 = t3x2;
        FloatVector t8x2 = LO2.selectFrom(r8, r12);
        r12 = HI2.selectFrom(r8, r12);
        r8 = t8x2;
        FloatVector t9x2 = LO2.selectFrom(r9, r13);
        r13 = HI2.selectFrom(r9, r13);
        r9 = t9x2;
        FloatVector t10x2 = LO2.selectFrom(r10, r14);
        r14 = HI2.selectFrom(r10, r14);
        r10 = t10x2;
        FloatVector t11x2 = LO2.selectFrom(r11, r15);
        r15 = HI2.selectFrom(r11, r15);
        r11 = t11x2;
        FloatVector t0x3 = LO3.selectFrom(r0, r8);
        r8 = HI3.selectFrom(r0, r8);
        r0 = t0x3;
        FloatVector t1x3 = LO3.selectFrom(r1, r9);
        r9 = HI3.selectFrom(r1, r9);
        r1 = t1x3;
        FloatVector t2x3 = LO3.selectFrom(r2, r10);
        r10 = HI3.selectFrom(r2, r10);
        r2 = t2x3;
        FloatVector t3x3 = LO3.selectFrom(r3, r11);
        r11 = HI3.selectFrom(r3, r11);
        r3 = t3x3;
        FloatVector t4x3 = LO3.selectFrom(r4, r12);
        r12 = HI3.selectFrom(r4, r12);
        r4 = t4x3;
        FloatVector t5x3 = LO3.selectFrom(r5, r13);
        r13 = HI3.selectFrom(r5, r13);
        r5 = t5x3;
        FloatVector t6x3 = LO3.selectFrom(r6, r14);
        r14 = HI3.selectFrom(r6, r14);
        r6 = t6x3;
        FloatVector t7x3 = LO3.selectFrom(r7, r15);
        r15 = HI3.selectFrom(r7, r15);
        r7 = t7x3;
        r0.intoArray(dst, d + 0 * ds);
        r1.intoArray(dst, d + 1 * ds);
        r2.intoArray(dst, d + 2 * ds);
        r3.intoArray(dst, d + 3 * ds);
        r4.intoArray(dst, d + 4 * ds);
        r5.intoArray(dst, d + 5 * ds);
        r6.intoArray(dst, d + 6 * ds);
        r7.intoArray(dst, d + 7 * ds);
        r8.intoArray(dst, d + 8 * ds);
        r9.intoArray(dst, d + 9 * ds);
        r10.intoArray(dst, d + 10 * ds);
        r11.intoArray(dst, d + 11 * ds);
        r12.intoArray(dst, d + 12 * ds);
        r13.intoArray(dst, d + 13 * ds);
        r14.intoArray(dst, d + 14 * ds);
        r15.intoArray(dst, d + 15 * ds);
    }
}
