package org.rbnn4j.simd.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrow register kernel: 16 rows x 1 vector (16 accumulators + 1 B vector + 1 broadcast), for products whose
 * whole width fits one vector (N <= 16, e.g. the weight gradient of a 16-channel convolution as {@code col * dY^T}),
 * where the {@link Kernel8x2} tile would spend half its FMAs on zero padding. Operands are addressed as in
 * {@link MicroKernel}; B's rows are read one vector wide. Used only with 16-lane vectors (32 registers).
 */
final class Kernel16x1 {
    /** Rows of the tile. */
    static final int ROWS = 16;
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;

    private Kernel16x1() {
    }

    /** {@code C = alpha * A * B}; C is only written. */
    static void overwrite(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int bRowStride,
                          float[] c, int cOff, int ldc, float alpha) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c14 = FloatVector.zero(S);
        FloatVector c15 = FloatVector.zero(S);
        final int a1 = aOff + 1 * aRowStride;
        final int a2 = aOff + 2 * aRowStride;
        final int a3 = aOff + 3 * aRowStride;
        final int a4 = aOff + 4 * aRowStride;
        final int a5 = aOff + 5 * aRowStride;
        final int a6 = aOff + 6 * aRowStride;
        final int a7 = aOff + 7 * aRowStride;
        final int a8 = aOff + 8 * aRowStride;
        final int a9 = aOff + 9 * aRowStride;
        final int a10 = aOff + 10 * aRowStride;
        final int a11 = aOff + 11 * aRowStride;
        final int a12 = aOff + 12 * aRowStride;
        final int a13 = aOff + 13 * aRowStride;
        final int a14 = aOff + 14 * aRowStride;
        final int a15 = aOff + 15 * aRowStride;
        for (int p = 0; p < kc; p++) {
            final int ai = p * aColStride;
            final FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * bRowStride);
            c0 = FloatVector.broadcast(S, a[aOff + ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ai]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ai]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ai]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + ai]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + ai]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + ai]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + ai]).fma(b0, c7);
            c8 = FloatVector.broadcast(S, a[a8 + ai]).fma(b0, c8);
            c9 = FloatVector.broadcast(S, a[a9 + ai]).fma(b0, c9);
            c10 = FloatVector.broadcast(S, a[a10 + ai]).fma(b0, c10);
            c11 = FloatVector.broadcast(S, a[a11 + ai]).fma(b0, c11);
            c12 = FloatVector.broadcast(S, a[a12 + ai]).fma(b0, c12);
            c13 = FloatVector.broadcast(S, a[a13 + ai]).fma(b0, c13);
            c14 = FloatVector.broadcast(S, a[a14 + ai]).fma(b0, c14);
            c15 = FloatVector.broadcast(S, a[a15 + ai]).fma(b0, c15);
        }
        // alpha times the sums, not the other way round (see MicroKernel).
        final FloatVector av = FloatVector.broadcast(S, alpha);
        av.mul(c0).intoArray(c, cOff);
        av.mul(c1).intoArray(c, cOff + 1 * ldc);
        av.mul(c2).intoArray(c, cOff + 2 * ldc);
        av.mul(c3).intoArray(c, cOff + 3 * ldc);
        av.mul(c4).intoArray(c, cOff + 4 * ldc);
        av.mul(c5).intoArray(c, cOff + 5 * ldc);
        av.mul(c6).intoArray(c, cOff + 6 * ldc);
        av.mul(c7).intoArray(c, cOff + 7 * ldc);
        av.mul(c8).intoArray(c, cOff + 8 * ldc);
        av.mul(c9).intoArray(c, cOff + 9 * ldc);
        av.mul(c10).intoArray(c, cOff + 10 * ldc);
        av.mul(c11).intoArray(c, cOff + 11 * ldc);
        av.mul(c12).intoArray(c, cOff + 12 * ldc);
        av.mul(c13).intoArray(c, cOff + 13 * ldc);
        av.mul(c14).intoArray(c, cOff + 14 * ldc);
        av.mul(c15).intoArray(c, cOff + 15 * ldc);
    }

    /** {@code C += alpha * A * B}. */
    static void accumulate(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int bRowStride,
                          float[] c, int cOff, int ldc, float alpha) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c14 = FloatVector.zero(S);
        FloatVector c15 = FloatVector.zero(S);
        final int a1 = aOff + 1 * aRowStride;
        final int a2 = aOff + 2 * aRowStride;
        final int a3 = aOff + 3 * aRowStride;
        final int a4 = aOff + 4 * aRowStride;
        final int a5 = aOff + 5 * aRowStride;
        final int a6 = aOff + 6 * aRowStride;
        final int a7 = aOff + 7 * aRowStride;
        final int a8 = aOff + 8 * aRowStride;
        final int a9 = aOff + 9 * aRowStride;
        final int a10 = aOff + 10 * aRowStride;
        final int a11 = aOff + 11 * aRowStride;
        final int a12 = aOff + 12 * aRowStride;
        final int a13 = aOff + 13 * aRowStride;
        final int a14 = aOff + 14 * aRowStride;
        final int a15 = aOff + 15 * aRowStride;
        for (int p = 0; p < kc; p++) {
            final int ai = p * aColStride;
            final FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * bRowStride);
            c0 = FloatVector.broadcast(S, a[aOff + ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ai]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ai]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ai]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + ai]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + ai]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + ai]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + ai]).fma(b0, c7);
            c8 = FloatVector.broadcast(S, a[a8 + ai]).fma(b0, c8);
            c9 = FloatVector.broadcast(S, a[a9 + ai]).fma(b0, c9);
            c10 = FloatVector.broadcast(S, a[a10 + ai]).fma(b0, c10);
            c11 = FloatVector.broadcast(S, a[a11 + ai]).fma(b0, c11);
            c12 = FloatVector.broadcast(S, a[a12 + ai]).fma(b0, c12);
            c13 = FloatVector.broadcast(S, a[a13 + ai]).fma(b0, c13);
            c14 = FloatVector.broadcast(S, a[a14 + ai]).fma(b0, c14);
            c15 = FloatVector.broadcast(S, a[a15 + ai]).fma(b0, c15);
        }
        final FloatVector va = FloatVector.broadcast(S, alpha);
        va.fma(c0, FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
        va.fma(c1, FloatVector.fromArray(S, c, cOff + 1 * ldc)).intoArray(c, cOff + 1 * ldc);
        va.fma(c2, FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        va.fma(c3, FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        va.fma(c4, FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        va.fma(c5, FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        va.fma(c6, FloatVector.fromArray(S, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        va.fma(c7, FloatVector.fromArray(S, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
        va.fma(c8, FloatVector.fromArray(S, c, cOff + 8 * ldc)).intoArray(c, cOff + 8 * ldc);
        va.fma(c9, FloatVector.fromArray(S, c, cOff + 9 * ldc)).intoArray(c, cOff + 9 * ldc);
        va.fma(c10, FloatVector.fromArray(S, c, cOff + 10 * ldc)).intoArray(c, cOff + 10 * ldc);
        va.fma(c11, FloatVector.fromArray(S, c, cOff + 11 * ldc)).intoArray(c, cOff + 11 * ldc);
        va.fma(c12, FloatVector.fromArray(S, c, cOff + 12 * ldc)).intoArray(c, cOff + 12 * ldc);
        va.fma(c13, FloatVector.fromArray(S, c, cOff + 13 * ldc)).intoArray(c, cOff + 13 * ldc);
        va.fma(c14, FloatVector.fromArray(S, c, cOff + 14 * ldc)).intoArray(c, cOff + 14 * ldc);
        va.fma(c15, FloatVector.fromArray(S, c, cOff + 15 * ldc)).intoArray(c, cOff + 15 * ldc);
    }
}
