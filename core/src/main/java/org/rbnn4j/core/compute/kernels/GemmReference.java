package org.rbnn4j.core.compute.kernels;

/**
 * Scalar reference SGEMM, row-major. Written as static per-element code over primitive arrays (no allocation,
 * no exceptions) so that device kernels can wrap the very same arithmetic in a parallel loop.
 */
public final class GemmReference {
    private GemmReference() {
    }

    /** {@code sum_p op(A)[i,p] * op(B)[p,j]}. */
    public static float dotAt(boolean transA, boolean transB, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb, int i, int j) {
        float sum = 0f;
        for (int p = 0; p < k; p++) {
            float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            sum += av * bv;
        }
        return sum;
    }

    /** {@code C = alpha * op(A) op(B) + beta * C}; {@code beta == 0} never reads C. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float v = alpha * dotAt(transA, transB, k, a, aOff, lda, b, bOff, ldb, i, j);
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? v : v + beta * c[ci];
            }
        }
    }
}
