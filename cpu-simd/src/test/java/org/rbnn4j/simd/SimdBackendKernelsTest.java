package org.rbnn4j.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rbnn4j.simd.TestArrays.assertBitIdentical;
import static org.rbnn4j.simd.TestArrays.assertCloseToReference;
import static org.rbnn4j.simd.TestArrays.random;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.ScalarBackend;

/** Normalisation, element-wise kernels and the SGEMM entry point of the backend against the scalar reference. */
class SimdBackendKernelsTest {
    private static final ScalarBackend REFERENCE = new ScalarBackend();
    /** Shapes {@code n, c, hw}: odd sizes, hw = 1 (BatchNorm1d) and one large enough to run in parallel. */
    private static final int[][] CHANNEL_SHAPES = {{1, 1, 1}, {3, 5, 37}, {7, 6, 1}, {2, 3, 16}, {4, 16, 1031}};
    /** Lengths around the vector width plus one above the parallel threshold. */
    private static final int[] LENGTHS = {1, 15, 16, 17, 33, 250, 200_003};
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

    private static SimdBackend backend(int threads) {
        return threads == 1 ? oneThread : twoThreads;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void channelMeanVariance(int threads) {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int[] s : CHANNEL_SHAPES) {
            float[] x = random(rnd, s[0] * s[1] * s[2]);
            for (int i = 0; i < x.length; i++) {
                x[i] = 3f + 2f * x[i]; // a mean far from 0 checks the two-pass variance
            }
            float[] mean = new float[s[1]];
            float[] var = new float[s[1]];
            float[] meanRef = new float[s[1]];
            float[] varRef = new float[s[1]];
            REFERENCE.channelMeanVariance(x, s[0], s[1], s[2], meanRef, varRef);
            backend(threads).channelMeanVariance(x, s[0], s[1], s[2], mean, var);
            for (int ch = 0; ch < s[1]; ch++) {
                assertThat(mean[ch]).as("mean %s ch %d", java.util.Arrays.toString(s), ch)
                        .isCloseTo(meanRef[ch], org.assertj.core.data.Offset.offset(1e-5f * Math.abs(meanRef[ch]) + 1e-6f));
                assertThat(var[ch]).as("variance %s ch %d", java.util.Arrays.toString(s), ch)
                        .isCloseTo(varRef[ch], org.assertj.core.data.Offset.offset(1e-5f * varRef[ch] + 1e-6f));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void filterRotationIsBitIdentical(int threads) {
        SplittableRandom rnd = new SplittableRandom(9);
        // (filters, a, b): resnet20's 16x16x3x3 (12 x 12), 32 x 32x3x3 (16 x 18), 64 x 64x3x3 (24 x 24), vgg's
        // 512 x 512x3x3 (64 x 72: several column chunks), a 1x1 layer's 4 x 4, one filter, and rows not a multiple of
        // the kernel's four-row block with columns one past a vector (17 x 33)
        int[][] shapes = {{16, 12, 12}, {32, 16, 18}, {9, 24, 24}, {3, 64, 72}, {7, 4, 4}, {1, 3, 3}, {5, 17, 33}};
        for (int[] s : shapes) {
            int filters = s[0];
            int a = s[1];
            int b = s[2];
            float[] x = random(rnd, filters * a * b);
            float[] r1 = random(rnd, a * a);
            float[] r2 = random(rnd, b * b);
            float[] outRef = new float[x.length];
            float[] out = random(rnd, x.length);
            REFERENCE.rotateFilters(x, r1, r2, filters, a, b, outRef);
            backend(threads).rotateFilters(x, r1, r2, filters, a, b, out);
            assertBitIdentical("rotated filters " + java.util.Arrays.toString(s), out, outRef);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void poolingAndAddAreBitIdentical(int threads) {
        SplittableRandom rnd = new SplittableRandom(5);
        // {planes, h, w, kernel, stride, padding}: batch-sized plane counts so that several tasks run
        int[][] shapes = {{600, 8, 8, 2, 2, 0}, {300, 9, 9, 3, 2, 1}, {50, 32, 32, 2, 2, 0}, {7, 5, 6, 3, 1, 1}};
        for (int[] s : shapes) {
            int planes = s[0], h = s[1], w = s[2], k = s[3], st = s[4], pad = s[5];
            float[] x = random(rnd, planes * h * w);
            int oh = (h + 2 * pad - k) / st + 1;
            int ow = (w + 2 * pad - k) / st + 1;
            float[] y = new float[planes * oh * ow];
            float[] yRef = new float[y.length];
            int[] arg = new int[y.length];
            int[] argRef = new int[y.length];
            REFERENCE.maxPool2dForward(x, planes, h, w, k, st, pad, yRef, argRef);
            backend(threads).maxPool2dForward(x, planes, h, w, k, st, pad, y, arg);
            assertBitIdentical("max pool " + java.util.Arrays.toString(s), y, yRef);
            assertThat(arg).containsExactly(argRef);
            float[] dy = random(rnd, y.length);
            float[] dx = random(rnd, x.length);
            float[] dxRef = new float[x.length];
            REFERENCE.maxPool2dBackward(dy, argRef, planes, h, w, k, st, pad, dxRef);
            backend(threads).maxPool2dBackward(dy, arg, planes, h, w, k, st, pad, dx);
            assertBitIdentical("max pool gradient " + java.util.Arrays.toString(s), dx, dxRef);
            if (pad == 0) {
                REFERENCE.avgPool2dForward(x, planes, h, w, k, st, yRef);
                backend(threads).avgPool2dForward(x, planes, h, w, k, st, y);
                assertBitIdentical("avg pool " + java.util.Arrays.toString(s), y, yRef);
                REFERENCE.avgPool2dBackward(dy, planes, h, w, k, st, dxRef);
                backend(threads).avgPool2dBackward(dy, planes, h, w, k, st, dx);
                assertBitIdentical("avg pool gradient " + java.util.Arrays.toString(s), dx, dxRef);
            }
            float[] sum = new float[x.length];
            float[] sumRef = new float[x.length];
            REFERENCE.add(x, dx, sumRef, x.length);
            backend(threads).add(x, dx, sum, x.length);
            assertBitIdentical("add", sum, sumRef);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void channelAffineIsBitIdentical(int threads) {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] s : CHANNEL_SHAPES) {
            float[] x = random(rnd, s[0] * s[1] * s[2]);
            float[] scale = random(rnd, s[1]);
            float[] shift = random(rnd, s[1]);
            float[] yRef = new float[x.length];
            float[] y = new float[x.length];
            REFERENCE.channelAffine(x, s[0], s[1], s[2], scale, shift, yRef);
            backend(threads).channelAffine(x, s[0], s[1], s[2], scale, shift, y);
            assertBitIdentical("affine " + java.util.Arrays.toString(s), y, yRef);
            float[] inPlace = x.clone();
            backend(threads).channelAffine(inPlace, s[0], s[1], s[2], scale, shift, inPlace);
            assertBitIdentical("affine in place", inPlace, yRef);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void batchNormOutputIsBitIdentical(int threads) {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int[] s : CHANNEL_SHAPES) {
            float[] x = random(rnd, s[0] * s[1] * s[2]);
            float[] scale = random(rnd, s[1]);
            float[] shift = random(rnd, s[1]);
            float[] gamma = random(rnd, s[1]);
            float[] beta = random(rnd, s[1]);
            float[] xhatRef = new float[x.length];
            float[] yRef = new float[x.length];
            REFERENCE.batchNormOutput(x, s[0], s[1], s[2], scale, shift, gamma, beta, xhatRef, yRef);
            float[] xhat = new float[x.length];
            float[] y = new float[x.length];
            backend(threads).batchNormOutput(x, s[0], s[1], s[2], scale, shift, gamma, beta, xhat, y);
            assertBitIdentical("batch norm xhat " + java.util.Arrays.toString(s), xhat, xhatRef);
            assertBitIdentical("batch norm y " + java.util.Arrays.toString(s), y, yRef);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void batchNormBackward(int threads) {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] s : CHANNEL_SHAPES) {
            int size = s[0] * s[1] * s[2];
            float[] dy = random(rnd, size);
            float[] xhat = random(rnd, size);
            float[] gamma = random(rnd, s[1]);
            float[] invStd = random(rnd, s[1]);
            float[] dgammaRef = random(rnd, s[1]);
            float[] dbetaRef = random(rnd, s[1]);
            float[] dgamma = dgammaRef.clone();
            float[] dbeta = dbetaRef.clone();
            float[] dxRef = new float[size];
            float[] dx = new float[size];
            REFERENCE.batchNormBackward(dy, xhat, s[0], s[1], s[2], gamma, invStd, dgammaRef, dbetaRef, dxRef);
            backend(threads).batchNormBackward(dy, xhat, s[0], s[1], s[2], gamma, invStd, dgamma, dbeta, dx);
            String what = "batch norm backward " + java.util.Arrays.toString(s);
            assertCloseToReference(what + " dgamma", dgamma, dgammaRef, 1e-5);
            assertCloseToReference(what + " dbeta", dbeta, dbetaRef, 1e-5);
            // dx = k * (M dy - sum dy - xhat sum(dy xhat)) cancels; compare against the scale of its terms.
            assertCloseToReference(what + " dx", dx, dxRef, 1e-4);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void hardtanhIsBitIdentical(int threads) {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int len : LENGTHS) {
            float[] x = random(rnd, len);
            for (int i = 0; i < len; i++) {
                x[i] *= 2f;
            }
            float[] special = {-1f, 1f, -0f, 0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Math.nextUp(1f)};
            System.arraycopy(special, 0, x, 0, Math.min(len, special.length));
            float[] dy = random(rnd, len);
            float[] yRef = new float[len];
            float[] y = new float[len];
            REFERENCE.hardtanhForward(x, yRef, len);
            backend(threads).hardtanhForward(x, y, len);
            assertBitIdentical(String.format("hardtanh forward len %d", len), y, yRef);
            float[] dxRef = new float[len];
            float[] dx = new float[len];
            REFERENCE.hardtanhBackward(x, dy, dxRef, len);
            backend(threads).hardtanhBackward(x, dy, dx, len);
            assertBitIdentical(String.format("hardtanh backward len %d", len), dx, dxRef);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void sgdUpdateIsBitIdentical(int threads) {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int len : LENGTHS) {
            float[] wRef = random(rnd, len);
            float[] g = random(rnd, len);
            float[] vRef = random(rnd, len);
            float[] w = wRef.clone();
            float[] v = vRef.clone();
            float[] gCopy = g.clone();
            REFERENCE.sgdUpdate(wRef, g, vRef, len, 0.1f, 0.9f, 1e-4f);
            backend(threads).sgdUpdate(w, g, v, len, 0.1f, 0.9f, 1e-4f);
            assertBitIdentical(String.format("weights len %d", len), w, wRef);
            assertBitIdentical(String.format("velocity len %d", len), v, vRef);
            assertBitIdentical("gradient untouched", g, gCopy);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void sgemmThroughTheBackend(int threads) {
        SplittableRandom rnd = new SplittableRandom(6);
        int m = 70;
        int n = 90;
        int k = 50;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            float[] a = random(rnd, m * k);
            float[] b = random(rnd, k * n);
            float[] cRef = random(rnd, m * n);
            float[] c = cRef.clone();
            REFERENCE.sgemm(ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 2f, cRef, 0, n);
            backend(threads).sgemm(ta, tb, m, n, k, 0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 2f, c, 0, n);
            assertCloseToReference("sgemm " + ta + " " + tb, c, cRef, 1e-5);
        }
    }
}
