package org.rbnn4j.simd.conv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.concurrent.WorkerPool;

/**
 * {@link Convolution#forwardNhwc} (the direct path of {@link DirectConvolution} where it applies, else the GEMM over
 * im2col panels) gives the same floats, bit for bit, as {@link Convolution#forward}, channels-last: the packed
 * model's float first layer relies on it to binarise exactly what the float model computes.
 */
class ConvolutionNhwcTest {

    @Test
    void channelsLastForwardEqualsTheNchwForwardBitForBit() {
        SplittableRandom rnd = new SplittableRandom(17);
        // {cin, h, w, cout, kernel, stride, padding, pad value}: direct-path shapes (stride 1, rows of >= 8: a first
        // layer, widths not a multiple of 8, filters not a multiple of the 32-filter panel, no padding, 1x1 and 5x5,
        // padding with ones), and shapes that take the GEMM path (stride 2, rows narrower than 8, more taps than one
        // depth block)
        int[][] shapes = {
                {3, 32, 32, 128, 3, 1, 1, 0}, {3, 9, 13, 16, 3, 1, 1, 0}, {1, 8, 8, 40, 3, 1, 1, 1},
                {4, 11, 10, 33, 3, 1, 0, 0}, {2, 7, 12, 64, 1, 1, 0, 0}, {3, 12, 9, 20, 5, 1, 2, 0},
                {3, 16, 16, 64, 3, 2, 1, 0}, {3, 5, 6, 32, 3, 1, 1, 1}, {48, 6, 8, 32, 3, 1, 1, 0}};
        try (WorkerPool pool = new WorkerPool(1)) {
            for (int[] s : shapes) {
                int batch = 2;
                ConvGeometry g = new ConvGeometry(batch, s[0], s[1], s[2], s[3], s[4], s[4], s[5], s[6], s[7]);
                float[] x = gaussians(rnd, g.inputSize(), 1);
                float[] w = gaussians(rnd, g.weightSize(), 0.3);
                float[] nchw = new float[g.outputSize()];
                Convolution.forward(pool, g, x, w, nchw);
                float[] wt = Convolution.packWeightsForNhwc(g, w);
                int cout = g.outChannels();
                int pixels = g.outH() * g.outW();
                // an offset and a guard value around the output: nothing outside the image's floats is written
                int off = 5;
                float[] nhwc = new float[off + pixels * cout + 7];
                java.util.Arrays.fill(nhwc, -7.5f);
                for (int n = 0; n < batch; n++) {
                    Convolution.forwardNhwc(g, x, n, wt, nhwc, off);
                    int[] expected = new int[pixels * cout];
                    int[] actual = new int[pixels * cout];
                    for (int co = 0; co < cout; co++) {
                        for (int p = 0; p < pixels; p++) {
                            expected[p * cout + co] = Float.floatToRawIntBits(nchw[(n * cout + co) * pixels + p]);
                            actual[p * cout + co] = Float.floatToRawIntBits(nhwc[off + p * cout + co]);
                        }
                    }
                    String shape = java.util.Arrays.toString(s) + " image " + n
                            + (DirectConvolution.supports(g) ? " (direct)" : " (gemm)");
                    assertThat(actual).as(shape).containsExactly(expected);
                    for (int i = 0; i < off; i++) {
                        assertThat(nhwc[i]).as(shape + " before").isEqualTo(-7.5f);
                    }
                    for (int i = off + pixels * cout; i < nhwc.length; i++) {
                        assertThat(nhwc[i]).as(shape + " after").isEqualTo(-7.5f);
                    }
                }
            }
        }
    }

    @Test
    void aChannelMapAppliedAsTheOutputsAreStoredEqualsTheMapAfterTheConvolution() {
        SplittableRandom rnd = new SplittableRandom(23);
        // direct path (a first layer; a partly filled last panel) and the GEMM path (stride 2)
        int[][] shapes = {{3, 32, 32, 128, 3, 1, 1}, {3, 9, 13, 40, 3, 1, 1}, {3, 16, 16, 64, 3, 2, 1}};
        // hardtanh, ReLU (x <= 0 as x < MIN_VALUE), none; a NaN shift (passes both clamps), a zero and a negative scale
        float[][] clamps = {{-1f, -1f, 1f, 1f}, {Float.MIN_VALUE, 0f, Float.POSITIVE_INFINITY, 0f},
                {Float.NEGATIVE_INFINITY, 0f, Float.POSITIVE_INFINITY, 0f}};
        for (int[] s : shapes) {
            ConvGeometry g = new ConvGeometry(1, s[0], s[1], s[2], s[3], s[4], s[4], s[5], s[6], 0f);
            float[] x = gaussians(rnd, g.inputSize(), 1);
            float[] w = gaussians(rnd, g.weightSize(), 0.3);
            int cout = g.outChannels();
            float[] scale = new float[cout];
            float[] shift = new float[cout];
            for (int co = 0; co < cout; co++) {
                scale[co] = (float) (rnd.nextGaussian() * 2);
                shift[co] = (float) rnd.nextGaussian();
            }
            scale[1] = 0f;
            shift[2] = Float.NaN;
            float[] wt = Convolution.packWeightsForNhwc(g, w);
            int pixels = g.outH() * g.outW();
            float[] plain = new float[pixels * cout];
            Convolution.forwardNhwc(g, x, 0, wt, plain, 0);
            for (float[] c : clamps) {
                ChannelMap map = ChannelMap.of(scale, shift, c[0], c[1], c[2], c[3]);
                float[] expected = new float[pixels * cout];
                for (int i = 0; i < expected.length; i++) {
                    float v = plain[i] * scale[i % cout] + shift[i % cout];
                    v = v < c[0] ? c[1] : v;
                    expected[i] = v > c[2] ? c[3] : v;
                }
                float[] mapped = new float[3 + pixels * cout];
                Convolution.forwardNhwc(g, x, 0, wt, mapped, 3, map);
                int[] want = new int[expected.length];
                int[] got = new int[expected.length];
                for (int i = 0; i < expected.length; i++) {
                    want[i] = Float.floatToRawIntBits(expected[i]);
                    got[i] = Float.floatToRawIntBits(mapped[3 + i]);
                }
                assertThat(got).as("%s clamps %s", java.util.Arrays.toString(s), java.util.Arrays.toString(c))
                        .containsExactly(want);
            }
        }
    }

    @Test
    void theDirectPathCoversFirstLayersAndLeavesTheRestToTheGemm() {
        assertThat(DirectConvolution.supports(ConvGeometry.of(1, 3, 32, 32, 128, 3, 1, 1)))
                .isEqualTo(org.rbnn4j.simd.gemm.GemmBlocking.LANES >= 16);
        assertThat(DirectConvolution.supports(ConvGeometry.of(1, 3, 32, 32, 128, 3, 2, 1))).isFalse();
        assertThat(DirectConvolution.supports(ConvGeometry.of(1, 3, 5, 6, 32, 3, 1, 1))).isFalse();
        assertThat(DirectConvolution.supports(ConvGeometry.of(1, 48, 8, 8, 32, 3, 1, 1))).isFalse();
    }

    /** {@code n} draws of a normal distribution with standard deviation {@code sd}, in draw order. */
    private static float[] gaussians(SplittableRandom rnd, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * sd);
        }
        return v;
    }
}
