package org.rbnn4j.core.rbnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RotationTest {

    static float[] gaussian(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Standardised filters, as the layer feeds the rotation. */
    static float[] standardisedFilters(int filters, int n, long seed) {
        float[] w = gaussian(filters * n, seed);
        for (int j = 0; j < filters; j++) {
            StandardisationKernels.standardise(w, j * n, n, w, j * n);
        }
        return w;
    }

    static void assertOrthogonal(float[] r, int n, double tolerance) {
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) r[i * n + p] * r[i * n + q];
                }
                assertThat(dot).as("(R^T R)[%d,%d]", p, q).isCloseTo(p == q ? 1.0 : 0.0, within(tolerance));
            }
        }
    }

    @Test
    void haarMatricesAreOrthogonalSeededAndUnbiased() {
        assertOrthogonal(RandomOrthogonal.haar(24, new SplittableRandom(3)), 24, 1e-5);
        assertThat(RandomOrthogonal.haar(9, new SplittableRandom(5))).containsExactly(RandomOrthogonal.haar(9, new SplittableRandom(5)));
        // For the Haar measure on O(3): E[trace] = 0 and E[trace^2] = 1. Without the sign correction the
        // Householder QR's Q is biased.
        SplittableRandom random = new SplittableRandom(11);
        int samples = 3000;
        double sum = 0;
        double sumSq = 0;
        for (int s = 0; s < samples; s++) {
            float[] q = RandomOrthogonal.haar(3, random);
            double tr = q[0] + q[4] + q[8];
            sum += tr;
            sumSq += tr * tr;
        }
        assertThat(sum / samples).isCloseTo(0.0, within(0.08));
        assertThat(sumSq / samples).isCloseTo(1.0, within(0.12));
    }

    @Test
    void biRotationStaysOrthogonalAndNeverDecreasesTheObjective() {
        FilterMatrixShape shape = FilterMatrixShape.of(72);
        int filters = 16;
        float[] w2 = standardisedFilters(filters, 72, 7);
        BiRotation rotation = new BiRotation(shape, new SplittableRandom(8));
        double previous = rotation.objective(w2, filters);
        double first = previous;
        for (int step = 0; step < 8; step++) {
            rotation.update(w2, filters, 1);
            double now = rotation.objective(w2, filters);
            assertThat(now).as("objective after step %d", step + 1).isGreaterThanOrEqualTo(previous - 1e-4 * previous);
            previous = now;
            assertOrthogonal(rotation.r1().data(), shape.rows(), 2e-6);
            assertOrthogonal(rotation.r2().data(), shape.cols(), 2e-6);
        }
        assertThat(previous).as("the alternating steps improve on a random rotation").isGreaterThan(first * 1.01);
    }

    @Test
    void eachHalfStepIsAProcrustesMaximumForFixedSigns() {
        // After an update with one step, the R2 half-step maximised tr(B^T R1^T X R2) over R2 for the B of that
        // step; perturbing R2 by a small rotation must not increase it.
        FilterMatrixShape shape = FilterMatrixShape.of(36);
        int filters = 8;
        float[] w2 = standardisedFilters(filters, 36, 21);
        BiRotation rotation = new BiRotation(shape, new SplittableRandom(22));
        float[] r1Before = rotation.r1().data().clone();
        float[] r2Before = rotation.r2().data().clone();
        float[] rotatedBefore = new float[filters * 36];
        rotation.rotate(w2, filters, rotatedBefore);
        float[] signs = new float[rotatedBefore.length];
        SignKernels.sign(rotatedBefore, 0, signs, 0, signs.length);
        rotation.update(w2, filters, 1);
        double best = trace(signs, rotation, w2, filters);
        assertThat(best).isGreaterThanOrEqualTo(trace(signs, new BiRotation(shape, r1Before, r2Before), w2, filters) - 1e-4);
        SplittableRandom random = new SplittableRandom(23);
        for (int trial = 0; trial < 20; trial++) {
            float[] r2 = rotation.r2().data().clone();
            float[] nudge = smallRotation(shape.cols(), random, 0.05);
            float[] nudged = multiply(r2, nudge, shape.cols());
            BiRotation other = new BiRotation(shape, rotation.r1().data(), nudged);
            assertThat(trace(signs, other, w2, filters)).isLessThanOrEqualTo(best + 1e-4);
        }
    }

    private static double trace(float[] signs, BiRotation rotation, float[] w2, int filters) {
        float[] rotated = new float[signs.length];
        rotation.rotate(w2, filters, rotated);
        double sum = 0;
        for (int i = 0; i < signs.length; i++) {
            sum += signs[i] * rotated[i];
        }
        return sum;
    }

    /** A rotation close to the identity: the Cayley-free way, Haar matrix mixed in a tiny plane. */
    private static float[] smallRotation(int n, SplittableRandom random, double angle) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1f;
        }
        int p = random.nextInt(n);
        int q = (p + 1 + random.nextInt(n - 1)) % n;
        double theta = (random.nextBoolean() ? 1 : -1) * angle;
        m[p * n + p] = (float) Math.cos(theta);
        m[q * n + q] = (float) Math.cos(theta);
        m[p * n + q] = (float) -Math.sin(theta);
        m[q * n + p] = (float) Math.sin(theta);
        return m;
    }

    private static float[] multiply(float[] a, float[] b, int n) {
        float[] c = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += (double) a[i * n + k] * b[k * n + j];
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    @Test
    void biRotationEqualsTheFullRotationByTheKroneckerProduct() {
        FilterMatrixShape shape = FilterMatrixShape.of(72);
        int filters = 5;
        float[] w2 = standardisedFilters(filters, 72, 31);
        BiRotation bi = new BiRotation(shape, new SplittableRandom(32));
        bi.update(w2, filters, 3);
        float[] kron = bi.toFullMatrix();
        assertOrthogonal(kron, 72, 1e-5);
        FullRotation full = new FullRotation(72, kron);
        float[] viaBi = new float[filters * 72];
        float[] viaFull = new float[filters * 72];
        bi.rotate(w2, filters, viaBi);
        full.rotate(w2, filters, viaFull);
        for (int i = 0; i < viaBi.length; i++) {
            assertThat(viaFull[i]).isCloseTo(viaBi[i], within(1e-5f));
        }
        // And explicitly: kron[(q,r),(p,c)] = R1[q,p] * R2[r,c].
        float[] r1 = bi.r1().data();
        float[] r2 = bi.r2().data();
        assertThat(kron[(2 * 9 + 4) * 72 + (5 * 9 + 7)]).isEqualTo(r1[2 * 8 + 5] * r2[4 * 9 + 7]);
    }

    @Test
    void fullRotationStaysOrthogonalAndNeverDecreasesTheObjective() {
        int n = 36;
        int filters = 12;
        float[] w2 = standardisedFilters(filters, n, 41);
        FullRotation rotation = new FullRotation(n, new SplittableRandom(42));
        double previous = rotation.objective(w2, filters);
        double first = previous;
        for (int step = 0; step < 5; step++) {
            rotation.update(w2, filters, 1);
            double now = rotation.objective(w2, filters);
            assertThat(now).isGreaterThanOrEqualTo(previous - 1e-4 * previous);
            previous = now;
            assertOrthogonal(rotation.matrix().data(), n, 2e-6);
        }
        assertThat(previous).isGreaterThan(first * 1.01);
    }

    @Test
    void anUpdateAllocatesItsWorkOnceAndRepeatsDeterministically() {
        FilterMatrixShape shape = FilterMatrixShape.of(144);
        float[] w2 = standardisedFilters(16, 144, 51);
        BiRotation a = new BiRotation(shape, new SplittableRandom(52));
        BiRotation b = new BiRotation(shape, new SplittableRandom(52));
        a.update(w2, 16, 3);
        b.update(w2, 16, 3);
        assertThat(a.r1().data()).containsExactly(b.r1().data());
        assertThat(a.r2().data()).containsExactly(b.r2().data());
    }

    @Test
    void rowOrientedDriversEqualTheElementDefinitionsBitForBit() {
        int a = 8;
        int b = 9;
        int filters = 3;
        int n = a * b;
        float[] x = gaussian(filters * n, 61);
        float[] r1 = RandomOrthogonal.haar(a, new SplittableRandom(62));
        float[] r2 = RandomOrthogonal.haar(b, new SplittableRandom(63));
        float[] rows = new float[filters * n];
        float[] rows2 = new float[filters * n];
        float[] rows3 = new float[filters * n];
        for (int j = 0; j < filters; j++) {
            RotationKernels.rightMultiply(x, j * n, r2, a, b, rows, j * n);
            RotationKernels.transposedLeftMultiply(r1, a, rows, j * n, b, rows2, j * n);
            RotationKernels.leftMultiply(r1, a, x, j * n, b, rows3, j * n);
            for (int p = 0; p < a; p++) {
                for (int c = 0; c < b; c++) {
                    int i = j * n + p * b + c;
                    assertThat(rows[i]).isEqualTo(RotationKernels.rightMultiplyAt(x, j * n, r2, b, p, c));
                    assertThat(rows2[i]).isEqualTo(RotationKernels.transposedLeftMultiplyAt(r1, a, rows, j * n, b, p, c));
                    assertThat(rows3[i]).isEqualTo(RotationKernels.leftMultiplyAt(r1, a, x, j * n, b, p, c));
                }
            }
        }
        float[] signs = gaussian(filters * n, 64);
        SignKernels.sign(signs, 0, signs, 0, signs.length);
        double[] d1 = new double[a * a];
        RotationKernels.leftCorrelation(signs, rows, filters, a, b, d1);
        for (int p = 0; p < a; p++) {
            for (int q = 0; q < a; q++) {
                assertThat(d1[p * a + q]).isEqualTo(RotationKernels.leftCorrelationAt(signs, rows, filters, a, b, p, q));
            }
        }
        double[] d2 = new double[b * b];
        RotationKernels.rightCorrelation(x, rows3, filters, a, b, new float[b * b], d2);
        for (int p = 0; p < b; p++) {
            for (int q = 0; q < b; q++) {
                assertThat(d2[p * b + q]).isEqualTo(RotationKernels.rightCorrelationAt(x, rows3, filters, a, b, p, q));
            }
        }
        float[] r = RandomOrthogonal.haar(n, new SplittableRandom(65));
        float[] full = new float[filters * n];
        double[] m = new double[n * n];
        RotationKernels.fullCorrelation(x, signs, filters, n, m);
        for (int j = 0; j < filters; j++) {
            RotationKernels.fullRotate(r, n, x, j * n, full, j * n);
            for (int p = 0; p < n; p++) {
                assertThat(full[j * n + p]).isEqualTo(RotationKernels.fullRotateAt(r, n, x, j * n, p));
            }
        }
        for (int p = 0; p < n; p += 7) {
            for (int q = 0; q < n; q += 5) {
                assertThat(m[p * n + q]).isEqualTo(RotationKernels.fullCorrelationAt(x, signs, filters, n, p, q));
            }
        }
    }
}
