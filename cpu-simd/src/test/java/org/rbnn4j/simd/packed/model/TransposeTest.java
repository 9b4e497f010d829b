package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Transpose} against the definition, on whole 16 x 16 blocks, ragged edges and offsets. */
class TransposeTest {

    @Test
    void transposesAnyShapeWithStridesAndOffsets() {
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] shapes = {{16, 16}, {16, 1024}, {128, 256}, {64, 64}, {3, 1024}, {70, 9}, {33, 47}, {1, 1}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            float[] src = random(rnd, 5 + rows * (cols + 3));
            float[] dst = new float[7 + cols * (rows + 2)];
            Transpose.transpose(src, 5, cols + 3, dst, 7, rows + 2, rows, cols);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertThat(dst[7 + j * (rows + 2) + i]).as("%dx%d at %d,%d", rows, cols, i, j)
                            .isEqualTo(src[5 + i * (cols + 3) + j]);
                }
            }
        }
    }

    @Test
    void affineAndActivationOnTheWayAreTheLayersArithmetic() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] shape : new int[][] {{32, 64}, {20, 30}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] src = random(rnd, rows * cols);
            src[3] = Float.NaN;
            src[4] = -0f;
            float[] scale = random(rnd, rows);
            float[] shift = random(rnd, rows);
            for (Activation act : Activation.values()) {
                float[] dst = new float[rows * cols];
                Transpose.transposeAffine(src, 0, cols, dst, 0, rows, rows, cols, scale, shift, act);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        float v = src[i * cols + j] * scale[i] + shift[i];
                        float expected = switch (act) {
                            case NONE -> v;
                            case HARDTANH -> v < -1f ? -1f : (v > 1f ? 1f : v);
                            case RELU -> v <= 0f ? 0f : v;
                        };
                        assertThat(Float.floatToIntBits(dst[j * rows + i])).as("%s at %d,%d", act, i, j)
                                .isEqualTo(Float.floatToIntBits(expected));
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 2);
        }
        return v;
    }
}
