package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.GemmReference;
import uk.ac.manchester.tornado.api.KernelContext;

/**
 * {@code C = alpha * op(A) op(B) + beta * C}, row-major, tiled through local memory as {@link TiledConvKernels}: a
 * work group of {@link #TILE} x {@link #TILE} work items computes one {@code TILE x TILE} block of C, loading one tile
 * of {@code op(A)} and one of {@code op(B)} into local memory per step of the reduction (each work item one element
 * of each), so each element of A and B is read from global memory once per work group instead of once per work item.
 * Each work item keeps one running sum over {@code p} in ascending order, {@code op(A)[i,p] * op(B)[p,j]} as in
 * {@link GemmReference#dotAt}, then {@code alpha * sum (+ beta * C)} as {@link GemmReference#sgemm}: on a device that
 * does not fuse multiply-adds, the reference's floats (tested on PoCL). The matrices start at the offsets in
 * {@code dims} (0 for the staged operation, which copies the caller's regions to the start of its arrays; regions of
 * one device arena for the resident backend); the shape travels in {@code dims} ({@link #DIMS} values),
 * {@code alpha} and {@code beta} in {@code scalars[0]}, {@code scalars[1]}, so one compiled kernel serves every call.
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
    public static final int A_OFFSET = 8;
    public static final int B_OFFSET = 9;
    public static final int C_OFFSET = 10;
    /** Length of the {@code dims} array. */
    public static final int DIMS = 11;

    private GemmKernels() {
    }

    /** Writes the product's shape into {@code dims} in the layout above (offsets left as they are). */
    public static void describe(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc,
                                int[] dims) {
        dims[M] = m;
        dims[N] = n;
        dims[K] = k;
        dims[TRANS_A] = transA ? 1 : 0;
        dims[TRANS_B] = transB ? 1 : 0;
        dims[LDA] = lda;
        dims[LDB] = ldb;
        dims[LDC] = ldc;
    }

    /** Tile edge: 16 x 16 work items per group, two tiles of 1 KiB in local memory. */
    public static final int TILE = 16;

    /**
     * Grid: {@code roundUp(n) x roundUp(m)} (dimension 0 along the columns of C, so that neighbouring work items
     * write neighbouring addresses), local work {@code TILE x TILE}. As the reference, {@code beta == 0} never reads C.
     */
    public static void sgemm(KernelContext ctx, float[] a, float[] b, float[] c, int[] dims, float[] scalars) {
        int m = dims[M];
        int n = dims[N];
        int k = dims[K];
        boolean transA = dims[TRANS_A] != 0;
        boolean transB = dims[TRANS_B] != 0;
        int lda = dims[LDA];
        int ldb = dims[LDB];
        int ldc = dims[LDC];
        int aOff = dims[A_OFFSET];
        int bOff = dims[B_OFFSET];
        int cOff = dims[C_OFFSET];
        float alpha = scalars[0];
        float beta = scalars[1];

        int lc = ctx.localIdx;
        int lr = ctx.localIdy;
        int j = ctx.groupIdx * TILE + lc;
        int i = ctx.groupIdy * TILE + lr;
        float[] aTile = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] bTile = ctx.allocateFloatLocalArray(TILE * TILE);
        float sum = 0f;
        int tiles = (k + TILE - 1) / TILE;
        for (int t = 0; t < tiles; t++) {
            int k0 = t * TILE;
            int ka = k0 + lc;
            aTile[lr * TILE + lc] = (i < m && ka < k) ? (transA ? a[aOff + ka * lda + i] : a[aOff + i * lda + ka]) : 0f;
            int kb = k0 + lr;
            bTile[lr * TILE + lc] = (kb < k && j < n) ? (transB ? b[bOff + j * ldb + kb] : b[bOff + kb * ldb + j]) : 0f;
            ctx.localBarrier();
            int steps = k - k0 < TILE ? k - k0 : TILE;
            for (int kk = 0; kk < steps; kk++) {
                sum += aTile[lr * TILE + kk] * bTile[kk * TILE + lc];
            }
            ctx.localBarrier();
        }
        if (i < m && j < n) {
            float v = alpha * sum;
            int ci = cOff + i * ldc + j;
            c[ci] = beta == 0f ? v : v + beta * c[ci];
        }
    }

    /** {@code x} rounded up to a multiple of {@link #TILE}. */
    public static long roundUp(long x) {
        return (x + TILE - 1) / TILE * TILE;
    }
}
