package org.rbnn4j.simd.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.compute.kernels.StandardisationReference;
import org.rbnn4j.simd.SimdBackend;

/**
 * The vector run standardisation equals {@link StandardisationReference} bit for bit, with 8 and with 4 double lanes
 * (both run on any x86 with AVX2), over lengths around the vector widths, offsets, aliasing outputs, constant runs,
 * signed zeros and every surrogate family the SPI is used with.
 */
class RunStandardisationTest {
    private static final int[] LENGTHS = {2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1031, 16384};

    private static float[] values(SplittableRandom rnd, int length, float offset) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            int kind = rnd.nextInt(20);
            a[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? 1f : offset + (float) rnd.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 4})
    void standardiseEqualsTheReference(int lanes) {
        SplittableRandom rnd = new SplittableRandom(lanes);
        for (int len : LENGTHS) {
            int off = rnd.nextInt(5);
            float[] x = values(rnd, off + len + 3, 0.3f);
            float[] xhatRef = new float[len + 7];
            float[] signsRef = new float[len + 7];
            float invRef = StandardisationReference.standardise(x, off, len, xhatRef, signsRef, 2);
            float[] xhat = new float[len + 7];
            float[] signs = new float[len + 7];
            float inv = RunStandardisation.standardise(lanes, x, off, len, xhat, signs, 2);
            assertThat(inv).as("invStd len %d", len).isEqualTo(invRef);
            assertThat(xhat).as("xhat len %d", len).containsExactly(xhatRef);
            assertThat(signs).as("signs len %d", len).containsExactly(signsRef);
            assertThat(RunStandardisation.mean(lanes, x, off, len)).isEqualTo(StandardisationReference.mean(x, off, len));

            // Signs only, written over an xhat buffer (the evaluation path), and no signs at all.
            float[] both = new float[len + 7];
            RunStandardisation.standardise(lanes, x, off, len, both, both, 2);
            assertThat(both).as("aliased signs len %d", len).containsExactly(signsRef);
            float[] onlyXhat = new float[len + 7];
            RunStandardisation.standardise(lanes, x, off, len, onlyXhat, null, 2);
            assertThat(onlyXhat).as("xhat only len %d", len).containsExactly(xhatRef);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 4})
    void constantRunsGiveZeroInverseStd(int lanes) {
        float[] x = new float[40];
        java.util.Arrays.fill(x, 2.5f);
        float[] xhat = new float[40];
        float[] signs = new float[40];
        assertThat(RunStandardisation.standardise(lanes, x, 0, 40, xhat, signs, 0)).isZero();
        assertThat(xhat).containsOnly(0f);
        assertThat(signs).containsOnly(1f);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 4})
    void signBackwardEqualsTheReference(int lanes) {
        SplittableRandom rnd = new SplittableRandom(10 + lanes);
        float t = 1.7f;
        float[][] surrogates = {
            {(float) (Math.sqrt(2.0) * t), t * t, 1f}, // RBNN
            {2f, 2f, 1f},                               // approx_sign
            {1f, 0f, 1f},                               // identity
            {(float) Math.sqrt(2.0) * 0.3f, 0.09f, 3.3f} // weights-like t < 1, k > 1
        };
        for (int len : LENGTHS) {
            for (float[] s : surrogates) {
                int xOff = rnd.nextInt(4);
                int gOff = rnd.nextInt(4);
                float[] xhat = values(rnd, xOff + len, 0f);
                float[] grad = values(rnd, gOff + len + 2, 0f);
                float inv = 0.5f + rnd.nextFloat();
                float[] expected = grad.clone();
                StandardisationReference.signBackward(xhat, xOff, len, inv, s[0], s[1], s[2], expected, gOff);
                float[] actual = grad.clone();
                RunStandardisation.signBackward(lanes, xhat, xOff, len, inv, s[0], s[1], s[2], actual, gOff);
                assertThat(actual).as("len %d surrogate %s", len, java.util.Arrays.toString(s)).containsExactly(expected);
            }
        }
    }

    @Test
    void backendOperationsEqualTheScalarBackend() {
        ScalarBackend reference = new ScalarBackend();
        SplittableRandom rnd = new SplittableRandom(99);
        int runs = 5;
        int len = 1000;
        float[] x = values(rnd, runs * len, -0.7f);
        float[] xhatRef = new float[runs * len];
        float[] signsRef = new float[runs * len];
        float[] invRef = new float[runs];
        reference.standardiseRuns(x, runs, len, xhatRef, signsRef, invRef);
        float[] gradRef = values(rnd, runs * len, 0f);
        float[] gradSimd = gradRef.clone();
        reference.standardiseRunsSignBackward(xhatRef, runs, len, invRef, 1.5f, 1.1f, 1f, gradRef);
        try (SimdBackend simd = SimdBackend.create(2)) {
            float[] xhat = new float[runs * len];
            float[] signs = new float[runs * len];
            float[] inv = new float[runs];
            simd.standardiseRuns(x, runs, len, xhat, signs, inv);
            assertThat(inv).containsExactly(invRef);
            assertThat(xhat).containsExactly(xhatRef);
            assertThat(signs).containsExactly(signsRef);
            simd.standardiseRunsSignBackward(xhat, runs, len, inv, 1.5f, 1.1f, 1f, gradSimd);
            assertThat(gradSimd).containsExactly(gradRef);
        }
    }
}
