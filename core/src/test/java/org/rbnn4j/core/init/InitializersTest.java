package org.rbnn4j.core.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.tensor.Tensor;

class InitializersTest {

    private static double mean(float[] d) {
        double s = 0;
        for (float v : d) {
            s += v;
        }
        return s / d.length;
    }

    private static double std(float[] d) {
        double m = mean(d);
        double s = 0;
        for (float v : d) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (d.length - 1));
    }

    private static double maxAbs(float[] d) {
        double m = 0;
        for (float v : d) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void fansFollowTorchNnInit() {
        Tensor conv = Tensor.zeros(64, 32, 3, 3);
        assertThat(Initializers.fanIn(conv)).isEqualTo(32 * 9);
        assertThat(Initializers.fanOut(conv)).isEqualTo(64 * 9);
        Tensor linear = Tensor.zeros(10, 64);
        assertThat(Initializers.fanIn(linear)).isEqualTo(64);
        assertThat(Initializers.fanOut(linear)).isEqualTo(10);
    }

    @Test
    void kaimingNormalHasStdSqrtTwoOverFanIn() {
        Tensor w = Tensor.zeros(64, 32, 3, 3); // 18,432 draws: the sample std is within ~1% of the truth
        Initializers.kaimingNormal(w, new Random(1));
        assertThat(mean(w.data())).isCloseTo(0.0, within(0.003));
        assertThat(std(w.data())).isCloseTo(Math.sqrt(2.0 / 288), within(0.03 * Math.sqrt(2.0 / 288)));
    }

    @Test
    void fanOutVariantIsTheVggInitialisation() {
        Tensor w = Tensor.zeros(128, 64, 3, 3);
        Initializers.kaimingNormalFanOut(w, new Random(2));
        double expected = Math.sqrt(2.0 / (3 * 3 * 128));
        assertThat(std(w.data())).isCloseTo(expected, within(0.03 * expected));
    }

    @Test
    void normalUniformConstant() {
        Tensor t = Tensor.zeros(20000);
        Initializers.normal(t, 3.0, 0.5, new Random(3));
        assertThat(mean(t.data())).isCloseTo(3.0, within(0.02));
        assertThat(std(t.data())).isCloseTo(0.5, within(0.02));
        Initializers.uniform(t, -0.25, 0.25, new Random(4));
        assertThat(maxAbs(t.data())).isLessThanOrEqualTo(0.25);
        assertThat(std(t.data())).isCloseTo(0.5 / Math.sqrt(12), within(0.01));
        Initializers.constant(t, 1e-8);
        assertThat(t.data()).containsOnly(1e-8f);
        Initializers.defaultBias(t, 64, new Random(5));
        assertThat(maxAbs(t.data())).isLessThanOrEqualTo(0.125).isGreaterThan(0.12);
    }

    @Test
    void aSeedRepeatsTheDrawsAndAnotherSeedDoesNot() {
        Tensor a = Tensor.zeros(4, 3, 3, 3);
        Tensor b = Tensor.zeros(4, 3, 3, 3);
        Tensor c = Tensor.zeros(4, 3, 3, 3);
        WeightInit.kaimingNormal().fill(a, new Random(42));
        WeightInit.kaimingNormal().fill(b, new Random(42));
        WeightInit.kaimingNormal().fill(c, new Random(43));
        assertThat(a.data()).containsExactly(b.data());
        assertThat(a.data()).isNotEqualTo(c.data());
    }
}
