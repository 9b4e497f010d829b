package org.rbnn4j.simd.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.rbnn.RotationKernels;

/**
 * Vector form of the per-filter rotation {@code R1^T X R2} that every training forward of a binary convolution
 * applies (DESIGN.md §1 step 5); the scalar reference is {@link RotationKernels#rotateFilter}.
 *
 * <p>The matrices are small ({@code 12x12} to {@code 64x72}), so the scalar loops ran at about 4 GFLOP/s: the
 * compiler vectorises their inner loop over {@code b} columns but reloads and stores the output row for every
 * {@code q}. Here four output rows stay in registers for a whole column chunk while {@code q} runs, so each
 * loaded row of the right operand is used four times and nothing is stored until the sums are complete.
 *
 * <p>Every output element is still {@code ((0 + A(p,0) B(0,c)) + A(p,1) B(1,c)) + ...}, a multiply then an add in
 * the reference's order (no fused multiply-add), so the result equals the reference bit for bit.
 */
public final class FilterRotationKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private FilterRotationKernels() {
    }

    /**
     * {@code out = R1^T X R2} for the {@code a x b} filter matrix at {@code xOff}, through {@code tmp = X R2}
     * ({@code a*b} values at {@code tmpOff}); same contract and same floats as {@link RotationKernels#rotateFilter}.
     */
    public static void rotateFilter(float[] r1, float[] r2, int a, int b, float[] x, int xOff,
                                    float[] tmp, int tmpOff, float[] out, int outOff) {
        // tmp(p, c) = sum_q X(p, q) R2(q, c): X read row-major (row stride b, column stride 1).
        multiply(x, xOff, b, 1, r2, 0, tmp, tmpOff, a, b, b);
        // out(p, c) = sum_q R1(q, p) tmp(q, c): R1 read transposed (row stride 1, column stride a).
        multiply(r1, 0, 1, a, tmp, tmpOff, out, outOff, a, a, b);
    }

    /**
     * {@code C = A B} with {@code A} ({@code m x k}) read as {@code A(p, q) = a[aOff + p*aRowStride + q*aColStride]},
     * {@code B} ({@code k x n}) and {@code C} ({@code m x n}) row-major; the sum over {@code q} runs in order.
     */
    static void multiply(float[] a, int aOff, int aRowStride, int aColStride, float[] bm, int bOff,
                         float[] c, int cOff, int m, int k, int n) {
        for (int col = 0; col < n; col += LANES) {
            VectorMask<Float> mask = SPECIES.indexInRange(col, n);
            int p = 0;
            for (; p + 4 <= m; p += 4) {
                FloatVector acc0 = FloatVector.zero(SPECIES);
                FloatVector acc1 = acc0;
                FloatVector acc2 = acc0;
                FloatVector acc3 = acc0;
                int a0 = aOff + p * aRowStride;
                for (int q = 0; q < k; q++) {
                    FloatVector bv = FloatVector.fromArray(SPECIES, bm, bOff + q * n + col, mask);
                    int aq = a0 + q * aColStride;
                    acc0 = bv.mul(a[aq]).add(acc0);
                    acc1 = bv.mul(a[aq + aRowStride]).add(acc1);
                    acc2 = bv.mul(a[aq + 2 * aRowStride]).add(acc2);
                    acc3 = bv.mul(a[aq + 3 * aRowStride]).add(acc3);
                }
                int c0 = cOff + p * n + col;
                acc0.intoArray(c, c0, mask);
                acc1.intoArray(c, c0 + n, mask);
                acc2.intoArray(c, c0 + 2 * n, mask);
                acc3.intoArray(c, c0 + 3 * n, mask);
            }
            for (; p < m; p++) {
                FloatVector acc = FloatVector.zero(SPECIES);
                int ap = aOff + p * aRowStride;
                for (int q = 0; q < k; q++) {
                    FloatVector bv = FloatVector.fromArray(SPECIES, bm, bOff + q * n + col, mask);
                    acc = bv.mul(a[ap + q * aColStride]).add(acc);
                }
                acc.intoArray(c, cOff + p * n + col, mask);
            }
        }
    }
}
