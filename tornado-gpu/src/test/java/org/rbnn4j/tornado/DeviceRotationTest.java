package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.rbnn4j.tornado.TestDevice.assertClose;
import static org.rbnn4j.tornado.TestDevice.random;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.rbnn.BiRotation;
import org.rbnn4j.core.rbnn.FilterMatrixShape;
import org.rbnn4j.core.rbnn.RandomOrthogonal;

/**
 * {@link BiRotation} with the device backend current (its batched products then run on the device, the SVDs on the
 * host) against the same rotation with the scalar reference backend: equal bit for bit on PoCL; the tolerance leaves
 * room for devices that fuse multiply-adds.
 */
class DeviceRotationTest {

    @Test
    void updateAndRotationOnTheDeviceMatchTheReference() {
        TornadoBackend device = TestDevice.backend();
        ScalarBackend scalar = new ScalarBackend();
        SplittableRandom rnd = new SplittableRandom(7);
        // resnet20 layer shapes: 16x16x3x3 (12x12), 32x16x3x3 (16x18); and a tiny 4x4
        int[][] layers = {{16, 144}, {32, 144}, {32, 288}, {8, 16}};
        long callsBefore = rotationCalls(device);
        for (int[] layer : layers) {
            int filters = layer[0];
            FilterMatrixShape shape = FilterMatrixShape.of(layer[1]);
            Random seeded = new Random(layer[0] * 1000L + layer[1]);
            float[] r1 = RandomOrthogonal.haar(shape.rows(), seeded);
            float[] r2 = RandomOrthogonal.haar(shape.cols(), seeded);
            float[] w2 = random(rnd, filters * shape.size());
            String what = filters + " filters of " + shape;

            BiRotation host = new BiRotation(shape, r1, r2);
            BiRotation onDevice = new BiRotation(shape, r1, r2);
            double before = with(scalar, () -> host.objective(w2, filters));
            assertThat(with(device, () -> onDevice.objective(w2, filters))).as("objective before, " + what)
                    .isCloseTo(before, within(1e-6 * before));

            with(scalar, () -> {
                host.update(w2, filters, 3);
                return 0.0;
            });
            with(device, () -> {
                onDevice.update(w2, filters, 3);
                return 0.0;
            });
            assertClose("R1 " + what, onDevice.r1().data(), host.r1().data(), 1e-5);
            assertClose("R2 " + what, onDevice.r2().data(), host.r2().data(), 1e-5);

            float[] rotatedHost = new float[w2.length];
            float[] rotatedDevice = new float[w2.length];
            with(scalar, () -> {
                host.rotate(w2, filters, rotatedHost);
                return 0.0;
            });
            with(device, () -> {
                onDevice.rotate(w2, filters, rotatedDevice);
                return 0.0;
            });
            assertClose("rotated filters " + what, rotatedDevice, rotatedHost, 1e-5);
            // The update is an ascent on tr(B^T R^T w): it must not lose objective.
            assertThat(with(device, () -> onDevice.objective(w2, filters))).as("objective after, " + what)
                    .isGreaterThan(before);
        }
        assertThat(rotationCalls(device)).as("rotation products ran on the device").isGreaterThan(callsBefore);
    }

    private static double with(ComputeBackend backend, java.util.function.DoubleSupplier body) {
        ComputeBackend previous = Backends.use(backend);
        try {
            return body.getAsDouble();
        } finally {
            Backends.use(previous);
        }
    }

    /** Calls of the rotation operations in the backend's profile. */
    private static long rotationCalls(TornadoBackend device) {
        long calls = 0;
        for (String line : device.profile().split("\n")) {
            if (line.startsWith("rotation_")) {
                calls += Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        return calls;
    }
}
