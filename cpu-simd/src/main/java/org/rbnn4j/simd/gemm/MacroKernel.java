package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

/**
 * One cache block of the SGEMM: {@code C[0:mc, 0:nc] (+)= alpha * A[0:mc, 0:kc] * B[0:kc, 0:nc]}
 * (overwriting C, or adding to it when {@code accumulate}), swept as
 * register tiles. The outer loop walks the {@code MR}-row slivers of A (each stays in L1 while it is used), the inner
 * loop the {@code NR}-column panels of B (the block stays in L2).
 *
 * <p>Operands are described by strides so that packed panels and matrices read in place use the same code:
 * sliver {@code s} of A starts at {@code aOff + s * aSliverStep} and its element {@code (i, p)} is at
 * {@code + i * aRowStride + p * aColStride}; panel {@code q} of B starts at {@code bOff + q * bPanelStep} and its
 * row {@code p} at {@code + p * bRowStride}. Partial slivers/panels (at the block edges) must be zero-padded
 * packed ones: the kernel always reads a full tile.
 */
public final class MacroKernel {
    private MacroKernel() {
    }

    public static void block(int mc, int nc, int kc, float alpha, boolean accumulate,
                             float[] a, int aOff, int aRowStride, int aColStride, int aSliverStep,
                             float[] b, int bOff, int bRowStride, int bPanelStep,
                             float[] c, int cOff, int ldc, float[] tile) {
        for (int ir = 0, s = 0; ir < mc; ir += MR, s++) {
            int mr = Math.min(MR, mc - ir);
            int aSliver = aOff + s * aSliverStep;
            int cRow = cOff + ir * ldc;
            for (int jr = 0, q = 0; jr < nc; jr += NR, q++) {
                tile(kc, alpha, accumulate, a, aSliver, aRowStride, aColStride, b, bOff + q * bPanelStep, bRowStride,
                        c, cRow + jr, ldc, mr, Math.min(NR, nc - jr), tile);
            }
        }
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
