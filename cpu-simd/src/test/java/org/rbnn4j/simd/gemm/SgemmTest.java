package org.rbnn4j.simd.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rbnn4j.simd.TestArrays.assertCloseToReference;
import static org.rbnn4j.simd.TestArrays.random;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.kernels.GemmReference;
import org.rbnn4j.simd.concurrent.WorkerPool;

class SgemmTest {
    private static WorkerPool twoThreads;

    @BeforeAll
    static void startPool() {
        twoThreads = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        twoThreads.close();
    }

    /** One case: shapes, transposes, scalars and padded leading dimensions / offsets, against the reference. */
    private static void check(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float beta, WorkerPool pool) {
        int lda = (transA ? m : k) + rnd.nextInt(3);
        int ldb = (transB ? k : n) + rnd.nextInt(3);
        int ldc = n + rnd.nextInt(3);
        int aOff = rnd.nextInt(4);
        int bOff = rnd.nextInt(4);
        int cOff = rnd.nextInt(4);
        float[] a = random(rnd, aOff + lda * (transA ? k : m));
        float[] b = random(rnd, bOff + ldb * (transB ? n : k));
        float[] c0 = random(rnd, cOff + ldc * m);
        if (beta == 0f) {
            Arrays.fill(c0, Float.NaN); // beta == 0 must not read C
        }
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        if (pool == null) {
            Sgemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
        } else {
            Sgemm.multiply(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
        }
        String what = "sgemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " threads=" + (pool == null ? 1 : pool.threads());
        // Elements outside the C window (padding of ldc, the offset) must be untouched.
        for (int i = 0; i < actual.length; i++) {
            int rel = i - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertThat(Float.floatToRawIntBits(actual[i])).as(what + " outside C at " + i)
                        .isEqualTo(Float.floatToRawIntBits(c0[i]));
            }
        }
        assertCloseToReference(what, actual, expected, 1e-5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void matchesReferenceOnAwkwardShapesAllTransposes(int threads) {
        SplittableRandom rnd = new SplittableRandom(42 + threads);
        WorkerPool pool = threads == 1 ? null : twoThreads;
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {8, 32, 16}, {9, 33, 17}, {17, 47, 31}, {7, 100, 200},
                {40, 70, 50}, {64, 64, 64}, {13, 129, 401},
                // at most one vector wide: the 16-row narrow kernel, full and ragged
                {40, 16, 33}, {35, 9, 20}, {64, 16, 300}, {16, 1, 5}};
        float[][] scalars = {{1f, 0f}, {0.5f, 1f}, {-1.5f, 0.25f}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                float[] ab = scalars[(t + s[0]) % scalars.length];
                check(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], pool);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void matchesReferenceAcrossCacheBlocks(int threads) {
        // Depth beyond KC, columns beyond NC and rows beyond MC exercise every blocking loop and the accumulation
        // of depth blocks into C.
        SplittableRandom rnd = new SplittableRandom(7 + threads);
        WorkerPool pool = threads == 1 ? null : twoThreads;
        int m = GemmBlocking.MC + 13;
        int n = GemmBlocking.NC + 37;
        int k = GemmBlocking.KC + 21;
        check(rnd, false, false, m, n, k, 1f, 0f, pool);
        check(rnd, true, true, m, n, k, 0.75f, -0.5f, pool);
        check(rnd, false, true, 19, 2 * GemmBlocking.NC + 5, 2 * GemmBlocking.KC + 3, 1f, 1f, pool);
        check(rnd, true, false, GemmBlocking.MC + 1, 40, k, -2f, 0f, pool);
        // Few rows: full panels of B are read in place, the ragged last panel packed.
        check(rnd, false, false, Sgemm.IN_PLACE_B_MAX_M - 3, n, k, 1f, 0.5f, pool);
        check(rnd, true, false, Sgemm.IN_PLACE_B_MAX_M, n + 2, k, 1f, 1f, pool);
    }

    @Test
    void zeroDepthScalesC() {
        float[] c = {1f, 2f, 3f, 4f};
        Sgemm.multiply(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertThat(c).containsExactly(0.5f, 1f, 1.5f, 2f);
        Sgemm.multiply(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(0f, 0f, 0f, 0f);
    }

    @Test
    void prepackedOperandsMatchReference() {
        SplittableRandom rnd = new SplittableRandom(3);
        int m = 21;
        int n = 75;
        int k = GemmBlocking.KC + 9;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        int slivers = (m + GemmBlocking.MR - 1) / GemmBlocking.MR;
        int panels = (n + GemmBlocking.NR - 1) / GemmBlocking.NR;
        float[] pa = new float[slivers * k * GemmBlocking.MR];
        float[] pb = new float[panels * k * GemmBlocking.NR];
        Packing.packA(false, a, 0, k, 0, 0, m, k, pa, 0, k * GemmBlocking.MR);
        Packing.packB(false, b, 0, n, 0, 0, k, n, pb, 0, k * GemmBlocking.NR);
        float[] expected = random(rnd, m * n);
        float[] actual = expected.clone();
        GemmReference.sgemm(false, false, m, n, k, 2f, a, 0, k, b, 0, n, 0.5f, expected, 0, n);
        Sgemm.multiplyPacked(m, n, k, 2f, pa, 0, 1, GemmBlocking.MR, k * GemmBlocking.MR, pb, 0, k * GemmBlocking.NR, 0.5f, actual, 0, n);
        assertCloseToReference("multiplyPacked", actual, expected, 1e-5);
    }
}
