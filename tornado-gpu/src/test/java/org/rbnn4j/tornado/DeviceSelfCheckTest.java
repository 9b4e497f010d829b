package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code rbnn devices --check}'s engine: every operation passes on the test device, and a wrong result would fail. */
class DeviceSelfCheckTest {

    @Test
    void everyOperationMatchesTheReferenceOnTheTestDevice() {
        List<DeviceSelfCheck.Result> results = DeviceSelfCheck.run(TestDevice.backend());
        assertThat(results).extracting(DeviceSelfCheck.Result::operation).contains("conv2d forward",
                "conv2d backward data", "conv2d backward weights", "sgemm", "batch norm backward dx", "sgd update",
                "standardise sign backward", "rotate filters", "rotation D1", "rotation D2", "max pool 2x2 backward",
                "global avg pool backward", "add", "sgd step, resident state");
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.describe()).isTrue());
        // the profile `rbnn bench train` prints for a device backend names the operations that ran
        assertThat(TestDevice.backend().profile()).contains("conv_forward", "max_pool_backward", "calls", "in plan");
    }

    @Test
    void relativeErrorFlagsWrongValuesAndNaN() {
        float[] expected = {1f, -4f, 2f};
        assertThat(DeviceSelfCheck.relativeError(expected.clone(), expected)).isZero();
        assertThat(DeviceSelfCheck.relativeError(new float[] {1f, -4f, 2.004f}, expected)).isCloseTo(1e-3,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(DeviceSelfCheck.relativeError(new float[] {1f, Float.NaN, 2f}, expected)).isInfinite();
        assertThat(new DeviceSelfCheck.Result("op", "shape", 2e-4, 1).passed()).isFalse();
        assertThat(new DeviceSelfCheck.Result("op", "shape", 1e-6, 1).passed()).isTrue();
    }
}
