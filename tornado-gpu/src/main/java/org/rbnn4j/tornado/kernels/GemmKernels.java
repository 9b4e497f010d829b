package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.GemmReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * {@code C = alpha * op(A) op(B) + beta * C}, row-major, one work item per element of C, each the reference's
 * {@code GemmReference.dotAt}. The matrices start at offset 0 of their arrays (the host copies the caller's regions
 * there); the shape travels in {@code dims} ({@link #DIMS} values), {@code alpha} and {@code beta} in
 * {@code scalars[0]}, {@code scalars[1]}, so one compiled kernel serves every call.
 */
public final class GemmKernels {
    public static final int M = 0;
    public static final int N = 1;
    public static final int K = 2;
    public static final int TRANS_A = 3;
    public static final int TRANS_B = 4;
    public static final int LDA = 5;
    public static final int LDB = 6;
    public static final int LDC = 7;
    /** Length of the {@code dims} array. */
    public static final int DIMS = 8;

    private GemmKernels() {
    }

    /** Grid: {@code m x n}. As the reference, {@code beta == 0} never reads C. */
    public static void sgemm(float[] a, float[] b, float[] c, int[] dims, float[] scalars) {
        int m = dims[M];
        int n = dims[N];
        int k = dims[K];
        boolean transA = dims[TRANS_A] != 0;
        boolean transB = dims[TRANS_B] != 0;
        int lda = dims[LDA];
        int ldb = dims[LDB];
        int ldc = dims[LDC];
        float alpha = scalars[0];
        float beta = scalars[1];
        for (@Parallel int i = 0; i < m; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                float v = alpha * GemmReference.dotAt(transA, transB, k, a, 0, lda, b, 0, ldb, i, j);
                int ci = i * ldc + j;
                c[ci] = beta == 0f ? v : v + beta * c[ci];
            }
        }
    }
}
