package org.rbnn4j.datasets.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.Normalization;

class TransformTest {

    /** Image whose value at (c, y, x) is c*10000 + y*100 + x + 1 (never zero). */
    static FloatImage ramp(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(ch * h + y) * w + x] = ch * 10000 + y * 100 + x + 1;
                }
            }
        }
        return new FloatImage(c, h, w, d);
    }

    @Test
    void padToSizeCentresTheImageInZeros() {
        FloatImage out = Pad.toSize(32, 32).apply(ramp(1, 28, 28), new SplittableRandom(1));
        assertThat(out.shape().toString()).isEqualTo("1x32x32");
        assertThat(out.get(0, 0, 0)).isZero();
        assertThat(out.get(0, 1, 5)).isZero();
        assertThat(out.get(0, 2, 2)).isEqualTo(1f);
        assertThat(out.get(0, 29, 29)).isEqualTo(27 * 100 + 27 + 1);
        assertThat(out.get(0, 30, 29)).isZero();
        assertThat(out.get(0, 31, 31)).isZero();
        FloatImage same = ramp(3, 32, 32);
        assertThat(Pad.toSize(32, 32).apply(same, null)).isSameAs(same);
        assertThatThrownBy(() -> Pad.toSize(16, 16).apply(ramp(1, 28, 28), null)).hasMessageContaining("smaller size");
    }

    @Test
    void padOnEverySide() {
        FloatImage out = Pad.of(4).apply(ramp(2, 3, 5), null);
        assertThat(out.shape().toString()).isEqualTo("2x11x13");
        assertThat(out.get(1, 4, 4)).isEqualTo(10001f);
        assertThat(out.get(1, 3, 4)).isZero();
        assertThat(out.get(0, 6, 8)).isEqualTo(205f);
        assertThat(out.get(0, 6, 9)).isZero();
    }

    @Test
    void randomCropEqualsTheWindowOfTheExplicitlyPaddedImage() {
        FloatImage src = ramp(3, 32, 32);
        FloatImage padded = Pad.of(4).apply(src, null);
        RandomCrop crop = new RandomCrop(32, 4);
        for (long seed = 0; seed < 50; seed++) {
            // The crop draws top then left with nextInt(40 - 32 + 1); replay them to know the window.
            SplittableRandom replay = new SplittableRandom(seed);
            int top = replay.nextInt(9);
            int left = replay.nextInt(9);
            FloatImage out = crop.apply(ramp(3, 32, 32), new SplittableRandom(seed));
            assertThat(out.shape().toString()).isEqualTo("3x32x32");
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        assertThat(out.get(c, y, x)).isEqualTo(padded.get(c, top + y, left + x));
                    }
                }
            }
        }
    }

    @Test
    void randomCropReachesEveryOffsetIncludingTheExtremes() {
        RandomCrop crop = new RandomCrop(32, 4);
        Set<Float> seen = new HashSet<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            seen.add(crop.apply(ramp(1, 32, 32), r).get(0, 0, 0));
        }
        // Output (0, 0) is padded (top, left) = input (top - 4, left - 4): zero padding when top or
        // left < 4, else ramp value (top-4)*100 + (left-4) + 1 for top, left in 4..8.
        Set<Float> expected = new HashSet<>();
        expected.add(0f);
        for (int y = 0; y <= 4; y++) {
            for (int x = 0; x <= 4; x++) {
                expected.add(y * 100f + x + 1);
            }
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void augmentationIsDeterministicUnderASeed() {
        Transform t = Recipes.cifarTrain(Normalization.CIFAR10);
        FloatImage a = t.apply(ramp(3, 32, 32), new SplittableRandom(42));
        FloatImage b = t.apply(ramp(3, 32, 32), new SplittableRandom(42));
        FloatImage c = t.apply(ramp(3, 32, 32), new SplittableRandom(43));
        assertThat(a.data()).containsExactly(b.data());
        assertThat(a.data()).isNotEqualTo(c.data());
    }

    @Test
    void flipMirrorsRowsAndHappensHalfTheTime() {
        FloatImage img = ramp(2, 3, 4);
        RandomHorizontalFlip.flip(img);
        assertThat(img.get(1, 2, 0)).isEqualTo(10000 + 200 + 3 + 1);
        assertThat(img.get(1, 2, 3)).isEqualTo(10000 + 200 + 0 + 1);
        RandomHorizontalFlip.flip(img);
        assertThat(img.data()).containsExactly(ramp(2, 3, 4).data());

        RandomHorizontalFlip flip = new RandomHorizontalFlip();
        SplittableRandom r = new SplittableRandom(3);
        int flipped = 0;
        for (int i = 0; i < 4000; i++) {
            if (flip.apply(ramp(1, 1, 2), r).get(0, 0, 0) == 2f) {
                flipped++;
            }
        }
        assertThat(flipped).isBetween(1800, 2200);
        assertThat(new RandomHorizontalFlip(0).apply(ramp(1, 1, 2), r).get(0, 0, 0)).isEqualTo(1f);
        assertThat(new RandomHorizontalFlip(1).apply(ramp(1, 1, 2), r).get(0, 0, 0)).isEqualTo(2f);
    }

    @Test
    void normaliseGivesZeroMeanUnitStdPerChannel() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 64 * 64;
        float[] d = new float[3 * n];
        float[] mean = {0.2f, 0.5f, 0.7f};
        float[] std = {0.1f, 0.2f, 0.05f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                d[c * n + i] = (float) (mean[c] + std[c] * r.nextGaussian());
            }
        }
        FloatImage img = new Normalize(new Normalization(mean, std)).apply(new FloatImage(3, 64, 64, d), null);
        for (int c = 0; c < 3; c++) {
            double s = 0;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                s += img.data()[c * n + i];
                ss += (double) img.data()[c * n + i] * img.data()[c * n + i];
            }
            double m = s / n;
            assertThat(m).as("mean of channel %d", c).isCloseTo(0, within(0.05));
            assertThat(Math.sqrt(ss / n - m * m)).as("std of channel %d", c).isCloseTo(1, within(0.05));
        }
        assertThat(new Normalize(Normalization.FASHION_MNIST).apply(new FloatImage(1, 1, 1, new float[] {0.2860f}), null).data()[0])
                .isZero();
        assertThatThrownBy(() -> new Normalize(Normalization.MNIST).apply(ramp(3, 2, 2), null))
                .hasMessageContaining("1 channel(s) applied to a 3-channel image");
    }

    @Test
    void standardConstants() {
        assertThat(Normalization.FASHION_MNIST.mean()).containsExactly(0.2860f);
        assertThat(Normalization.FASHION_MNIST.std()).containsExactly(0.3530f);
        assertThat(Normalization.MNIST.mean()).containsExactly(0.1307f);
        assertThat(Normalization.MNIST.std()).containsExactly(0.3081f);
        assertThat(Normalization.CIFAR10.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(Normalization.CIFAR10.std()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(Normalization.CIFAR100.mean()).containsExactly(0.507f, 0.487f, 0.441f);
        assertThat(Normalization.CIFAR100.std()).containsExactly(0.267f, 0.256f, 0.276f);
        assertThat(Normalization.IMAGENET).isEqualTo(Normalization.CIFAR10);
    }

    @Test
    void centerCropUsesRoundedOffsets() {
        FloatImage out = new CenterCrop(224).apply(ramp(1, 256, 300), null);
        assertThat(out.shape().toString()).isEqualTo("1x224x224");
        assertThat(out.get(0, 0, 0)).isEqualTo(16 * 100 + 38 + 1);
        // (5 - 2) / 2 = 1.5 rounds to even: 2.
        assertThat(new CenterCrop(2).apply(ramp(1, 5, 5), null).get(0, 0, 0)).isEqualTo(2 * 100 + 2 + 1);
    }

    @Test
    void resizeKeepsConstantsAndAveragesWhenShrinking() {
        float[] d = new float[3 * 40 * 60];
        java.util.Arrays.fill(d, 0.25f);
        FloatImage out = Resize.shorterSide(20).apply(new FloatImage(3, 40, 60, d), null);
        assertThat(out.shape().toString()).isEqualTo("3x20x30");
        for (float v : out.data()) {
            assertThat(v).isCloseTo(0.25f, within(1e-6f));
        }
        // Stripes of 0 and 1 one pixel wide average to 0.5 when halved (antialiasing), not to 0 or 1.
        float[] s = new float[8 * 8];
        for (int i = 0; i < s.length; i++) {
            s[i] = (i % 8) % 2;
        }
        FloatImage half = Resize.to(4, 4).apply(new FloatImage(1, 8, 8, s), null);
        for (int x = 1; x < 3; x++) {
            assertThat(half.get(0, 1, x)).isCloseTo(0.5f, within(1e-5f));
        }
        // Upscaling 2 -> 4 interpolates linearly between the two pixels.
        FloatImage up = Resize.to(1, 4).apply(new FloatImage(1, 1, 2, new float[] {0f, 1f}), null);
        assertThat(up.data()).containsExactly(new float[] {0f, 0.25f, 0.75f, 1f}, within(1e-6f));
        // Resize(256) of a 300x400 image: shorter side 256, longer floor(256*400/300) = 341.
        assertThat(Resize.shorterSide(256).apply(ramp(1, 300, 400), null).shape().toString()).isEqualTo("1x256x341");
    }

    @Test
    void randomResizedCropShapeWindowAndDeterminism() {
        RandomResizedCrop rrc = new RandomResizedCrop(224);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            int[] w = rrc.window(300, 500, r);
            assertThat(w[0]).isBetween(0, 300 - w[2]);
            assertThat(w[1]).isBetween(0, 500 - w[3]);
            double area = (double) w[2] * w[3] / (300 * 500);
            assertThat(area).isBetween(0.05, 1.0);
        }
        FloatImage a = rrc.apply(ramp(3, 60, 80), new SplittableRandom(9));
        FloatImage b = rrc.apply(ramp(3, 60, 80), new SplittableRandom(9));
        assertThat(a.shape().toString()).isEqualTo("3x224x224");
        assertThat(a.data()).containsExactly(b.data());
        // A tall 10x1000 image cannot fit the ratio: the fallback takes the full height, width by ratio.
        int[] w = new RandomResizedCrop(8, 0.99, 1.0, 3.0 / 4, 4.0 / 3).window(1000, 10, new SplittableRandom(1));
        assertThat(w).containsExactly(493, 0, 13, 10);
    }

    @Test
    void recipesHaveTheDocumentedOutputShapes() {
        FloatImage train = Recipes.fashionMnistTrain().apply(ramp(1, 28, 28), new SplittableRandom(1));
        FloatImage test = Recipes.fashionMnistTest().apply(ramp(1, 28, 28), new SplittableRandom(1));
        assertThat(train.shape().toString()).isEqualTo("1x32x32");
        assertThat(test.shape().toString()).isEqualTo("1x32x32");
        // Test pipeline: padding zeros normalise to -mean/std, the centre keeps (x - mean)/std.
        assertThat(test.get(0, 0, 0)).isEqualTo((0f - 0.2860f) / 0.3530f);
        assertThat(test.get(0, 2, 2)).isEqualTo((1f - 0.2860f) / 0.3530f);
        assertThat(Recipes.imagenetTest().apply(ramp(3, 300, 400), null).shape().toString()).isEqualTo("3x224x224");
        assertThat(Recipes.train(org.rbnn4j.datasets.KnownDataset.MNIST).apply(ramp(1, 28, 28), new SplittableRandom(2))
                .shape().toString()).isEqualTo("1x32x32");
        assertThat(Recipes.test(org.rbnn4j.datasets.KnownDataset.CIFAR100).apply(ramp(3, 32, 32), null).get(2, 0, 0))
                .isEqualTo((20001f - 0.441f) / 0.276f);
    }
}
