package org.rbnn4j.simd.conv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.PackedActivations;

/** The parallel sign packer of the training forward writes exactly the words of {@link ActivationPacker}. */
class SignPackingTest {

    @Test
    void equalsTheActivationPacker() {
        SplittableRandom rnd = new SplittableRandom(4);
        // Channels: one partial word, exactly one, two partial, two full; widths with and without vector tails.
        int[][] shapes = {{3, 16, 5, 7, 1}, {2, 64, 8, 32, 1}, {2, 70, 6, 9, 2}, {1, 128, 4, 16, 0}, {3, 16, 32, 32, 1},
            {2, 33, 3, 40, 1}};
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int[] s : shapes) {
                int batch = s[0];
                int c = s[1];
                int h = s[2];
                int w = s[3];
                float[] x = new float[batch * c * h * w];
                for (int i = 0; i < x.length; i++) {
                    int kind = rnd.nextInt(8);
                    x[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind < 5 ? 1f : (float) rnd.nextGaussian();
                }
                PackedActivations expected = PackedActivations.allocate(batch, c, h, w, s[4]);
                ActivationPacker.packNchw(x, 0, expected);
                PackedActivations actual = PackedActivations.allocate(batch, c, h, w, s[4]);
                SignPacking.packNchw(pool, x, actual);
                assertThat(actual.bits()).as(java.util.Arrays.toString(s)).containsExactly(expected.bits());
            }
        }
    }
}
