package org.rbnn4j.core.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.tensor.Tensor;

/** The gradient checker must reject a backward pass that is a few percent off, or it proves nothing. */
class GradientCheckSelfTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    /** A layer whose backward is 3% too large. */
    private static final class SlightlyWrong implements Layer {
        private final Tanh inner = new Tanh();

        @Override
        public Tensor forward(Tensor x, Mode mode) {
            return inner.forward(x, mode);
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            Tensor dx = inner.backward(gradOutput);
            for (int i = 0; i < dx.size(); i++) {
                dx.data()[i] *= 1.03f;
            }
            return dx;
        }
    }

    @Test
    void aBackwardThreePercentOffFails() {
        Random rng = new Random(1);
        assertThatThrownBy(() -> new GradientCheck(new SlightlyWrong(), Mode.TRAIN)
                .assertGradientsMatch("wrong", GradientCheck.randn(rng, 2, 3, 4), rng))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("analytic");
    }
}
