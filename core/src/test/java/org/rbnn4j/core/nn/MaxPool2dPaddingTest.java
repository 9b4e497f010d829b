package org.rbnn4j.core.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.tensor.Tensor;

/** {@code MaxPool2d(kernel, stride, padding)}: padded taps are -inf (never win), as PyTorch; the ImageNet stem's 3/2/1. */
class MaxPool2dPaddingTest {

    @Test
    void paddedTapsNeverWinEvenOverNegativeValues() {
        // 4x4 of negative values: zero padding would wrongly return 0 at every border window.
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = -1f - i;
        }
        Tensor x = Tensor.of(v, 1, 1, 4, 4);
        Tensor y = new MaxPool2d(3, 2, 1).forward(x, Mode.TRAIN);
        assertThat(y.shape()).containsExactly(1, 1, 2, 2);
        // Windows: rows/cols {-1,0,1} and {1,2,3}; the max is the top-left real element of each.
        assertThat(y.data()).containsExactly(-1f, -2f, -5f, -6f);
    }

    @Test
    void outputSizeFollowsPyTorch() {
        MaxPool2d pool = new MaxPool2d(3, 2, 1);
        assertThat(pool.forward(Tensor.zeros(1, 2, 112, 112), Mode.EVAL).shape()).containsExactly(1, 2, 56, 56);
        assertThat(pool.forward(Tensor.zeros(1, 2, 7, 7), Mode.EVAL).shape()).containsExactly(1, 2, 4, 4);
        assertThat(pool.forward(Tensor.zeros(2, 1, 1, 1), Mode.EVAL).shape()).containsExactly(2, 1, 1, 1);
        assertThat(new MaxPool2d(2, 2).padding()).isZero();
        assertThat(new MaxPool2d(3, 2, 1).toString()).isEqualTo("MaxPool2d(k3, s2, p1)");
        assertThatThrownBy(() -> new MaxPool2d(3, 2, 2)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new MaxPool2d(3, 2, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paddedPoolingMatchesExplicitMinusInfinityPaddingForwardAndBackward() {
        Random rng = new Random(3);
        int n = 2, c = 3, h = 7, w = 6, p = 1;
        Tensor x = GradientCheck.randn(rng, n, c, h, w);
        Tensor padded = Tensor.full(Float.NEGATIVE_INFINITY, n, c, h + 2 * p, w + 2 * p);
        for (int plane = 0; plane < n * c; plane++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(x.data(), (plane * h + i) * w, padded.data(), (plane * (h + 2 * p) + i + p) * (w + 2 * p) + p, w);
            }
        }
        MaxPool2d withPadding = new MaxPool2d(3, 2, p);
        MaxPool2d onPadded = new MaxPool2d(3, 2);
        Tensor y = withPadding.forward(x, Mode.TRAIN);
        Tensor yRef = onPadded.forward(padded, Mode.TRAIN);
        assertThat(y.shape()).containsExactly(yRef.shape());
        assertThat(y.data()).containsExactly(yRef.data());

        Tensor dy = GradientCheck.randn(rng, y.shape());
        Tensor dx = withPadding.backward(dy);
        Tensor dxRef = onPadded.backward(dy);
        for (int plane = 0; plane < n * c; plane++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    assertThat(dx.data()[(plane * h + i) * w + j])
                            .isEqualTo(dxRef.data()[(plane * (h + 2 * p) + i + p) * (w + 2 * p) + j + p]);
                }
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random rng = new Random(5);
        Tensor x = Tensor.zeros(1, 2, 5, 6);
        // Distinct values well apart, so that no finite-difference step changes a window's winner.
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (0.37 * ((i * 17) % d.length) - 5.0);
        }
        new GradientCheck(new MaxPool2d(3, 2, 1), Mode.TRAIN).assertGradientsMatch("maxpool k3 s2 p1", x, rng);
    }
}
