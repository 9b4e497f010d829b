package org.rbnn4j.simd.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.floatConv;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.randomWithZeros;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.signs;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.toNhwc;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rbnn4j.core.compute.ConvGeometry;

/**
 * The packed convolution against the float model ({@code ScalarBackend.conv2dForward} on the +-1 tensors):
 * equal exactly, for both kernels, both output layouts, both border modes, and through the multi-threaded
 * executor, on shapes chosen to hit every border case (odd sizes, stride 2, channel counts around word edges).
 */
class PackedConv2dTest {

    static Stream<Arguments> shapes() {
        int[] channels = {3, 16, 31, 33, 63, 64, 65, 130};
        int[] sizes = {7, 9, 15};
        int[] couts = {5, 16, 17, 33, 64, 40};
        List<Arguments> list = new ArrayList<>();
        int i = 0;
        for (int cin : channels) {
            for (int kernel : new int[] {1, 3}) {
                for (int stride : new int[] {1, 2}) {
                    for (int padding : new int[] {0, 1}) {
                        for (BorderMode border : BorderMode.values()) {
                            int hw = sizes[i % sizes.length];
                            int cout = couts[(i / 3) % couts.length];
                            int batch = 2 + i % 2;
                            list.add(Arguments.of(batch, cin, hw, hw + (i % 2) * 2, cout, kernel, stride, padding, border));
                            i++;
                        }
                    }
                }
            }
        }
        // Wider borders than the kernel needs: 3x3 with padding 2, 1x1 with padding 1 (corner outputs see only border).
        list.add(Arguments.of(2, 65, 7, 9, 17, 3, 1, 2, BorderMode.ZERO));
        list.add(Arguments.of(2, 65, 7, 9, 17, 3, 2, 2, BorderMode.ONE));
        list.add(Arguments.of(2, 16, 5, 5, 9, 1, 1, 1, BorderMode.ZERO));
        list.add(Arguments.of(2, 16, 5, 5, 9, 1, 2, 1, BorderMode.ONE));
        // Several full wide panels into NHWC: pixel pairs run through all panels before the next pair.
        list.add(Arguments.of(2, 65, 9, 11, 128, 3, 1, 1, BorderMode.ZERO));
        list.add(Arguments.of(3, 33, 7, 7, 192, 3, 2, 1, BorderMode.ONE));
        list.add(Arguments.of(2, 64, 8, 8, 256, 1, 1, 0, BorderMode.ZERO));
        return list.stream();
    }

    @ParameterizedTest(name = "batch {0}, cin {1}, {2}x{3}, cout {4}, k {5}, stride {6}, pad {7}, {8}")
    @MethodSource("shapes")
    void packedConvolutionEqualsFloatConvolutionExactly(int batch, int cin, int h, int w, int cout, int kernel,
                                                        int stride, int padding, BorderMode border) {
        SplittableRandom rnd = new SplittableRandom(31L * cin + 7L * h + kernel + 3L * stride + padding + border.ordinal());
        ConvGeometry g = new ConvGeometry(batch, cin, h, w, cout, kernel, kernel, stride, padding, border.padValue());
        float[] x = randomWithZeros(rnd, g.inputSize());
        float[] wts = randomWithZeros(rnd, g.weightSize());
        float[] expected = floatConv(g, signs(x), signs(wts));
        float[] expectedNhwc = toNhwc(expected, batch, cout, g.outH(), g.outW());

        PackedConv2d conv = PackedConv2d.of(g, wts);
        PackedActivations in = PackedActivations.allocate(batch, cin, h, w, padding);
        ActivationPacker.packNchw(x, 0, in);

        for (PopcountKernel kernelImpl : PopcountKernel.values()) {
            float[] nchw = new float[g.outputSize()];
            conv.forward(in, nchw, OutputLayout.NCHW, kernelImpl);
            assertThat(nchw).as("%s NCHW", kernelImpl).containsExactly(expected);
            float[] nhwc = new float[g.outputSize()];
            conv.forward(in, nhwc, OutputLayout.NHWC, kernelImpl);
            assertThat(nhwc).as("%s NHWC", kernelImpl).containsExactly(expectedNhwc);
        }
        // Every register block of the vector kernel (panels of 1, 2 and 4 vectors of filters), whichever the
        // default for this filter count, with full panels (fused epilogue) and a partial last panel.
        int single = PopcountKernel.vectorPanelWidth(1);
        for (int panelWidth : new int[] {single, 2 * single, 4 * single}) {
            PackedConv2d c = new PackedConv2d(PackedFilters.pack(wts, 0, cout, cin, kernel, kernel, panelWidth),
                    h, w, stride, padding, border);
            float[] nchw = new float[g.outputSize()];
            c.forward(in, nchw, OutputLayout.NCHW, PopcountKernel.VECTOR);
            assertThat(nchw).as("panels of %d, NCHW", panelWidth).containsExactly(expected);
            float[] nhwc = new float[g.outputSize()];
            c.forward(in, nhwc, OutputLayout.NHWC, PopcountKernel.VECTOR);
            assertThat(nhwc).as("panels of %d, NHWC", panelWidth).containsExactly(expectedNhwc);
        }
        for (int threads : new int[] {1, 2}) {
            try (BinaryConvExecutor exec = new BinaryConvExecutor(threads, PopcountKernel.VECTOR, 0)) {
                float[] nchw = new float[g.outputSize()];
                exec.forward(conv, in, nchw, OutputLayout.NCHW);
                assertThat(nchw).as("executor, %d threads", threads).containsExactly(expected);
                float[] nhwc = new float[g.outputSize()];
                exec.forward(conv, in, nhwc, OutputLayout.NHWC);
                assertThat(nhwc).as("executor NHWC, %d threads", threads).containsExactly(expectedNhwc);
            }
        }
    }

    @Test
    void callsAreSplitOnlyWhenEveryThreadGetsEnoughWork() {
        long min = BinaryConvExecutor.MIN_BIT_MACS_PER_THREAD;
        // One image of a 16-channel 32x32 layer (2.4 M bit-MACs): one thread; a large layer: all of them.
        assertThat(BinaryConvExecutor.usefulThreads(16L * 9 * 16 * 1024, 2, min)).isEqualTo(1);
        assertThat(BinaryConvExecutor.usefulThreads(3 * min, 2, min)).isEqualTo(2);
        assertThat(BinaryConvExecutor.usefulThreads(3 * min, 8, min)).isEqualTo(3);
        assertThat(BinaryConvExecutor.usefulThreads(1, 4, 0)).isEqualTo(1);
        assertThat(BinaryConvExecutor.usefulThreads(2, 4, 0)).isEqualTo(2);
        assertThat(BinaryConvExecutor.usefulThreads(0, 4, min)).isEqualTo(1);
    }

    @Test
    void panelWidthFollowsTheFilterCount() {
        // The panel that wastes fewest filter lanes, the wider on ties: one, two or four vectors of filters.
        int single = PopcountKernel.vectorPanelWidth(1);
        int narrow = 2 * single;
        int wide = 4 * single;
        assertThat(PopcountKernel.vectorPanelWidth(single)).isEqualTo(single);
        assertThat(PopcountKernel.vectorPanelWidth(narrow)).isEqualTo(narrow);
        assertThat(PopcountKernel.vectorPanelWidth(3 * single)).isEqualTo(single);
        assertThat(PopcountKernel.vectorPanelWidth(4 * single)).isEqualTo(wide);
        assertThat(PopcountKernel.vectorPanelWidth(6 * single)).isEqualTo(narrow);
        assertThat(PopcountKernel.vectorPanelWidth(4 * single + 1)).isEqualTo(single);
        assertThat(PopcountKernel.vectorPanelWidth(16 * single)).isEqualTo(wide);
        assertThat(PackedConv2d.of(ConvGeometry.of(1, 8, 4, 4, 16 * single, 3, 1, 1), new float[16 * single * 8 * 9])
                .filters().panelWidth()).isEqualTo(wide);
    }

    static Stream<Arguments> pooledShapes() {
        return Stream.of(
                // odd sizes (the last row and column belong to no window), two wide panels, pixel pairs outer
                Arguments.of(2, 65, 9, 11, 128, 3, 1, 1, BorderMode.ZERO),
                Arguments.of(3, 33, 7, 7, 192, 3, 2, 1, BorderMode.ONE),
                Arguments.of(2, 64, 8, 8, 64, 3, 1, 1, BorderMode.ZERO),
                Arguments.of(2, 130, 6, 10, 64, 1, 1, 0, BorderMode.ONE),
                Arguments.of(2, 16, 5, 5, 64, 3, 1, 1, BorderMode.ZERO),
                // 288 KB of filters: panel by panel
                Arguments.of(2, 512, 6, 6, 512, 3, 1, 1, BorderMode.ZERO),
                // a filter count the vector kernel cannot pool (partial panel): the scalar kernel only
                Arguments.of(2, 31, 7, 8, 40, 3, 1, 1, BorderMode.ONE));
    }

    @ParameterizedTest(name = "batch {0}, cin {1}, {2}x{3}, cout {4}, k {5}, stride {6}, pad {7}, {8}")
    @MethodSource("pooledShapes")
    void maxPoolFusedIntoTheKernelEqualsPoolingTheExactResults(int batch, int cin, int h, int w, int cout,
                                                               int kernel, int stride, int padding,
                                                               BorderMode border) {
        SplittableRandom rnd = new SplittableRandom(17L * cin + h + 5L * cout);
        ConvGeometry g = new ConvGeometry(batch, cin, h, w, cout, kernel, kernel, stride, padding, border.padValue());
        float[] x = randomWithZeros(rnd, g.inputSize());
        float[] wts = randomWithZeros(rnd, g.weightSize());
        float[] conv = toNhwc(floatConv(g, signs(x), signs(wts)), batch, cout, g.outH(), g.outW());
        int ph = g.outH() / 2;
        int pw = g.outW() / 2;
        int pooledSize = ph * pw * cout;
        float[] expected = new float[batch * pooledSize];
        for (int n = 0; n < batch; n++) {
            for (int py = 0; py < ph; py++) {
                for (int px = 0; px < pw; px++) {
                    for (int c = 0; c < cout; c++) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                int pixel = (n * g.outH() + 2 * py + dy) * g.outW() + 2 * px + dx;
                                max = Math.max(max, conv[pixel * cout + c]);
                            }
                        }
                        expected[n * pooledSize + (py * pw + px) * cout + c] = max;
                    }
                }
            }
        }
        PackedConv2d packed = PackedConv2d.of(g, wts);
        PackedActivations in = PackedActivations.allocate(batch, cin, h, w, padding);
        ActivationPacker.packNchw(x, 0, in);
        boolean vectorPools = cout % VectorBinaryConv.WIDE_PANEL == 0
                && PackedConv2d.of(g, wts).filters().panelWidth() == VectorBinaryConv.WIDE_PANEL;
        assertThat(packed.supportsMaxPool2x2(PopcountKernel.SCALAR)).isTrue();
        assertThat(packed.supportsMaxPool2x2(PopcountKernel.VECTOR)).isEqualTo(vectorPools);
        int outOff = 5;
        for (PopcountKernel k : PopcountKernel.values()) {
            if (!packed.supportsMaxPool2x2(k)) {
                float[] out = new float[batch * pooledSize];
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> packed.forwardMaxPool2x2(in, 0, batch, 0, ph, out, 0, k))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot fuse");
                continue;
            }
            float[] out = new float[outOff + batch * pooledSize];
            packed.forwardMaxPool2x2(in, 0, batch, 0, ph, out, outOff, k);
            assertThat(java.util.Arrays.copyOf(out, outOff)).as("%s before the offset", k).containsOnly(0f);
            assertThat(java.util.Arrays.copyOfRange(out, outOff, out.length)).as("%s all images", k)
                    .containsExactly(expected);
            // A band: pooled rows [1, ph) of image 1 only, at their place in a one-image output.
            float[] band = new float[pooledSize];
            java.util.Arrays.fill(band, Float.NaN);
            packed.forwardMaxPool2x2(in, 1, 1, 1, ph, band, 0, k);
            float[] want = java.util.Arrays.copyOfRange(expected, pooledSize, 2 * pooledSize);
            java.util.Arrays.fill(want, 0, pw * cout, Float.NaN);
            assertThat(band).as("%s band of image 1", k).containsExactly(want);
            // Split among threads (tiles of pooled rows, and of filter panels when rows are few), every call split.
            for (int threads : new int[] {1, 2, 3}) {
                try (BinaryConvExecutor exec = new BinaryConvExecutor(threads, k, 0)) {
                    float[] split = new float[outOff + batch * pooledSize];
                    exec.forwardMaxPool2x2(packed, in, 0, batch, 0, ph, split, outOff);
                    assertThat(split).as("%s, %d threads", k, threads).containsExactly(out);
                    float[] one = new float[pooledSize];
                    exec.forwardMaxPool2x2(packed, in, batch - 1, 1, 0, ph, one, 0);
                    assertThat(one).as("%s, %d threads, last image", k, threads)
                            .containsExactly(java.util.Arrays.copyOfRange(expected, (batch - 1) * pooledSize,
                                    batch * pooledSize));
                }
            }
        }
    }

    @Test
    void aBatchSizedOutputRunsPixelByPixelWithTheSameResults() {
        // Three wide panels whose filters overflow L1 (54 words x 3 panels): pixel pairs outer when the call's output
        // streams past L2 (the whole batch), panel by panel for one image; the two orders give the same floats.
        int wide = VectorBinaryConv.WIDE_PANEL;
        SplittableRandom rnd = new SplittableRandom(11);
        int batch = 12;
        int size = 16;
        ConvGeometry g = ConvGeometry.of(batch, 192, size, size, 3 * wide, 3, 1, 1);
        float[] x = randomWithZeros(rnd, g.inputSize());
        float[] wts = randomWithZeros(rnd, g.weightSize());
        PackedConv2d conv = PackedConv2d.of(g, wts);
        PackedActivations in = PackedActivations.allocate(batch, 192, size, size, 1);
        ActivationPacker.packNchw(x, 0, in);
        int kWords = conv.filters().kWords();
        int pixels = size * size;
        if (wide == 64) {
            assertThat(VectorBinaryConv.pixelMajorOrder(wide, 3, kWords, batch * pixels)).as("whole batch").isTrue();
            assertThat(VectorBinaryConv.pixelMajorOrder(wide, 3, kWords, pixels)).as("one image").isFalse();
        }
        float[] whole = new float[g.outputSize()];
        conv.forward(in, whole, OutputLayout.NHWC, PopcountKernel.VECTOR);
        int per = conv.outputSizePerImage();
        for (int image = 0; image < batch; image++) {
            float[] one = new float[per];
            conv.forwardImages(in, image, 1, one, OutputLayout.NHWC, PopcountKernel.VECTOR);
            assertThat(java.util.Arrays.copyOfRange(whole, image * per, (image + 1) * per)).as("image %d", image)
                    .containsExactly(one);
        }
        ConvGeometry first = ConvGeometry.of(1, 192, size, size, 3 * wide, 3, 1, 1);
        float[] expected = toNhwc(floatConv(first, signs(java.util.Arrays.copyOf(x, first.inputSize())), signs(wts)),
                1, 3 * wide, size, size);
        assertThat(java.util.Arrays.copyOf(whole, per)).as("image 0 against the float convolution")
                .containsExactly(expected);
    }

    @Test
    void singleImagePathWritesThatImageOnly() {
        SplittableRandom rnd = new SplittableRandom(5);
        ConvGeometry g = ConvGeometry.of(3, 130, 9, 9, 40, 3, 1, 1);
        float[] x = randomWithZeros(rnd, g.inputSize());
        float[] wts = randomWithZeros(rnd, g.weightSize());
        float[] expected = floatConv(g, signs(x), signs(wts));
        PackedConv2d conv = PackedConv2d.of(g, wts);
        PackedActivations in = PackedActivations.allocate(3, 130, 9, 9, 1);
        ActivationPacker.packNchw(x, 0, in);
        int per = conv.outputSizePerImage();
        for (int threads : new int[] {1, 2}) {
            try (BinaryConvExecutor exec = new BinaryConvExecutor(threads, PopcountKernel.VECTOR, 0)) {
                for (int image = 0; image < 3; image++) {
                    float[] out = new float[per];
                    exec.forwardImage(conv, in, image, out, OutputLayout.NCHW);
                    float[] want = java.util.Arrays.copyOfRange(expected, image * per, (image + 1) * per);
                    assertThat(out).as("image %d, %d threads", image, threads).containsExactly(want);
                }
            }
        }
    }

    @Test
    void inputWithWiderBorderServesAConvolutionWithLessPadding() {
        // One packing (border 1) feeds both the 3x3 pad-1 convolution and a 1x1 pad-0 stride-2 shortcut.
        SplittableRandom rnd = new SplittableRandom(9);
        ConvGeometry g = ConvGeometry.of(2, 64, 9, 9, 24, 1, 2, 0);
        float[] x = randomWithZeros(rnd, g.inputSize());
        float[] wts = randomWithZeros(rnd, g.weightSize());
        PackedActivations in = PackedActivations.allocate(2, 64, 9, 9, 1);
        ActivationPacker.packNchw(x, 0, in);
        PackedConv2d conv = PackedConv2d.of(g, wts);
        assertThat(conv.forward(in, OutputLayout.NCHW)).containsExactly(floatConv(g, signs(x), signs(wts)));
    }

    @Test
    void correctionIsTheWeightSumOverPaddedTaps() {
        SplittableRandom rnd = new SplittableRandom(2);
        ConvGeometry g = ConvGeometry.of(1, 70, 5, 6, 3, 3, 1, 1);
        float[] wts = randomWithZeros(rnd, g.weightSize());
        float[] sw = signs(wts);
        PackedConv2d conv = PackedConv2d.of(g, wts);
        for (int co = 0; co < 3; co++) {
            for (int oy = 0; oy < conv.outH(); oy++) {
                for (int ox = 0; ox < conv.outW(); ox++) {
                    long want = 0;
                    for (int ci = 0; ci < 70; ci++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy - 1 + ky;
                                int ix = ox - 1 + kx;
                                if (iy < 0 || iy >= 5 || ix < 0 || ix >= 6) {
                                    want += (long) sw[((co * 70 + ci) * 3 + ky) * 3 + kx];
                                }
                            }
                        }
                    }
                    assertThat(conv.borderCorrection(oy, ox, co)).as("(%d,%d) filter %d", oy, ox, co).isEqualTo(want);
                }
            }
        }
        assertThat(conv.borderCorrection(2, 2, 0)).isZero();
    }

    @Test
    void rejectsInputsThatDoNotFit() {
        PackedConv2d conv = PackedConv2d.of(ConvGeometry.of(1, 16, 8, 8, 16, 3, 1, 1), new float[16 * 16 * 9]);
        PackedActivations narrowBorder = PackedActivations.allocate(1, 16, 8, 8, 0);
        PackedActivations wrongChannels = PackedActivations.allocate(1, 17, 8, 8, 1);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> conv.forward(narrowBorder, OutputLayout.NCHW)).withMessageContaining("border");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> conv.forward(wrongChannels, OutputLayout.NCHW)).withMessageContaining("does not fit");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> conv.forward(PackedActivations.allocate(1, 16, 8, 8, 1), new float[10],
                        OutputLayout.NCHW, PopcountKernel.SCALAR)).withMessageContaining("output holds");
    }
}
