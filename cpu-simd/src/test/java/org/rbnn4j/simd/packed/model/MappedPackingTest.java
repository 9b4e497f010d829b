package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.rbnn.StandardisationKernels;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.PackedActivations;

/** {@link MappedPacking} equals storing {@code act(x * scale + shift)}, taking its mean and packing it. */
class MappedPackingTest {

    @Test
    void meanAndBitsEqualTheStoredValuesPath() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[][] shapes = {{128, 32, 32}, {64, 8, 8}, {70, 5, 7}, {3, 4, 4}};
        for (int[] s : shapes) {
            int c = s[0];
            int h = s[1];
            int w = s[2];
            int hw = h * w;
            float[] x = new float[5 + 2 * c * hw];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * 3);
            }
            x[9] = Float.NaN;
            // the second image saturates: all hardtanh outputs -1 (mean -1), all ReLU outputs 0 (mean 0), so packing
            // cannot drop the activation there
            java.util.Arrays.fill(x, 5 + c * hw, x.length, -1e6f);
            float[] scale = new float[c];
            float[] shift = new float[c];
            for (int i = 0; i < c; i++) {
                scale[i] = (float) rnd.nextGaussian();
                shift[i] = (float) (rnd.nextGaussian() * 0.3);
                scale[i] = Math.abs(scale[i]);
            }
            for (Activation act : Activation.values()) {
                PackedActivations expected = PackedActivations.allocate(2, c, h, w, 1);
                PackedActivations actual = PackedActivations.allocate(2, c, h, w, 1);
                float[] thresholds = new float[2];
                float[] v = new float[2 * c * hw];
                for (int i = 0; i < 2; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int p = 0; p < hw; p++) {
                            int k = (i * c + ch) * hw + p;
                            v[k] = act.apply(x[5 + k] * scale[ch] + shift[ch]);
                        }
                    }
                    thresholds[i] = StandardisationKernels.mean(v, i * c * hw, c * hw);
                    float mean = MappedPacking.mean(x, 5 + i * c * hw, c, hw, scale, shift, act, new float[c * hw]);
                    assertThat(Float.floatToIntBits(mean)).as("%s %dx%dx%d image %d", act, c, h, w, i)
                            .isEqualTo(Float.floatToIntBits(thresholds[i]));
                    MappedPacking.pack(x, 5 + i * c * hw, scale, shift, act, mean, actual, i);
                }
                ActivationPacker.packNchw(v, 0, thresholds, expected);
                assertThat(actual.bits()).as("%s %dx%dx%d", act, c, h, w).containsExactly(expected.bits());
            }
        }
    }
}
