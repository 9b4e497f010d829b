package org.rbnn4j.simd;

import static org.rbnn4j.simd.TestArrays.assertCloseToReference;
import static org.rbnn4j.simd.TestArrays.random;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;

/** The three convolution passes against the scalar reference over strides, paddings, pad values and odd sizes. */
class SimdBackendConvolutionTest {
    private static final ScalarBackend REFERENCE = new ScalarBackend();
    private static SimdBackend oneThread;
    private static SimdBackend twoThreads;

    @BeforeAll
    static void start() {
        oneThread = SimdBackend.create(1);
        twoThreads = SimdBackend.create(2);
    }

    @AfterAll
    static void stop() {
        oneThread.close();
        twoThreads.close();
    }

    private static void check(SimdBackend simd, ConvGeometry g, SplittableRandom rnd) {
        String what = g + " threads=" + simd.threads();
        float[] x = random(rnd, g.inputSize());
        float[] w = random(rnd, g.weightSize());
        float[] dy = random(rnd, g.outputSize());

        float[] yRef = new float[g.outputSize()];
        float[] y = random(rnd, g.outputSize()); // overwritten
        REFERENCE.conv2dForward(g, x, w, yRef);
        simd.conv2dForward(g, x, w, y);
        assertCloseToReference("forward " + what, y, yRef, 1e-5);

        float[] dxRef = new float[g.inputSize()];
        float[] dx = random(rnd, g.inputSize()); // overwritten
        REFERENCE.conv2dBackwardData(g, dy, w, dxRef);
        simd.conv2dBackwardData(g, dy, w, dx);
        assertCloseToReference("backward data " + what, dx, dxRef, 1e-5);

        float[] dwRef = random(rnd, g.weightSize()); // accumulated into
        float[] dw = dwRef.clone();
        REFERENCE.conv2dBackwardWeights(g, x, dy, dwRef);
        simd.conv2dBackwardWeights(g, x, dy, dw);
        assertCloseToReference("backward weights " + what, dw, dwRef, 1e-5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void smallGeometries(int threads) {
        SimdBackend simd = threads == 1 ? oneThread : twoThreads;
        SplittableRandom rnd = new SplittableRandom(100 + threads);
        for (int stride = 1; stride <= 2; stride++) {
            for (int padding = 0; padding <= 1; padding++) {
                for (float padValue : new float[] {0f, 1f}) {
                    for (int kernel : new int[] {1, 3}) {
                        int batch = 1 + rnd.nextInt(3);
                        int cin = 1 + rnd.nextInt(5);
                        int h = 5 + rnd.nextInt(5);
                        int w = 5 + rnd.nextInt(5);
                        int cout = 1 + rnd.nextInt(11);
                        check(simd, new ConvGeometry(batch, cin, h, w, cout, kernel, kernel, stride, padding, padValue), rnd);
                    }
                }
            }
        }
        // Non-square kernel and a kernel as large as the padded input.
        check(simd, new ConvGeometry(2, 3, 6, 7, 5, 2, 3, 1, 1, 1f), rnd);
        check(simd, new ConvGeometry(1, 2, 3, 3, 9, 5, 5, 1, 1, 0f), rnd);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void geometriesSpanningSeveralPanelsAndDepthBlocks(int threads) {
        SimdBackend simd = threads == 1 ? oneThread : twoThreads;
        SplittableRandom rnd = new SplittableRandom(200 + threads);
        // K = 48 * 9 = 432 > KC, 144 output pixels > NR, Cout not a multiple of the register tile.
        check(simd, new ConvGeometry(3, 48, 12, 12, 20, 3, 3, 1, 1, 0f), rnd);
        // Stride 2 with one-padding, Cout a multiple of 8 (weights and dY read in place).
        check(simd, new ConvGeometry(2, 16, 11, 11, 32, 3, 3, 2, 1, 1f), rnd);
        // Stride 2 with output rows wider than a vector (vector path of the strided copies), odd width, pad 0 and 1.
        check(simd, new ConvGeometry(2, 3, 34, 37, 8, 3, 3, 2, 1, 0f), rnd);
        check(simd, new ConvGeometry(1, 2, 40, 35, 9, 3, 3, 2, 0, 0f), rnd);
        // One image on two threads: the work is split inside the image.
        check(simd, new ConvGeometry(1, 24, 10, 10, 16, 3, 3, 1, 1, 0f), rnd);
    }

    /** Output rows of 8 (im2col's half-vector rows), at stride 1 and 2, with and without padding. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void rowsOfEight(int threads) {
        SimdBackend simd = threads == 1 ? oneThread : twoThreads;
        SplittableRandom rnd = new SplittableRandom(400 + threads);
        check(simd, new ConvGeometry(3, 32, 16, 16, 64, 3, 3, 2, 1, 0f), rnd);
        check(simd, new ConvGeometry(2, 7, 15, 15, 5, 1, 1, 2, 0, 0f), rnd);
        check(simd, new ConvGeometry(2, 9, 8, 8, 16, 3, 3, 1, 1, 1f), rnd);
        check(simd, new ConvGeometry(1, 4, 10, 10, 6, 3, 3, 1, 0, 0f), rnd);
    }

    /** Stride-1 gradients by shifted views (ShiftedWeightGradient, ShiftedDataGradient): the cases their layout has to get right. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void stride1GradientsByShiftedViews(int threads) {
        SimdBackend simd = threads == 1 ? oneThread : twoThreads;
        SplittableRandom rnd = new SplittableRandom(300 + threads);
        // Padded rows 34 wide: 32 * 34 output positions per image, more than one depth block of the GEMM.
        check(simd, new ConvGeometry(2, 16, 32, 32, 16, 3, 3, 1, 1, 0f), rnd);
        // A padded plane of 16 x 16 = 256 floats gets slack between planes; one-padding.
        check(simd, new ConvGeometry(3, 8, 14, 14, 8, 3, 3, 1, 1, 1f), rnd);
        // Channels not a multiple of the register tile, filters wider than one B panel, non-square kernel, pad 2.
        check(simd, new ConvGeometry(2, 5, 9, 11, 40, 5, 3, 1, 2, 0f), rnd);
        // No padding (the last taps read past the last row of the plane), one image split over taps / channels.
        check(simd, new ConvGeometry(1, 16, 16, 16, 64, 3, 3, 1, 0, 0f), rnd);
        check(simd, new ConvGeometry(1, 21, 8, 8, 12, 3, 3, 1, 1, 0f), rnd);
    }
}
