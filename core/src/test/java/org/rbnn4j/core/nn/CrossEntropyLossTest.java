package org.rbnn4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.tensor.Tensor;

class CrossEntropyLossTest {

    @Test
    void valuesByHand() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        // row 0: uniform over 2 classes -> ln 2; row 1: logits (0, ln 3) label 1 -> -ln(3/4)
        double loss = ce.forward(Tensor.of(new float[]{0, 0, 0, (float) Math.log(3)}, 2, 2), new int[]{0, 1});
        assertThat(loss).isCloseTo((Math.log(2) - Math.log(0.75)) / 2, within(1e-6));
        Tensor g = ce.backward();
        assertThat(g.data()).containsExactly(new float[]{-0.25f, 0.25f, 0.125f, -0.125f}, within(1e-6f));
    }

    @Test
    void hugeLogitsStayFinite() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double loss = ce.forward(Tensor.of(new float[]{1000, 0, -1000, 1e30f, -1e30f, 0}, 2, 3), new int[]{1, 0});
        assertThat(loss).isCloseTo(1000.0 / 2, within(1e-3));
        assertThat(ce.backward().data()).doesNotContain(Float.NaN);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random rng = new Random(4);
        Tensor z = GradientCheck.randn(rng, 4, 5);
        int[] labels = {0, 4, 2, 2};
        CrossEntropyLoss ce = new CrossEntropyLoss();
        ce.forward(z, labels);
        float[] analytic = ce.backward().data().clone();
        double eps = 1e-3;
        for (int i = 0; i < z.size(); i++) {
            float saved = z.data()[i];
            z.data()[i] = (float) (saved + eps);
            double plus = ce.forward(z, labels);
            z.data()[i] = (float) (saved - eps);
            double minus = ce.forward(z, labels);
            z.data()[i] = saved;
            assertThat((plus - minus) / (2 * eps)).as("dL/dz[%d]", i).isCloseTo(analytic[i], within(2e-4));
        }
    }

    @Test
    void badLabelsAreRejected() {
        CrossEntropyLoss ce = new CrossEntropyLoss();
        assertThatThrownBy(() -> ce.forward(Tensor.zeros(2, 3), new int[]{0, 3})).hasMessageContaining("outside [0, 3)");
        assertThatThrownBy(() -> ce.forward(Tensor.zeros(2, 3), new int[]{0})).hasMessageContaining("1 labels for 2 rows");
        assertThatThrownBy(ce::backward).isInstanceOf(IllegalStateException.class);
    }
}
