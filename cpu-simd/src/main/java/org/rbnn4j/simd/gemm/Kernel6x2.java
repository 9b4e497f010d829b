package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6 x 2-vector register kernel (12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 AVX2 registers); see {@link MicroKernel} for the contract. Every accumulator is
 * a separate local and the epilogue is straight-line code: that is what keeps C2 from spilling vectors to the heap.
 */
final class Kernel6x2 {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;

    private Kernel6x2() {
    }

    /** {@code C = alpha * A * B}; C is only written. */
    static void overwrite(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int bRowStride,
                          float[] c, int cOff, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        final int a1 = aOff + 1 * aRowStride;
        final int a2 = aOff + 2 * aRowStride;
        final int a3 = aOff + 3 * aRowStride;
        final int a4 = aOff + 4 * aRowStride;
        final int a5 = aOff + 5 * aRowStride;
        for (int p = 0; p < kc; p++) {
            final int ai = p * aColStride;
            final int bi = bOff + p * bRowStride;
            final FloatVector b0 = FloatVector.fromArray(S, b, bi);
            final FloatVector b1 = FloatVector.fromArray(S, b, bi + LANES);
            FloatVector av;
            av = FloatVector.broadcast(S, a[aOff + ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + ai]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // alpha times the sums, not the other way round (see MicroKernel).
        final FloatVector av = FloatVector.broadcast(S, alpha);
        av.mul(c00).intoArray(c, cOff);
        av.mul(c01).intoArray(c, cOff + LANES);
        av.mul(c10).intoArray(c, cOff + 1 * ldc);
        av.mul(c11).intoArray(c, cOff + 1 * ldc + LANES);
        av.mul(c20).intoArray(c, cOff + 2 * ldc);
        av.mul(c21).intoArray(c, cOff + 2 * ldc + LANES);
        av.mul(c30).intoArray(c, cOff + 3 * ldc);
        av.mul(c31).intoArray(c, cOff + 3 * ldc + LANES);
        av.mul(c40).intoArray(c, cOff + 4 * ldc);
        av.mul(c41).intoArray(c, cOff + 4 * ldc + LANES);
        av.mul(c50).intoArray(c, cOff + 5 * ldc);
        av.mul(c51).intoArray(c, cOff + 5 * ldc + LANES);
    }

    /** {@code C += alpha * A * B}. */
    static void accumulate(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                          float[] b, int bOff, int bRowStride,
                          float[] c, int cOff, int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        final int a1 = aOff + 1 * aRowStride;
        final int a2 = aOff + 2 * aRowStride;
        final int a3 = aOff + 3 * aRowStride;
        final int a4 = aOff + 4 * aRowStride;
        final int a5 = aOff + 5 * aRowStride;
        for (int p = 0; p < kc; p++) {
            final int ai = p * aColStride;
            final int bi = bOff + p * bRowStride;
            final FloatVector b0 = FloatVector.fromArray(S, b, bi);
            final FloatVector b1 = FloatVector.fromArray(S, b, bi + LANES);
            FloatVector av;
            av = FloatVector.broadcast(S, a[aOff + ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + ai]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + ai]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + ai]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + ai]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + ai]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        final FloatVector va = FloatVector.broadcast(S, alpha);
        va.fma(c00, FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
        va.fma(c01, FloatVector.fromArray(S, c, cOff + LANES)).intoArray(c, cOff + LANES);
        va.fma(c10, FloatVector.fromArray(S, c, cOff + 1 * ldc)).intoArray(c, cOff + 1 * ldc);
        va.fma(c11, FloatVector.fromArray(S, c, cOff + 1 * ldc + LANES)).intoArray(c, cOff + 1 * ldc + LANES);
        va.fma(c20, FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        va.fma(c21, FloatVector.fromArray(S, c, cOff + 2 * ldc + LANES)).intoArray(c, cOff + 2 * ldc + LANES);
        va.fma(c30, FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        va.fma(c31, FloatVector.fromArray(S, c, cOff + 3 * ldc + LANES)).intoArray(c, cOff + 3 * ldc + LANES);
        va.fma(c40, FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        va.fma(c41, FloatVector.fromArray(S, c, cOff + 4 * ldc + LANES)).intoArray(c, cOff + 4 * ldc + LANES);
        va.fma(c50, FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        va.fma(c51, FloatVector.fromArray(S, c, cOff + 5 * ldc + LANES)).intoArray(c, cOff + 5 * ldc + LANES);
    }
}
