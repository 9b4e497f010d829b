package org.rbnn4j.core.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ScalarBackend;

/**
 * The per-element / per-plane reference kernels of {@link ChannelReference} (what device kernels run) against the
 * compute SPI's loop defaults and against the definitions written out naively.
 */
class ChannelReferenceTest {
    private final ComputeBackend backend = new ScalarBackend();

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"2, 3, 5, 7, 8, 2, 2", "1, 4, 8, 8, 4, 0, 1", "3, 2, 6, 5, 6, 1, 3", "2, 16, 9, 9, 32, 8, 2"})
    void padSubsampleLoopsEqualTheElementReference(int n, int cin, int h, int w, int cout, int padFront, int stride) {
        SplittableRandom rnd = new SplittableRandom(n * 31L + h);
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        float[] x = random(rnd, n * cin * h * w);
        float[] y = random(rnd, n * cout * oh * ow); // garbage: every element must be written
        backend.padSubsample(x, n, cin, h, w, cout, padFront, stride, y);
        for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).as("y[%d]", i)
                    .isEqualTo(ChannelReference.padSubsampleAt(x, cin, h, w, cout, padFront, stride, i));
        }
        // Naive definition for a few elements: the channel padding is in front and behind, the rest strided copies.
        for (int i = 0; i < n; i++) {
            for (int co = 0; co < cout; co++) {
                float expected = co >= padFront && co < padFront + cin
                        ? x[((i * cin + co - padFront) * h + (oh - 1) * stride) * w + (ow - 1) * stride] : 0f;
                assertThat(y[((i * cout + co) * oh + oh - 1) * ow + ow - 1]).isEqualTo(expected);
            }
        }
        float[] dy = random(rnd, y.length);
        float[] dx = random(rnd, x.length);
        backend.padSubsampleBackward(dy, n, cin, h, w, cout, padFront, stride, dx);
        double dot = 0;
        double dotBack = 0;
        for (int i = 0; i < dx.length; i++) {
            assertThat(dx[i]).as("dx[%d]", i)
                    .isEqualTo(ChannelReference.padSubsampleGradAt(dy, cin, h, w, cout, padFront, stride, i));
            dotBack += (double) dx[i] * x[i];
        }
        for (int i = 0; i < y.length; i++) {
            dot += (double) dy[i] * y[i];
        }
        // The backward is the adjoint of the forward: <dy, f(x)> = <f^T(dy), x>.
        assertThat(dotBack).isCloseTo(dot, org.assertj.core.api.Assertions.within(1e-9));
    }

    @ParameterizedTest
    @CsvSource({"3, 4, 5", "1, 1, 1", "2, 3, 16"})
    void channelScaleAndItsBackward(int n, int c, int hw) {
        SplittableRandom rnd = new SplittableRandom(c * 7L + hw);
        float[] x = random(rnd, n * c * hw);
        float[] scale = random(rnd, c);
        float[] y = new float[x.length];
        backend.channelScale(x, n, c, hw, scale, y);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).isEqualTo(x[i] * scale[(i / hw) % c]);
        }
        float[] dy = random(rnd, x.length);
        float[] grad = random(rnd, c);
        float[] grad0 = grad.clone();
        float[] dx = new float[x.length];
        backend.channelScaleBackward(x, dy, n, c, hw, scale, grad, dx);
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += ChannelReference.dot(x, dy, (i * c + ch) * hw, hw);
            }
            assertThat(grad[ch]).isEqualTo(grad0[ch] + (float) sum);
            double naive = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < hw; p++) {
                    naive += (double) x[(i * c + ch) * hw + p] * dy[(i * c + ch) * hw + p];
                }
            }
            assertThat((double) sum).isCloseTo(naive, org.assertj.core.api.Assertions.within(1e-9));
        }
        for (int i = 0; i < x.length; i++) {
            assertThat(dx[i]).isEqualTo(dy[i] * scale[(i / hw) % c]);
        }
        // In place (dx = dy): the sums are read before the plane is overwritten.
        float[] grad2 = grad0.clone();
        float[] inPlace = dy.clone();
        backend.channelScaleBackward(x, inPlace, n, c, hw, scale, grad2, inPlace);
        assertThat(inPlace).containsExactly(dx);
        assertThat(grad2).containsExactly(grad);
    }
}
