package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.rbnn.StandardisationKernels;

/** {@link SampleMean} equals {@link StandardisationKernels#mean} of the NCHW image bit for bit, fast path or not. */
class SampleMeanTest {

    @Test
    void equalsTheReferenceMeanOfTheNchwImageOnManyImages() {
        SplittableRandom rnd = new SplittableRandom(21);
        int[][] shapes = {{16, 1024}, {32, 256}, {64, 64}, {128, 16}, {70, 9}, {3, 5}};
        int decided = 0;
        int images = 0;
        for (int[] s : shapes) {
            int c = s[0];
            int hw = s[1];
            for (int trial = 0; trial < 40; trial++) {
                float[] nchw = sample(rnd, c * hw, trial);
                float[] nhwc = new float[nchw.length + 7];
                LayoutOps.nchwToNhwc(nchw, 0, nhwc, 7, c, hw);
                float expected = StandardisationKernels.mean(nchw, 0, nchw.length);
                float actual = SampleMean.ofNhwc(nhwc, 7, c, hw);
                assertThat(Float.floatToIntBits(actual)).as("%dx%d trial %d: %s vs %s", c, hw, trial, actual, expected)
                        .isEqualTo(Float.floatToIntBits(expected));
                if (!Float.isNaN(SampleMean.decided(nhwc, 7, c * hw))) {
                    decided++;
                }
                images++;
            }
        }
        // the fast path decides nearly always on such data (else the fallback carries the cost)
        assertThat(decided).isGreaterThan(images * 9 / 10);
    }

    @Test
    void balancedHardtanhImagesWithASmallMeanAreDecidedFastAndExactly() {
        // Like vgg_small's second binary layer: 256 channels of 16x16, mostly saturated hardtanh outputs whose mean
        // (up to 2e-3) is small next to their mean magnitude. The generic (n - 1) u sum|x| error bound decided 55 of
        // these 80 images; the depth bound decides 75, and exactly.
        SplittableRandom rnd = new SplittableRandom(5);
        int c = 256;
        int hw = 256;
        int images = 80;
        int decided = 0;
        for (int image = 0; image < images; image++) {
            float[] nchw = new float[c * hw];
            double bias = (rnd.nextDouble() - 0.5) * 4e-3;
            for (int i = 0; i < nchw.length; i++) {
                nchw[i] = (float) Math.max(-1, Math.min(1, rnd.nextGaussian() * 0.6 + bias));
            }
            float[] nhwc = new float[nchw.length];
            LayoutOps.nchwToNhwc(nchw, 0, nhwc, 0, c, hw);
            float expected = StandardisationKernels.mean(nchw, 0, nchw.length);
            float fast = SampleMean.decided(nhwc, 0, c * hw);
            if (!Float.isNaN(fast)) {
                decided++;
                assertThat(Float.floatToIntBits(fast)).as("image %d", image).isEqualTo(Float.floatToIntBits(expected));
            }
            assertThat(Float.floatToIntBits(SampleMean.ofNhwc(nhwc, 0, c, hw)))
                    .isEqualTo(Float.floatToIntBits(expected));
        }
        assertThat(decided).isGreaterThanOrEqualTo(images * 9 / 10);
    }

    @Test
    void hardtanhsMagnitudeBoundDecidesMostImagesAndTheirMagnitudesTheRest() {
        // What the fused layers do for a hardtanh output: decide with sum|x| <= len first, with the summed magnitudes
        // only if that fails, with the reference last; always the reference's mean.
        SplittableRandom rnd = new SplittableRandom(9);
        int c = 256;
        int hw = 256;
        int len = c * hw;
        int images = 80;
        int byBound = 0;
        int byMagnitudes = 0;
        for (int image = 0; image < images; image++) {
            float[] x = new float[len];
            double bias = (rnd.nextDouble() - 0.5) * 4e-3;
            // 16 interleaved partial sums, as the fused layers' vector lanes: depth len / 16 + 4
            double[] lanes = new double[16];
            double abs = 0;
            for (int i = 0; i < len; i++) {
                x[i] = (float) Math.max(-1, Math.min(1, rnd.nextGaussian() * 0.6 + bias));
                lanes[i % 16] += x[i];
                abs += Math.abs(x[i]);
            }
            double sum = 0;
            for (double lane : lanes) {
                sum += lane;
            }
            int depth = len / 16 + 16;
            assertThat(SampleMean.magnitudeSum(x, 0, len)).isCloseTo(abs, within(abs * 1e-12));
            float expected = StandardisationKernels.mean(x, 0, len);
            float t = SampleMean.decide(sum, len, len, depth);
            if (!Float.isNaN(t)) {
                byBound++;
            } else {
                t = SampleMean.decide(sum, SampleMean.magnitudeSum(x, 0, len), len, depth);
                byMagnitudes += Float.isNaN(t) ? 0 : 1;
            }
            if (!Float.isNaN(t)) {
                assertThat(Float.floatToIntBits(t)).as("image %d", image).isEqualTo(Float.floatToIntBits(expected));
            }
            assertThat(Float.floatToIntBits(SampleMean.decideBounded(sum, 1f, x, 0, len, depth)))
                    .as("decideBounded, image %d", image).isEqualTo(Float.floatToIntBits(t));
        }
        assertThat(byBound).as("decided by the bound").isGreaterThanOrEqualTo(images * 3 / 4);
        assertThat(byBound + byMagnitudes).as("decided without the reference").isGreaterThan(byBound);
    }

    @Test
    void boundedValuesAreDecidedFromTheirSumAloneAndEqualTheReference() {
        // hardtanh outputs held NHWC: balanced (small mean, the bound alone often undecided), saturated (all -1: exact),
        // and channel counts that are not whole vectors (the scalar tail)
        SplittableRandom rnd = new SplittableRandom(21);
        int[][] shapes = {{128, 1024}, {64, 64}, {70, 35}, {3, 16}};
        for (int[] s : shapes) {
            int c = s[0];
            int hw = s[1];
            for (int image = 0; image < 6; image++) {
                float[] x = new float[5 + c * hw];
                for (int i = 5; i < x.length; i++) {
                    double v = image == 5 ? -3 : rnd.nextGaussian() * 0.8 + (image - 2) * 1e-3;
                    x[i] = (float) Math.max(-1, Math.min(1, v));
                }
                float expected = referenceMeanOfNhwc(x, 5, c, hw);
                float actual = SampleMean.ofNhwcBounded(x, 5, c, hw, 1f);
                assertThat(Float.floatToIntBits(actual)).as("%dx%d image %d", c, hw, image)
                        .isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    @Test
    void theFallbackRepeatsTheReferenceSummationInPlace() {
        // Small terms with pairs of huge ones of opposite signs (+-1e10 .. 1e14) among them, so that different summation
        // orders give different float means; pixel counts that are a multiple of 8 and not, and totals that leave a tail
        // of fewer than 8 terms for the reference's first sum.
        SplittableRandom rnd = new SplittableRandom(29);
        int[][] shapes = {{256, 256}, {16, 64}, {3, 7}, {5, 9}, {64, 4}, {1, 13}, {130, 25}};
        int differentFromNaive = 0;
        for (int[] s : shapes) {
            int c = s[0];
            int hw = s[1];
            for (int image = 0; image < 4; image++) {
                float[] x = new float[3 + c * hw];
                for (int i = 3; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                // two pairs at four distinct places: the sums that hold a huge term round the small ones added after it
                // at the huge term's precision, and the pairs cancel only in the final combination
                int[] at = rnd.ints(0, c * hw).distinct().limit(Math.min(4, c * hw)).toArray();
                for (int k = 0; k + 1 < at.length; k += 2) {
                    float huge = (float) Math.pow(10, 10 + 4 * rnd.nextDouble());
                    x[3 + at[k]] = huge;
                    x[3 + at[k + 1]] = -huge;
                }
                float expected = referenceMeanOfNhwc(x, 3, c, hw);
                assertThat(Float.floatToIntBits(SampleMean.reference(x, 3, c, hw))).as("%dx%d image %d", c, hw, image)
                        .isEqualTo(Float.floatToIntBits(expected));
                double naive = 0;
                for (int i = 3; i < x.length; i++) {
                    naive += x[i];
                }
                differentFromNaive += (float) (naive / (c * hw)) != expected ? 1 : 0;
            }
        }
        // the data does tell summation orders apart
        assertThat(differentFromNaive).isGreaterThan(14);
    }

    @Test
    void theDepthBoundIsNeverTooTightOnSumsOfManyLargeTerms() {
        // Terms of 1 and -1 + 2^-24 steps: long runs of cancellation make the rounding errors of every order as large
        // as they get; whatever decide() returns must still be the reference's mean.
        SplittableRandom rnd = new SplittableRandom(17);
        for (int trial = 0; trial < 200; trial++) {
            int c = 1 + rnd.nextInt(40);
            int hw = 1 + rnd.nextInt(300);
            float[] nchw = new float[c * hw];
            for (int i = 0; i < nchw.length; i++) {
                nchw[i] = rnd.nextBoolean() ? 1f + rnd.nextInt(64) * 0x1p-23f : -1f - rnd.nextInt(64) * 0x1p-23f;
                if (rnd.nextInt(50) == 0) {
                    nchw[i] *= 0x1p20f;
                }
            }
            float[] nhwc = new float[nchw.length];
            LayoutOps.nchwToNhwc(nchw, 0, nhwc, 0, c, hw);
            float expected = StandardisationKernels.mean(nchw, 0, nchw.length);
            float fast = SampleMean.decided(nhwc, 0, c * hw);
            if (!Float.isNaN(fast)) {
                assertThat(Float.floatToIntBits(fast)).as("%dx%d", c, hw).isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    @Test
    void aMeanOnAFloatRoundingBoundaryIsLeftToTheReference() {
        // mean of {1, 1 + 2^-23} is 1 + 2^-24, halfway between two floats: rounding order decides, so no fast answer
        float[] x = {1f, Math.nextUp(1f)};
        assertThat(SampleMean.decided(x, 0, 2)).isNaN();
        assertThat(SampleMean.ofNhwc(x, 0, 2, 1)).isEqualTo(StandardisationKernels.mean(x, 0, 2));
        float[] y = new float[64];
        y[5] = Float.NaN;
        assertThat(SampleMean.ofNhwc(y, 0, 16, 4)).isNaN();
        y[5] = Float.POSITIVE_INFINITY;
        assertThat(SampleMean.ofNhwc(y, 0, 16, 4)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SampleMean.ofNhwc(new float[64], 0, 16, 4)).isEqualTo(0f);
    }

    /** Hardtanh-like values (many exactly +-1), tiny values, or values with a mean near zero. */
    private static float[] sample(SplittableRandom rnd, int n, int kind) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = rnd.nextGaussian();
            v[i] = switch (kind % 4) {
                case 0 -> (float) Math.max(-1, Math.min(1, g * 0.8 + 0.1));
                case 1 -> (float) (g * 1e-3);
                case 2 -> (float) (g * 1e6 + 3);
                default -> (float) Math.max(-1, Math.min(1, g * 2));
            };
        }
        return v;
    }

    /** {@code StandardisationKernels.mean} of the NHWC image transposed to NCHW: what the float model computes. */
    private static float referenceMeanOfNhwc(float[] x, int off, int c, int hw) {
        float[] nchw = new float[c * hw];
        LayoutOps.nhwcToNchw(x, off, nchw, 0, c, hw);
        return StandardisationKernels.mean(nchw, 0, c * hw);
    }
}
