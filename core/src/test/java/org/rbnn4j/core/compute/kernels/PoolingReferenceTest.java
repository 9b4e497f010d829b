package org.rbnn4j.core.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-element pooling kernels against the direct loops they replaced: forward windows scanned in order, backward
 * scattering each output's gradient in output order. Bit for bit, including ties, NaN and padded borders.
 */
class PoolingReferenceTest {
    /** {h, w, kernel, stride, padding}: the zoo's 2x2/2, the ImageNet stem's 3/2/1, overlapping and odd windows. */
    private static final int[][] MAX_SHAPES = {
        {8, 8, 2, 2, 0}, {7, 9, 2, 2, 0}, {9, 9, 3, 2, 1}, {6, 5, 3, 1, 1}, {5, 5, 3, 3, 0}, {4, 4, 1, 1, 0}, {3, 6, 3, 2, 1}
    };
    private static final int[][] AVG_SHAPES = {{8, 8, 4, 4}, {8, 8, 2, 2}, {7, 9, 3, 2}, {5, 6, 2, 1}, {4, 4, 4, 1}};

    @Test
    void maxPoolingEqualsTheDirectLoopsWithTiesAndNaN() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] s : MAX_SHAPES) {
            int planes = 3;
            int h = s[0], w = s[1], k = s[2], st = s[3], pad = s[4];
            float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(5) - 2; // small integers: many ties
            }
            x[rnd.nextInt(x.length)] = Float.NaN;
            int oh = PoolingReference.outputSize(h, k, st, pad);
            int ow = PoolingReference.outputSize(w, k, st, pad);
            float[] y = new float[planes * oh * ow];
            int[] argmax = new int[y.length];
            PoolingReference.maxPoolPlanes(x, 0, planes, h, w, k, st, pad, y, argmax);
            float[] yRef = new float[y.length];
            int[] argRef = new int[y.length];
            directMaxPool(x, planes, h, w, k, st, pad, yRef, argRef);
            String shape = Arrays.toString(s);
            assertThat(argmax).as("argmax %s", shape).containsExactly(argRef);
            assertThat(bits(y)).as("max pool %s", shape).containsExactly(bits(yRef));

            float[] dy = random(rnd, y.length);
            float[] dx = new float[x.length];
            Arrays.fill(dx, 42f); // overwritten, not accumulated
            PoolingReference.maxPoolGradPlanes(dy, argmax, 0, planes, h, w, k, st, pad, dx);
            float[] dxRef = new float[x.length];
            for (int o = 0; o < dy.length; o++) {
                dxRef[argRef[o]] += dy[o];
            }
            assertThat(bits(dx)).as("max pool gradient %s", shape).containsExactly(bits(dxRef));
        }
    }

    @Test
    void averagePoolingEqualsTheDirectLoops() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] s : AVG_SHAPES) {
            int planes = 2;
            int h = s[0], w = s[1], k = s[2], st = s[3];
            int oh = PoolingReference.outputSize(h, k, st, 0);
            int ow = PoolingReference.outputSize(w, k, st, 0);
            float[] x = random(rnd, planes * h * w);
            float[] y = new float[planes * oh * ow];
            PoolingReference.avgPoolPlanes(x, 0, planes, h, w, k, st, y);
            float inv = 1f / (k * k);
            float[] yRef = new float[y.length];
            float[] dy = random(rnd, y.length);
            float[] dxRef = new float[x.length];
            int o = 0;
            for (int p = 0; p < planes; p++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, o++) {
                        float sum = 0f;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int i = p * h * w + (oy * st + ky) * w + ox * st + kx;
                                sum += x[i];
                                dxRef[i] += dy[o] * inv;
                            }
                        }
                        yRef[o] = sum * inv;
                    }
                }
            }
            float[] dx = new float[x.length];
            PoolingReference.avgPoolGradPlanes(dy, 0, planes, h, w, k, st, dx);
            assertThat(bits(y)).as("avg pool %s", Arrays.toString(s)).containsExactly(bits(yRef));
            assertThat(bits(dx)).as("avg pool gradient %s", Arrays.toString(s)).containsExactly(bits(dxRef));
        }
    }

    @Test
    void windowRangesHoldExactlyTheOutputsWhoseWindowCoversTheInput() {
        for (int size = 1; size <= 9; size++) {
            for (int k = 1; k <= 4; k++) {
                for (int st = 1; st <= 3; st++) {
                    for (int pad = 0; pad <= k / 2; pad++) {
                        if (size + 2 * pad < k) {
                            continue;
                        }
                        int out = PoolingReference.outputSize(size, k, st, pad);
                        for (int i = 0; i < size; i++) {
                            int first = PoolingReference.firstWindow(i, k, st, pad);
                            int last = PoolingReference.lastWindow(i, st, pad, out);
                            for (int o = 0; o < out; o++) {
                                boolean covers = o * st - pad <= i && i < o * st - pad + k;
                                assertThat(o >= first && o <= last).as("size %d k %d s %d p %d: input %d, output %d",
                                        size, k, st, pad, i, o).isEqualTo(covers);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The loops MaxPool2d ran before the kernels moved behind the compute SPI. */
    private static void directMaxPool(float[] xs, int planes, int h, int w, int kernel, int stride, int padding,
                                      float[] ys, int[] argmax) {
        int oh = (h + 2 * padding - kernel) / stride + 1;
        int ow = (w + 2 * padding - kernel) / stride + 1;
        int o = 0;
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(oy * stride - padding, 0);
                int y1 = Math.min(oy * stride - padding + kernel, h);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(ox * stride - padding, 0);
                    int x1 = Math.min(ox * stride - padding + kernel, w);
                    int best = base + y0 * w + x0;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            float v = xs[base + iy * w + ix];
                            if (v > max || Float.isNaN(v)) {
                                max = v;
                                best = base + iy * w + ix;
                            }
                        }
                    }
                    ys[o] = max;
                    argmax[o++] = best;
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToIntBits(a[i]);
        }
        return b;
    }
}
