package org.rbnn4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.tensor.Tensor;

/** Batch statistics, running statistics and evaluation against hand computations (PyTorch semantics). */
class BatchNormSemanticsTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    // [N=2, C=2, H=1, W=2]: channel 0 holds 1, 2, 3, 6; channel 1 holds -1, -1, 1, 5.
    private static Tensor sample() {
        return Tensor.of(new float[]{1, 2, -1, -1, 3, 6, 1, 5}, 2, 2, 1, 2);
    }

    @Test
    void trainingNormalisesWithBiasedVarianceAndUpdatesRunningStatsWithUnbiased() {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.weight().value().data()[0] = 2f;
        bn.bias().value().data()[1] = 0.5f;
        Tensor y = bn.forward(sample(), Mode.TRAIN);

        // channel 0: mean 3, biased var (4+1+0+9)/4 = 3.5, unbiased 14/3
        // channel 1: mean 1, biased var (4+4+0+16)/4 = 6,   unbiased 8
        double inv0 = 1 / Math.sqrt(3.5 + 1e-5);
        double inv1 = 1 / Math.sqrt(6 + 1e-5);
        float[] expected = {
                (float) (2 * (1 - 3) * inv0), (float) (2 * (2 - 3) * inv0),
                (float) ((-1 - 1) * inv1 + 0.5), (float) ((-1 - 1) * inv1 + 0.5),
                (float) (2 * (3 - 3) * inv0), (float) (2 * (6 - 3) * inv0),
                (float) ((1 - 1) * inv1 + 0.5), (float) ((5 - 1) * inv1 + 0.5)};
        for (int i = 0; i < expected.length; i++) {
            assertThat(y.data()[i]).as("y[%d]", i).isCloseTo(expected[i], within(1e-5f));
        }
        assertThat(bn.runningMean().data()).containsExactly(new float[]{0.3f, 0.1f}, within(1e-6f));
        assertThat(bn.runningVar().data()).containsExactly(new float[]{(float) (0.9 + 0.1 * 14.0 / 3), 0.9f + 0.8f},
                within(1e-6f));

        bn.forward(sample(), Mode.TRAIN);
        assertThat(bn.runningMean().data()[0]).isCloseTo((float) (0.9 * 0.3 + 0.1 * 3), within(1e-6f));
        assertThat(bn.runningVar().data()[1]).isCloseTo((float) (0.9 * 1.7 + 0.1 * 8), within(1e-5f));
    }

    @Test
    void evaluationUsesRunningStatisticsAndLeavesThemAlone() {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.runningMean().data()[0] = 1f;
        bn.runningVar().data()[0] = 4f;
        bn.weight().value().data()[0] = 3f;
        bn.bias().value().data()[0] = -1f;
        Tensor y = bn.forward(sample(), Mode.EVAL);
        double inv = 1 / Math.sqrt(4 + 1e-5);
        assertThat(y.data()[1]).isCloseTo((float) (3 * (2 - 1) * inv - 1), within(1e-6f));
        // channel 1 still at running mean 0, var 1
        assertThat(y.data()[2]).isCloseTo((float) (-1 / Math.sqrt(1 + 1e-5)), within(1e-6f));
        assertThat(bn.runningMean().data()).containsExactly(1f, 0f);
        assertThat(bn.runningVar().data()).containsExactly(4f, 1f);
    }

    @Test
    void gammaInitialValueIsConfigurable() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-8);
        assertThat(bn.weight().value().data()).containsOnly(1e-8f);
        assertThat(bn.bias().value().data()).containsOnly(0f);
        assertThat(new BatchNorm1d(3).weight().value().data()).containsOnly(1f);
    }

    @Test
    void batchNorm1dMatchesBatchNorm2dOnOnePixel() {
        BatchNorm1d bn1 = new BatchNorm1d(2);
        BatchNorm2d bn2 = new BatchNorm2d(2);
        float[] values = {1, -2, 3, 5, 0.5f, 7};
        Tensor y1 = bn1.forward(Tensor.of(values.clone(), 3, 2), Mode.TRAIN);
        Tensor y2 = bn2.forward(Tensor.of(values.clone(), 3, 2, 1, 1), Mode.TRAIN);
        assertThat(y1.data()).containsExactly(y2.data(), within(1e-7f));
        assertThat(bn1.runningVar().data()).containsExactly(bn2.runningVar().data(), within(1e-7f));
    }

    @Test
    void oneValuePerChannelIsRejectedInTraining() {
        BatchNorm1d bn = new BatchNorm1d(4);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(1, 4), Mode.TRAIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 1 value");
        assertThat(bn.forward(Tensor.zeros(1, 4), Mode.EVAL).shape()).containsExactly(1, 4);
    }

    @Test
    void wrongShapesGiveClearErrors() {
        assertThatThrownBy(() -> new BatchNorm2d(3).forward(Tensor.zeros(2, 4, 2, 2), Mode.TRAIN))
                .hasMessageContaining("BatchNorm2d(3)").hasMessageContaining("3 input channels");
        assertThatThrownBy(() -> new BatchNorm1d(3).forward(Tensor.zeros(2, 4), Mode.TRAIN))
                .hasMessageContaining("BatchNorm1d(3)").hasMessageContaining("[2, 4]");
    }

    @Test
    void parametersAndBuffersCarryPyTorchNames() {
        BatchNorm2d bn = new BatchNorm2d(2);
        Map<String, Object> names = new LinkedHashMap<>();
        bn.visitParameters("bn1.", names::put);
        bn.visitBuffers("bn1.", names::put);
        assertThat(names.keySet()).containsExactly("bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var");
        assertThat(names.get("bn1.running_var")).isSameAs(bn.runningVar());
    }
}
