package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

/**
 * The SGEMM register kernel: {@code C[0:MR, 0:NR] (+)= alpha * A[0:MR, 0:kc] * B[0:kc, 0:NR]} with the
 * {@code MR x NR} tile of C held in {@code 2 * MR} vector accumulators, one FMA per accumulator and step of
 * {@code p}. {@link Kernel8x2} serves 16-lane (AVX-512) vectors, {@link Kernel6x2} narrower ones, whose machines
 * have only 16 vector registers; {@link GemmBlocking#MR} is a constant, so the dispatch folds away.
 *
 * <p>A is read as broadcasts at {@code a[aOff + i * aRowStride + p * aColStride]}, so the same code reads a packed
 * sliver ({@code aRowStride = 1, aColStride = MR}), a row-major A in place ({@code lda, 1}) and a transposed one
 * ({@code 1, lda}). B is read as two vectors per step at {@code b[bOff + p * bRowStride]}: a packed panel
 * ({@code bRowStride = NR}) or a row-major B in place ({@code ldb}).
 *
 * <p>The kernels are written out in full, stores included: C2 keeps the vectors in registers only when every
 * accumulator is a separate local and no vector crosses a call that is not inlined. A store helper called once per
 * row is not inlined once the loop body has used up the inlining node budget (checked with
 * {@code -XX:+PrintInlining}), and every vector passed to it is then boxed: 5x slower. Hence one kernel per store
 * mode with a branch-free epilogue; {@code beta} other than 0 and 1 is applied to C beforehand by the callers.
 *
 * <p>Every operation is called on a vector of known class (the broadcast of A, the broadcast of alpha) with the
 * accumulators as arguments ({@code av.fma(b, c)}, {@code alpha.mul(c)}, {@code alpha.fma(c, C)}): a call on an
 * accumulator, carried around the {@code p} loop, is inlined only with a type profile, and C2 compiles without one
 * from C1's profile-less tier ({@code ProfileFreeJitTest}).
 */
final class MicroKernel {
    private MicroKernel() {
    }

    /** Full tile, {@code C = alpha * A * B}; C is only written. */
    static void multiplyOverwrite(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                                  float[] b, int bOff, int bRowStride,
                                  float[] c, int cOff, int ldc, float alpha) {
        if (MR == 8) {
            Kernel8x2.overwrite(kc, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, c, cOff, ldc, alpha);
        } else {
            Kernel6x2.overwrite(kc, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, c, cOff, ldc, alpha);
        }
    }

    /** Full tile, {@code C += alpha * A * B}. */
    static void multiplyAccumulate(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                                   float[] b, int bOff, int bRowStride,
                                   float[] c, int cOff, int ldc, float alpha) {
        if (MR == 8) {
            Kernel8x2.accumulate(kc, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, c, cOff, ldc, alpha);
        } else {
            Kernel6x2.accumulate(kc, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, c, cOff, ldc, alpha);
        }
    }

    /**
     * A partial tile ({@code mr <= MR} rows, {@code nr <= NR} columns): the full kernel runs into {@code tile}
     * (A and B must be readable for the whole {@code MR x NR} tile, e.g. zero-padded packed panels) and the valid
     * part is merged into C, overwriting it or adding to it.
     */
    static void multiplyEdge(int kc, float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride,
                             float[] c, int cOff, int ldc, float alpha, boolean accumulate, int mr, int nr,
                             float[] tile) {
        multiplyOverwrite(kc, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, tile, 0, NR, alpha);
        for (int i = 0; i < mr; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < nr; j++) {
                c[row + j] = accumulate ? c[row + j] + tile[i * NR + j] : tile[i * NR + j];
            }
        }
    }
}
