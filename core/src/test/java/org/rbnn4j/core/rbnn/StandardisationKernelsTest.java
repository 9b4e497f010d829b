package org.rbnn4j.core.rbnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StandardisationKernelsTest {

    @Test
    void standardisedRunsHaveZeroMeanAndUnbiasedUnitStd() {
        float[] x = RotationTest.gaussian(50, 1);
        for (int i = 0; i < x.length; i++) {
            x[i] = 3f + 2f * x[i];
        }
        float[] out = new float[60];
        float inv = StandardisationKernels.standardise(x, 0, 50, out, 10);
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < 50; i++) {
            mean += out[10 + i];
            sq += (double) out[10 + i] * out[10 + i];
        }
        assertThat(mean / 50).isCloseTo(0.0, within(1e-6));
        assertThat(sq / 49).as("unbiased variance").isCloseTo(1.0, within(1e-5));
        assertThat(inv).isPositive();
        assertThat(out[0]).isZero();
    }

    @Test
    void aConstantRunGivesZerosInsteadOfNaN() {
        float[] x = {2f, 2f, 2f, 2f};
        float[] out = new float[4];
        assertThat(StandardisationKernels.standardise(x, 0, 4, out, 0)).isZero();
        assertThat(out).containsOnly(0f);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        // L(x) = sum_i g_i * xhat_i(x): dL/dx from the kernel against central differences in double care.
        int len = 27;
        float[] x = RotationTest.gaussian(len, 2);
        float[] g = RotationTest.gaussian(len, 3);
        float[] xhat = new float[len];
        float inv = StandardisationKernels.standardise(x, 0, len, xhat, 0);
        float[] dx = new float[len];
        StandardisationKernels.backward(g, 0, xhat, 0, len, inv, dx, 0);
        double eps = 1e-2;
        double scale = 0;
        for (float v : dx) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < len; i++) {
            float keep = x[i];
            x[i] = (float) (keep + eps);
            double plus = loss(x, g);
            x[i] = (float) (keep - eps);
            double minus = loss(x, g);
            x[i] = keep;
            double fd = (plus - minus) / (2 * eps);
            assertThat((double) dx[i]).as("dL/dx[%d]", i).isCloseTo(fd, within(1e-2 * scale));
        }
    }

    @Test
    void backwardMayWriteOverItsGradientInput() {
        float[] x = RotationTest.gaussian(20, 4);
        float[] g = RotationTest.gaussian(20, 5);
        float[] xhat = new float[20];
        float inv = StandardisationKernels.standardise(x, 0, 20, xhat, 0);
        float[] separate = new float[20];
        StandardisationKernels.backward(g, 0, xhat, 0, 20, inv, separate, 0);
        StandardisationKernels.backward(g, 0, xhat, 0, 20, inv, g, 0);
        assertThat(g).containsExactly(separate);
    }

    private static double loss(float[] x, float[] g) {
        // Double-precision standardisation for the reference side of the finite difference.
        int n = x.length;
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= n;
        double sq = 0;
        for (float v : x) {
            sq += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(sq / (n - 1));
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += g[i] * (x[i] - mean) / std;
        }
        return sum;
    }

    @Test
    void sumsDoNotDependOnTheRunOffset() {
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[100];
        for (int i = 0; i < 100; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] a = new float[50];
        float[] b = new float[50];
        float[] shifted = new float[150];
        System.arraycopy(x, 50, shifted, 100, 50);
        StandardisationKernels.standardise(x, 50, 50, a, 0);
        StandardisationKernels.standardise(shifted, 100, 50, b, 0);
        assertThat(a).containsExactly(b);
    }
}
