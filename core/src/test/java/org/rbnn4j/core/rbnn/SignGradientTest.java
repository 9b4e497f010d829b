package org.rbnn4j.core.rbnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Each surrogate is the derivative of a function that tends to sign; checked by central differences of it. */
class SignGradientTest {

    @Test
    void signOfZeroIsPlusOne() {
        assertThat(SignKernels.sign(0f)).isEqualTo(1f);
        assertThat(SignKernels.sign(-0f)).isEqualTo(1f);
        assertThat(SignKernels.sign(-1e-30f)).isEqualTo(-1f);
        assertThat(SignKernels.sign(3f)).isEqualTo(1f);
    }

    @Test
    void rbnnSurrogateIsTheDerivativeOfItsClippedQuadratic() {
        for (double t : new double[] {0.01, 0.3, 1.0, 2.5}) {
            double k = Math.max(1 / t, 1);
            double edge = Math.sqrt(2) / t;
            // F(x) = k*(sqrt2 t x - t^2 x|x|/2) on |x| <= sqrt2/t, constant beyond.
            DoubleUnaryOperator f = x -> {
                double c = Math.max(-edge, Math.min(edge, x));
                return k * (Math.sqrt(2) * t * c - t * t * c * Math.abs(c) / 2);
            };
            checkAgainst(f, x -> SignGradient.RBNN.weightDerivative((float) x, (float) t, (float) k), 2 * edge, edge);
        }
        // The peak is sqrt(2)*t*k at 0 and the support ends at sqrt(2)/t.
        assertThat(SignGradient.RBNN.weightDerivative(0f, 2f, 1f)).isCloseTo((float) (2 * Math.sqrt(2)), within(1e-6f));
        assertThat(SignGradient.RBNN.weightDerivative(0.71f, 2f, 1f)).isZero();
    }

    @Test
    void activationsUseTAtLeastOneAndKOne() {
        assertThat(SignGradient.RBNN.activationDerivative(0.2f, 0.1f))
                .isEqualTo(SignGradient.RBNN.weightDerivative(0.2f, 1f, 1f));
        assertThat(SignGradient.RBNN.activationDerivative(0.2f, 3f))
                .isEqualTo(SignGradient.RBNN.weightDerivative(0.2f, 3f, 1f));
        assertThat(SignGradient.TANH.activationDerivative(0.2f, 0.1f))
                .isEqualTo(SignGradient.TANH.weightDerivative(0.2f, 1f, 1f));
    }

    @Test
    void straightThroughIsTheDerivativeOfHardtanh() {
        checkAgainst(x -> Math.max(-1, Math.min(1, x)), x -> SignGradient.STRAIGHT_THROUGH.weightDerivative((float) x, 5f, 7f), 3, 1);
        assertThat(SignGradientKernels.straightThrough(1f)).isEqualTo(1f);
        assertThat(SignGradientKernels.straightThrough(1.0001f)).isZero();
    }

    @Test
    void tanhIsTheDerivativeOfScaledTanh() {
        for (double t : new double[] {0.1, 1.0, 4.0}) {
            double k = Math.max(1 / t, 1);
            checkAgainst(x -> k * Math.tanh(t * x), x -> SignGradient.TANH.weightDerivative((float) x, (float) t, (float) k), 3, Double.NaN);
        }
    }

    @Test
    void approxSignIsTheDerivativeOfLarqsPiecewiseQuadratic() {
        DoubleUnaryOperator f = x -> {
            double c = Math.max(-1, Math.min(1, x));
            return 2 * c - c * Math.abs(c);
        };
        checkAgainst(f, x -> SignGradient.APPROX_SIGN.weightDerivative((float) x, 9f, 9f), 2, 1);
        assertThat(SignGradientKernels.approxSign(0f)).isEqualTo(2f);
    }

    @Test
    void scaleBySurrogateAppliesTheElementwiseDerivative() {
        float[] x = RotationTest.gaussian(64, 3);
        for (SignGradient kind : SignGradient.values()) {
            float[] g = RotationTest.gaussian(64, 4);
            float[] expected = new float[64];
            for (int i = 0; i < 64; i++) {
                expected[i] = g[i] * kind.weightDerivative(x[i], 0.7f, 1.4f);
            }
            kind.scaleBySurrogate(x, 0, g, 0, 64, 0.7f, 1.4f);
            assertThat(g).as(kind.name()).containsExactly(expected);
        }
    }

    @Test
    void parsesNames() {
        assertThat(SignGradient.parse("rbnn")).isEqualTo(SignGradient.RBNN);
        assertThat(SignGradient.parse("STE")).isEqualTo(SignGradient.STRAIGHT_THROUGH);
        assertThat(SignGradient.parse("approx_sign")).isEqualTo(SignGradient.APPROX_SIGN);
        assertThat(SignGradient.parse("tanh")).isEqualTo(SignGradient.TANH);
        assertThatThrownBy(() -> SignGradient.parse("magic")).hasMessageContaining("known");
    }

    /** Central differences of {@code f} against {@code derivative} on a grid, skipping points next to the kinks. */
    private static void checkAgainst(DoubleUnaryOperator f, DoubleUnaryOperator derivative, double range, double kink) {
        double eps = 1e-4 * range;
        for (int i = -40; i <= 40; i++) {
            double x = range * i / 40.0 + range * 1e-3;
            if (!Double.isNaN(kink) && Math.abs(Math.abs(x) - kink) < 4 * eps) {
                continue;
            }
            double fd = (f.applyAsDouble(x + eps) - f.applyAsDouble(x - eps)) / (2 * eps);
            double g = derivative.applyAsDouble(x);
            assertThat(g).as("derivative at %f", x).isCloseTo(fd, within(1e-3 * Math.max(1, Math.abs(fd))));
        }
    }
}
