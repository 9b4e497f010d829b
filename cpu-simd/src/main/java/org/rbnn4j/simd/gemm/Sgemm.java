package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.KC;
import static org.rbnn4j.simd.gemm.GemmBlocking.MC;
import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NC;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;
import static org.rbnn4j.simd.gemm.GemmBlocking.roundUp;

import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.concurrent.ScratchArrays.Slot;
import org.rbnn4j.simd.concurrent.WorkerPool;

/**
 * Blocked SGEMM, {@code C = alpha * op(A) * op(B) + beta * C} with the semantics of
 * {@link org.rbnn4j.core.compute.ComputeBackend#sgemm}: row-major, {@code beta == 0} never reads C.
 *
 * <p>Loop nest (Goto / BLIS): columns in blocks of {@link GemmBlocking#NC}, depth in blocks of
 * {@link GemmBlocking#KC} (B block packed into L2-sized panels), rows in blocks of {@link GemmBlocking#MC}, then
 * {@link MacroKernel}. Full 8-row slivers of A are read in place (both orientations give the kernel a fixed stride,
 * and an 8 x KC sliver sits in L1 while it is reused across the whole B block), so only B and the last partial
 * sliver of A are copied ({@code rbnn.gemm.packA=true} packs every sliver instead, for experiments). When A has
 * at most {@code IN_PLACE_B_MAX_M} rows, full panels of a non-transposed B are read in place as well.
 *
 * <p>In parallel the C matrix is cut into slabs that run the serial algorithm: along N when A is the smaller operand
 * (every slab reads all of A in place and packs its own columns of B),
 * along M otherwise (one slab per thread, each packing all of the small B).
 */
public final class Sgemm {
    /** Below this many flops a parallel call runs on the calling thread only (thread hand-off costs ~10-50 us). */
    static final long PARALLEL_MIN_FLOPS = 2_000_000L;
    /** Smallest column slab worth scheduling on its own. */
    private static final long SLAB_MIN_FLOPS = 4_000_000L;
    /**
     * Column slabs per thread. More than one lets dynamic scheduling even out a slower (shared) core, but each slab
     * re-reads A: measured on a quiet 2-core Zen 4, 1 slab/thread gave 150-200 GFLOP/s on the standard shapes, 2 or 4
     * gave 5-20% less. Tunable with {@code rbnn.gemm.slabsPerThread}.
     */
    private static final int SLABS_PER_THREAD = Math.max(1, Integer.getInteger("rbnn.gemm.slabsPerThread", 1));
    private static final boolean ALWAYS_PACK_A = Boolean.getBoolean("rbnn.gemm.packA");
    /**
     * Up to this many rows B is read in place rather than packed: with few slivers of A each B panel is used only a
     * few times, so the copy does not pay (measured: 32x288x4096 at ~100 instead of ~80 GFLOP/s); with more rows the
     * packed, L2-resident block wins (and avoids cache-set conflicts of power-of-two leading dimensions).
     */
    static final int IN_PLACE_B_MAX_M = Integer.getInteger("rbnn.gemm.inPlaceBMaxM", 32);

    private Sgemm() {
    }

    /** Serial SGEMM on the calling thread. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (beta != 0f && beta != 1f) {
            scale(m, n, beta, c, cOff, ldc); // the kernels only overwrite or add
        }
        int kcMax = Math.min(KC, k);
        float[] pb = ScratchArrays.get(Slot.GEMM_PACKED_B, kcMax * roundUp(Math.min(NC, n), NR));
        float[] pa = ScratchArrays.get(Slot.GEMM_PACKED_A, kcMax * MR);
        float[] tile = ScratchArrays.get(Slot.GEMM_EDGE_TILE, MR * NR);
        // Rows 64 KiB apart or a multiple of that land in few cache sets: such a B was measured to collapse at times
        // (20 instead of 80 GFLOP/s at 16 x 144 x 16384), so it is packed whatever m.
        boolean bInPlace = !transB && m <= IN_PLACE_B_MAX_M && ldb % (1 << 14) != 0;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean accumulate = pc > 0 || beta != 0f;
                // Full panels of B read in place; the rest (or everything) packed.
                int inPlace = bInPlace ? nc / NR * NR : 0;
                if (inPlace > 0) {
                    blockRows(transA, m, inPlace, kc, pc, alpha, accumulate, a, aOff, lda,
                            b, bOff + pc * ldb + jc, ldb, NR, c, cOff + jc, ldc, pa, tile);
                }
                if (inPlace < nc) {
                    Packing.packB(transB, b, bOff, ldb, pc, jc + inPlace, kc, nc - inPlace, pb, 0, kc * NR);
                    blockRows(transA, m, nc - inPlace, kc, pc, alpha, accumulate, a, aOff, lda,
                            pb, 0, NR, kc * NR, c, cOff + jc + inPlace, ldc, pa, tile);
                }
            }
        }
    }

    /**
     * {@code C[:, block] (+)= alpha * A[:, pc:pc+kc] * B-block} for all rows, in blocks of {@link GemmBlocking#MC}:
     * full slivers of A read in place, the last partial one packed.
     */
    private static void blockRows(boolean transA, int m, int nc, int kc, int pc, float alpha, boolean accumulate,
                                  float[] a, int aOff, int lda, float[] b, int bStart, int bRowStride, int bPanelStep,
                                  float[] c, int cStart, int ldc, float[] pa, float[] tile) {
        for (int ic = 0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            int cBlock = cStart + ic * ldc;
            int inPlace = ALWAYS_PACK_A ? 0 : mc / MR * MR;
            if (inPlace > 0) {
                if (transA) {
                    MacroKernel.block(inPlace, nc, kc, alpha, accumulate, a, aOff + pc * lda + ic, 1, lda, MR,
                            b, bStart, bRowStride, bPanelStep, c, cBlock, ldc, tile);
                } else {
                    MacroKernel.block(inPlace, nc, kc, alpha, accumulate, a, aOff + ic * lda + pc, lda, 1, MR * lda,
                            b, bStart, bRowStride, bPanelStep, c, cBlock, ldc, tile);
                }
            }
            // Remaining rows sliver by sliver (one packed sliver at a time keeps the buffer at KC x MR).
            for (int ir = inPlace; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                Packing.packA(transA, a, aOff, lda, ic + ir, pc, mr, kc, pa, 0, kc * MR);
                MacroKernel.block(mr, nc, kc, alpha, accumulate, pa, 0, 1, MR, kc * MR,
                        b, bStart, bRowStride, bPanelStep, c, cBlock + ir * ldc, ldc, tile);
            }
        }
    }

    /** SGEMM spread over {@code pool} (serial when the call is small or already inside a parallel loop). */
    public static void multiply(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        int threads = pool.effectiveThreads();
        long flops = 2L * m * n * k;
        int rowSlivers = (m + MR - 1) / MR;
        int colPanels = (n + NR - 1) / NR;
        if (threads == 1 || flops < PARALLEL_MIN_FLOPS || (rowSlivers < 2 && colPanels < 2)) {
            multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // Split the dimension whose operand is the bigger one: the other operand is read by every slab.
        boolean splitColumns = colPanels >= threads ? (m <= n || rowSlivers < threads) : colPanels >= rowSlivers;
        // Column slabs (SLABS_PER_THREAD per thread, taken dynamically); row slabs each pack all of B: one per thread.
        int parts = splitColumns
                ? (int) Math.min(colPanels, Math.max(threads, Math.min((long) SLABS_PER_THREAD * threads, flops / SLAB_MIN_FLOPS)))
                : Math.min(threads, rowSlivers);
        pool.parallelFor(parts, t -> {
            if (splitColumns) {
                int j0 = WorkerPool.splitPoint(n, parts, t, NR);
                int j1 = WorkerPool.splitPoint(n, parts, t + 1, NR);
                int bStart = transB ? bOff + j0 * ldb : bOff + j0;
                multiply(transA, transB, m, j1 - j0, k, alpha, a, aOff, lda, b, bStart, ldb, beta, c, cOff + j0, ldc);
            } else {
                int i0 = WorkerPool.splitPoint(m, parts, t, MR);
                int i1 = WorkerPool.splitPoint(m, parts, t + 1, MR);
                int aStart = transA ? aOff + i0 : aOff + i0 * lda;
                multiply(transA, transB, i1 - i0, n, k, alpha, a, aStart, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            }
        });
    }

    /**
     * Serial product of a strided A and a B packed over its whole depth {@code k}, used by the convolutions (which
     * pack weights once and write im2col output straight into panels).
     *
     * <p>Element {@code (i, p)} of A is {@code a[aOff + (i / MR) * aSliverStep + (i % MR) * aRowStride + p * aColStride]}
     * (a packed A: {@code 1, MR, k * MR}; a row-major one read in place: {@code lda, 1, MR * lda}); every sliver must
     * be readable for all {@code MR} rows (rows past {@code m} are computed and discarded). Panel {@code q} of B starts
     * at {@code pb[pbOff + q * pbPanelStride]} with element {@code (p, j)} at {@code + p * NR + j}, zero-padded to full
     * panels.
     */
    public static void multiplyPacked(int m, int n, int k, float alpha,
                                      float[] a, int aOff, int aRowStride, int aColStride, int aSliverStep,
                                      float[] pb, int pbOff, int pbPanelStride,
                                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (beta != 0f && beta != 1f) {
            scale(m, n, beta, c, cOff, ldc);
        }
        float[] tile = ScratchArrays.get(Slot.GEMM_EDGE_TILE, MR * NR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean accumulate = pc > 0 || beta != 0f;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    MacroKernel.block(mc, nc, kc, alpha, accumulate,
                            a, aOff + (ic / MR) * aSliverStep + pc * aColStride, aRowStride, aColStride, aSliverStep,
                            pb, pbOff + (jc / NR) * pbPanelStride + pc * NR, NR, pbPanelStride,
                            c, cOff + ic * ldc + jc, ldc, tile);
                }
            }
        }
    }

    /** {@code C = beta * C} ({@code beta == 0} writes zeros without reading). */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }
}
