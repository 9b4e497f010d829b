package org.rbnn4j.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

/** Random inputs and tolerant comparisons of fast kernels against the scalar reference. */
public final class TestArrays {
    private TestArrays() {
    }

    /** Uniform values in [-1, 1). */
    public static float[] random(SplittableRandom random, int length) {
        float[] a = new float[length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Largest finite magnitude (NaNs, e.g. deliberately poisoned padding, are ignored). */
    public static float maxAbs(float[] a) {
        float m = 0f;
        for (float v : a) {
            if (Float.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /**
     * Asserts {@code |actual[i] - expected[i]| <= relTol * max(1e-6, max|expected|)} for every element: sums computed
     * in another order differ by rounding relative to the magnitude of the whole result, not of each element.
     */
    public static void assertCloseToReference(String what, float[] actual, float[] expected, double relTol) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        double tol = relTol * Math.max(1e-6, maxAbs(expected));
        int worst = -1;
        double worstErr = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= tol) && !(Float.isNaN(actual[i]) && Float.isNaN(expected[i])) && actual[i] != expected[i]) {
                if (worst < 0 || !(err <= worstErr)) {
                    worst = i;
                    worstErr = err;
                }
            }
        }
        if (worst >= 0) {
            throw new AssertionError(what + ": element " + worst + " is " + actual[worst] + ", reference "
                    + expected[worst] + " (error " + worstErr + " > tolerance " + tol + ")");
        }
    }

    /** Asserts equal bit patterns (NaN equals NaN, -0 differs from +0), reporting the first difference. */
    public static void assertBitIdentical(String what, float[] actual, float[] expected) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        int i = java.util.Arrays.mismatch(actual, expected);
        if (i >= 0) {
            throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i]);
        }
    }
}
