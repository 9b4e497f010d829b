package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.LANES;
import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

/**
 * One cache block of the SGEMM: {@code C[0:mc, 0:nc] (+)= alpha * A[0:mc, 0:kc] * B[0:kc, 0:nc]} (overwriting C, or
 * adding to it when {@code accumulate}), swept as register tiles. The outer loop walks the {@code MR}-row slivers of
 * A (each stays in L1 while it is used), the inner loop the {@code NR}-column panels of B (the block stays in L2).
 * A block at most one vector wide goes to the 16-row {@link Kernel16x1} instead.
 *
 * <p>Operands are described by strides so that packed panels and matrices read in place use the same code:
 * sliver {@code s} of A starts at {@code aOff + s * aSliverStep} and its element {@code (i, p)} is at
 * {@code + i * aRowStride + p * aColStride}; panel {@code q} of B starts at {@code bOff + q * bPanelStep} and its
 * row {@code p} at {@code + p * bRowStride}. Partial slivers/panels (at the block edges) must be zero-padded
 * packed ones: the kernel always reads a full tile.
 */
public final class MacroKernel {
    /** The 16 x 1-vector kernel needs 18 vector registers: only with 16-lane (AVX-512) vectors. */
    private static final boolean NARROW = LANES >= 16 && MR == 8;

    private MacroKernel() {
    }

    public static void block(int mc, int nc, int kc, float alpha, boolean accumulate,
                             float[] a, int aOff, int aRowStride, int aColStride, int aSliverStep,
                             float[] b, int bOff, int bRowStride, int bPanelStep,
                             float[] c, int cOff, int ldc, float[] tile) {
        int first = 0;
        if (NARROW && nc <= LANES && mc >= Kernel16x1.ROWS) {
            // One vector covers the width: 16-row tiles keep every FMA useful (8 x 2-vector tiles would be half zero).
            first = blockNarrow(mc, nc, kc, alpha, accumulate, a, aOff, aRowStride, aColStride, aSliverStep,
                    b, bOff, bRowStride, c, cOff, ldc, tile);
        }
        for (int ir = first, s = first / MR; ir < mc; ir += MR, s++) {
            int mr = Math.min(MR, mc - ir);
            int aSliver = aOff + s * aSliverStep;
            int cRow = cOff + ir * ldc;
            for (int jr = 0, q = 0; jr < nc; jr += NR, q++) {
                tile(kc, alpha, accumulate, a, aSliver, aRowStride, aColStride, b, bOff + q * bPanelStep, bRowStride,
                        c, cRow + jr, ldc, mr, Math.min(NR, nc - jr), tile);
            }
        }
    }

    /**
     * Rows {@code [0, 16 * floor(mc / 16))} of a block at most one vector wide with {@link Kernel16x1}; returns the
     * first row left for the regular kernels. A 16-row tile spans two MR slivers, which are adjacent in every A
     * layout handled here (sliver step = 8 rows), so it is read with the same row/column strides.
     */
    private static int blockNarrow(int mc, int nc, int kc, float alpha, boolean accumulate,
                                   float[] a, int aOff, int aRowStride, int aColStride, int aSliverStep,
                                   float[] b, int bOff, int bRowStride,
                                   float[] c, int cOff, int ldc, float[] tile) {
        int rows = mc / Kernel16x1.ROWS * Kernel16x1.ROWS;
        if (aSliverStep != MR * aRowStride) {
            return 0; // packed slivers (row stride 1, sliver step kc * MR): rows 8..15 are not at stride 1 from row 0
        }
        for (int ir = 0; ir < rows; ir += Kernel16x1.ROWS) {
            int aTile = aOff + (ir / MR) * aSliverStep;
            int cTile = cOff + ir * ldc;
            if (nc == LANES) {
                if (accumulate) {
                    Kernel16x1.accumulate(kc, a, aTile, aRowStride, aColStride, b, bOff, bRowStride, c, cTile, ldc, alpha);
                } else {
                    Kernel16x1.overwrite(kc, a, aTile, aRowStride, aColStride, b, bOff, bRowStride, c, cTile, ldc, alpha);
                }
            } else {
                Kernel16x1.overwrite(kc, a, aTile, aRowStride, aColStride, b, bOff, bRowStride, tile, 0, LANES, alpha);
                for (int i = 0; i < Kernel16x1.ROWS; i++) {
                    int row = cTile + i * ldc;
                    for (int j = 0; j < nc; j++) {
                        c[row + j] = accumulate ? c[row + j] + tile[i * LANES + j] : tile[i * LANES + j];
                    }
                }
            }
        }
        return rows;
    }

    private static void tile(int kc, float alpha, boolean accumulate,
                             float[] a, int aSliver, int aRowStride, int aColStride,
                             float[] b, int bPanel, int bRowStride,
                             float[] c, int cTile, int ldc, int mr, int nr, float[] tile) {
        if (mr == MR && nr == NR) {
            if (accumulate) {
                MicroKernel.multiplyAccumulate(kc, a, aSliver, aRowStride, aColStride, b, bPanel, bRowStride,
                        c, cTile, ldc, alpha);
            } else {
                MicroKernel.multiplyOverwrite(kc, a, aSliver, aRowStride, aColStride, b, bPanel, bRowStride,
                        c, cTile, ldc, alpha);
            }
        } else {
            MicroKernel.multiplyEdge(kc, a, aSliver, aRowStride, aColStride, b, bPanel, bRowStride,
                    c, cTile, ldc, alpha, accumulate, mr, nr, tile);
        }
    }
}
