package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rbnn4j.tornado.TestDevice.assertClose;
import static org.rbnn4j.tornado.TestDevice.random;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.rbnn.BiRotation;
import org.rbnn4j.core.rbnn.FilterMatrixShape;
import org.rbnn4j.core.rbnn.RandomOrthogonal;

/**
 * The bi-rotation with its products on the device against {@link BiRotation} on the host (equal bit for bit on PoCL;
 * the tolerance leaves room for devices that round differently).
 */
class DeviceBiRotationTest {

    @Test
    void updateAndRotationMatchTheHostBiRotation() {
        TornadoBackend device = TestDevice.backend();
        SplittableRandom rnd = new SplittableRandom(7);
        // resnet20 layer shapes: 16x16x3x3 (12x12), 32x16x3x3 (16x18); and a tiny 4x4
        int[][] layers = {{16, 144}, {32, 144}, {32, 288}, {8, 16}};
        for (int[] layer : layers) {
            int filters = layer[0];
            FilterMatrixShape shape = FilterMatrixShape.of(layer[1]);
            Random seeded = new Random(layer[0] * 1000L + layer[1]);
            float[] r1 = RandomOrthogonal.haar(shape.rows(), seeded);
            float[] r2 = RandomOrthogonal.haar(shape.cols(), seeded);
            float[] w2 = random(rnd, filters * shape.size());
            String what = filters + " filters of " + shape;

            BiRotation host = new BiRotation(shape, r1, r2);
            DeviceBiRotation onDevice = new DeviceBiRotation(device, shape, r1, r2);
            double before = host.objective(w2, filters);
            assertThat(onDevice.objective(w2, filters)).as("objective before, " + what).isCloseTo(before,
                    org.assertj.core.api.Assertions.within(1e-6 * before));

            host.update(w2, filters, 3);
            onDevice.update(w2, filters, 3);
            assertClose("R1 " + what, onDevice.r1().data(), host.r1().data(), 1e-5);
            assertClose("R2 " + what, onDevice.r2().data(), host.r2().data(), 1e-5);

            float[] rotatedHost = new float[w2.length];
            float[] rotatedDevice = new float[w2.length];
            host.rotate(w2, filters, rotatedHost);
            onDevice.rotate(w2, filters, rotatedDevice);
            assertClose("rotated filters " + what, rotatedDevice, rotatedHost, 1e-5);
            // The update is an ascent on tr(B^T R^T w): it must not lose objective.
            assertThat(onDevice.objective(w2, filters)).as("objective after, " + what).isGreaterThan(before);
        }
    }
}
