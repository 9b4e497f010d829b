package org.rbnn4j.simd.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.randomWithZeros;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.signs;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.toNhwc;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActivationPackerTest {

    @Test
    void bitIsSetExactlyForNegativeValuesAndTailAndBorderStayZero() {
        float[] x = {-1f, 0f, -0f, 2f, -3e-38f, Float.MIN_VALUE};
        // 6 channels of a 1x1 image, border 1.
        PackedActivations p = PackedActivations.allocate(1, 6, 1, 1, 1);
        ActivationPacker.packNchw(x, 0, p);
        assertThat(p.bits()[p.offset(0, 0, 0)]).isEqualTo(0b010001);
        for (int y = -1; y <= 1; y++) {
            for (int xx = -1; xx <= 1; xx++) {
                if (y != 0 || xx != 0) {
                    assertThat(p.bits()[p.offset(0, y, xx)]).as("border (%d,%d)", y, xx).isZero();
                }
            }
        }
    }

    @Test
    void nchwAndNhwcPackingAgreeAndRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int c : new int[] {3, 8, 16, 31, 32, 33, 63, 64, 65, 96, 128, 130, 256}) {
            float[] x = randomWithZeros(rnd, 2 * c * 5 * 7);
            PackedActivations a = PackedActivations.allocate(2, c, 5, 7, 1);
            PackedActivations b = PackedActivations.allocate(2, c, 5, 7, 1);
            ActivationPacker.packNchw(x, 0, a);
            ActivationPacker.packNhwc(toNhwc(x, 2, c, 5, 7), 0, b);
            assertThat(b.bits()).as("%d channels", c).containsExactly(a.bits());
            PackedActivations v = PackedActivations.allocate(2, c, 5, 7, 1);
            PackedActivations s = PackedActivations.allocate(2, c, 5, 7, 1);
            VectorActivationPacker.packNhwc(toNhwc(x, 2, c, 5, 7), 0, null, v);
            ActivationPacker.packNhwcScalar(toNhwc(x, 2, c, 5, 7), 0, null, s);
            assertThat(v.bits()).as("vector NHWC, %d channels", c).containsExactly(a.bits());
            assertThat(s.bits()).as("scalar NHWC, %d channels", c).containsExactly(a.bits());
            PackedActivations vn = PackedActivations.allocate(2, c, 5, 7, 1);
            PackedActivations sn = PackedActivations.allocate(2, c, 5, 7, 1);
            VectorActivationPacker.packNchw(x, 0, null, vn);
            ActivationPacker.packNchwScalar(x, 0, null, sn);
            assertThat(vn.bits()).as("vector NCHW, %d channels", c).containsExactly(sn.bits());
            assertThat(sn.toNchw()).containsExactly(signs(x));
            assertThat(a.toNchw()).containsExactly(signs(x));
            // Tail bits of the last word of every pixel are clear.
            if (c % 32 != 0) {
                int tail = -1 << (c % 32);
                for (int y = 0; y < 5; y++) {
                    for (int xx = 0; xx < 7; xx++) {
                        assertThat(a.bits()[a.offset(1, y, xx) + a.wordsPerPixel() - 1] & tail).isZero();
                    }
                }
            }
        }
    }

    @Test
    void vectorPackingOfWideRowsEqualsScalar() {
        // 45 = 32 + 8 + 5 pixels: the 4-vector chunk, a full single vector and a masked tail (AVX-512 widths).
        SplittableRandom rnd = new SplittableRandom(8);
        for (int c : new int[] {5, 64, 130}) {
            float[] x = randomWithZeros(rnd, 2 * c * 3 * 45);
            float[] t = {0.1f, -0.2f};
            PackedActivations v = PackedActivations.allocate(2, c, 3, 45, 1);
            PackedActivations s = PackedActivations.allocate(2, c, 3, 45, 1);
            VectorActivationPacker.packNchw(x, 0, t, v);
            ActivationPacker.packNchwScalar(x, 0, t, s);
            assertThat(v.bits()).as("NCHW, %d channels", c).containsExactly(s.bits());
            VectorActivationPacker.packNhwc(toNhwc(x, 2, c, 3, 45), 0, t, v);
            assertThat(v.bits()).as("NHWC, %d channels", c).containsExactly(s.bits());
        }
    }

    @Test
    void packingTheFirstImagesOnlyLeavesTheOthers() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int c : new int[] {16, 64, 70}) {
            float[] x = randomWithZeros(rnd, 3 * c * 4 * 4);
            float[] t = {0.1f, -0.3f, 0.2f};
            PackedActivations all = PackedActivations.allocate(3, c, 4, 4, 1);
            ActivationPacker.packNhwc(toNhwc(x, 3, c, 4, 4), 0, t, all);
            PackedActivations firstTwo = PackedActivations.allocate(3, c, 4, 4, 1);
            ActivationPacker.packNhwc(toNhwc(x, 3, c, 4, 4), 0, t, firstTwo, 2);
            PackedActivations firstTwoNchw = PackedActivations.allocate(3, c, 4, 4, 1);
            ActivationPacker.packNchw(x, 0, t, firstTwoNchw, 2);
            int imageWords = all.imageStride();
            assertThat(java.util.Arrays.copyOf(firstTwo.bits(), 2 * imageWords))
                    .containsExactly(java.util.Arrays.copyOf(all.bits(), 2 * imageWords));
            assertThat(firstTwoNchw.bits()).containsExactly(firstTwo.bits());
            assertThat(java.util.Arrays.copyOfRange(firstTwo.bits(), 2 * imageWords, 3 * imageWords))
                    .containsOnly(0);
            // image by image, in any order, vector and scalar
            float[] nhwc = toNhwc(x, 3, c, 4, 4);
            PackedActivations byImage = PackedActivations.allocate(3, c, 4, 4, 1);
            PackedActivations byImageScalar = PackedActivations.allocate(3, c, 4, 4, 1);
            for (int i : new int[] {2, 0, 1}) {
                ActivationPacker.packImageNhwc(nhwc, i * c * 16, t[i], byImage, i);
                ActivationPacker.packImageNhwcScalar(nhwc, i * c * 16, t[i], byImageScalar, i);
            }
            assertThat(byImage.bits()).containsExactly(all.bits());
            assertThat(byImageScalar.bits()).containsExactly(all.bits());
        }
    }

    @Test
    void thresholdsGiveSignOfDifferenceAndRepackingOverwrites() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = randomWithZeros(rnd, 2 * 70 * 3 * 3);
        float[] t = {0.25f, -0.1f};
        float[] shifted = new float[x.length];
        int per = 70 * 9;
        for (int i = 0; i < x.length; i++) {
            shifted[i] = x[i] - t[i / per];
        }
        PackedActivations p = PackedActivations.allocate(2, 70, 3, 3, 0);
        ActivationPacker.packNchw(randomWithZeros(rnd, x.length), 0, p); // stale content must be overwritten
        ActivationPacker.packNchw(x, 0, t, p);
        assertThat(p.toNchw()).containsExactly(signs(shifted));
        PackedActivations q = PackedActivations.allocate(2, 70, 3, 3, 0);
        ActivationPacker.packNhwc(randomWithZeros(rnd, x.length), 0, q);
        ActivationPacker.packNhwc(toNhwc(x, 2, 70, 3, 3), 0, t, q);
        assertThat(q.bits()).containsExactly(p.bits());
        PackedActivations v = PackedActivations.allocate(2, 70, 3, 3, 0);
        VectorActivationPacker.packNhwc(toNhwc(x, 2, 70, 3, 3), 0, t, v);
        assertThat(v.bits()).containsExactly(p.bits());
        PackedActivations vn = PackedActivations.allocate(2, 70, 3, 3, 0);
        PackedActivations sn = PackedActivations.allocate(2, 70, 3, 3, 0);
        VectorActivationPacker.packNchw(x, 0, t, vn);
        ActivationPacker.packNchwScalar(x, 0, t, sn);
        assertThat(vn.bits()).containsExactly(sn.bits()).containsExactly(p.bits());
    }

    @Test
    void filtersPackSignsWithTapSums() {
        SplittableRandom rnd = new SplittableRandom(6);
        float[] w = randomWithZeros(rnd, 20 * 65 * 9);
        PackedFilters f = PackedFilters.pack(w, 0, 20, 65, 3, 3, 16);
        assertThat(f.toFloat()).containsExactly(signs(w));
        assertThat(f.panelCount()).isEqualTo(2);
        float[] s = signs(w);
        int sum = 0;
        for (int ci = 0; ci < 65; ci++) {
            sum += (int) s[((19 * 65 + ci) * 3 + 2) * 3 + 1];
        }
        assertThat(f.tapSum(19, 2, 1)).isEqualTo(sum);
    }
}
