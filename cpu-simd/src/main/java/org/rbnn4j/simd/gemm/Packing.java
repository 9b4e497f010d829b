package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.LANES;
import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of A and B into the panel layouts the {@link MicroKernel} reads.
 *
 * <ul>
 *   <li>Packed A: slivers of {@link GemmBlocking#MR} rows; element {@code (i, p)} of the block at
 *       {@code (i / MR) * panelStride + p * MR + i % MR}; rows past {@code mc} are zero.</li>
 *   <li>Packed B: panels of {@link GemmBlocking#NR} columns; element {@code (p, j)} at
 *       {@code (j / NR) * panelStride + p * NR + j % NR}; columns past {@code nc} are zero.</li>
 * </ul>
 * {@code panelStride} is normally {@code kc * MR} (resp. {@code kc * NR}); a larger one lets a caller keep panels
 * of the whole depth and address a depth block by offset (convolution weights are packed once that way).
 */
public final class Packing {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;

    private Packing() {
    }

    /**
     * Packs rows {@code [i0, i0 + mc)} and depth {@code [p0, p0 + kc)} of {@code op(A)} (row-major {@code a} with
     * leading dimension {@code lda}, transposed when {@code transA}).
     */
    public static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int p0, int mc, int kc,
                             float[] dst, int dstOff, int panelStride) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = dstOff + (ir / MR) * panelStride;
            if (transA) {
                // op(A)(i, p) = a[p * lda + i]: each step of p is mr contiguous floats.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir;
                    int d = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        dst[d + r] = a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        dst[d + r] = 0f;
                    }
                }
            } else {
                // op(A)(i, p) = a[i * lda + p]: read each row sequentially, write with stride MR.
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (i0 + ir + r) * lda + p0;
                    int d = base + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * MR] = a[src + p];
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + r + p * MR] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs depth {@code [p0, p0 + kc)} and columns {@code [j0, j0 + nc)} of {@code op(B)} (row-major {@code b} with
     * leading dimension {@code ldb}, transposed when {@code transB}).
     */
    public static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                             float[] dst, int dstOff, int panelStride) {
        if (transB) {
            packBTransposed(b, bOff, ldb, p0, j0, kc, nc, dst, dstOff, panelStride);
            return;
        }
        int full = nc / NR;
        int rem = nc - full * NR;
        VectorMask<Float> m0 = S.indexInRange(0, rem);
        VectorMask<Float> m1 = S.indexInRange(LANES, rem);
        // Row by row: the source is streamed sequentially, the destination panels are L2-resident.
        for (int p = 0; p < kc; p++) {
            int src = bOff + (p0 + p) * ldb + j0;
            int d = dstOff + p * NR;
            for (int q = 0; q < full; q++) {
                FloatVector.fromArray(S, b, src + q * NR).intoArray(dst, d + q * panelStride);
                FloatVector.fromArray(S, b, src + q * NR + LANES).intoArray(dst, d + q * panelStride + LANES);
            }
            if (rem > 0) {
                int s = src + full * NR;
                int t = d + full * panelStride;
                FloatVector.fromArray(S, b, s, m0).intoArray(dst, t);
                FloatVector.fromArray(S, b, s + LANES, m1).intoArray(dst, t + LANES);
            }
        }
    }

    /** {@code op(B)(p, j) = b[j * ldb + p]}: each source row becomes one column of a panel. */
    private static void packBTransposed(float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc,
                                        float[] dst, int dstOff, int panelStride) {
        FloatVector zero = FloatVector.zero(S);
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = dstOff + (jr / NR) * panelStride;
            if (nr < NR) {
                // Zero the ragged panel row by row (two vector stores each) before its columns are filled in.
                for (int p = 0; p < kc; p++) {
                    zero.intoArray(dst, base + p * NR);
                    zero.intoArray(dst, base + p * NR + LANES);
                }
            }
            for (int j = 0; j < nr; j++) {
                int src = bOff + (j0 + jr + j) * ldb + p0;
                for (int p = 0; p < kc; p++) {
                    dst[base + p * NR + j] = b[src + p];
                }
            }
        }
    }
}
