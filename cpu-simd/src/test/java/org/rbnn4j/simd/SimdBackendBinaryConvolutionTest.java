package org.rbnn4j.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;

/**
 * {@code binaryConv2dForward} (packed XNOR/popcount) against the scalar float convolution of the same +-1 arrays:
 * equal bit for bit at every border, stride, pad value and channel count (one word, several words, ragged tails).
 */
class SimdBackendBinaryConvolutionTest {
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

    private static float[] signs(SplittableRandom rnd, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = rnd.nextBoolean() ? 1f : -1f;
        }
        return a;
    }

    private static void check(SimdBackend simd, ConvGeometry g, SplittableRandom rnd) {
        float[] x = signs(rnd, g.inputSize());
        float[] w = signs(rnd, g.weightSize());
        float[] expected = new float[g.outputSize()];
        REFERENCE.conv2dForward(g, x, w, expected);
        float[] y = new float[g.outputSize()];
        java.util.Arrays.fill(y, Float.NaN); // overwritten
        simd.binaryConv2dForward(g, x, w, y);
        assertThat(y).as(g + " threads=" + simd.threads()).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void equalsTheFloatConvolutionExactly(int threads) {
        SimdBackend simd = threads == 1 ? oneThread : twoThreads;
        SplittableRandom rnd = new SplittableRandom(7 + threads);
        for (int stride = 1; stride <= 2; stride++) {
            for (int padding = 0; padding <= 2; padding++) {
                for (float padValue : new float[] {0f, 1f}) {
                    for (int kernel : new int[] {1, 3}) {
                        int batch = 1 + rnd.nextInt(3);
                        int cin = 1 + rnd.nextInt(70); // one or two words, ragged tails
                        int h = 4 + rnd.nextInt(6);
                        int w = 4 + rnd.nextInt(6);
                        int cout = 1 + rnd.nextInt(40);
                        check(simd, new ConvGeometry(batch, cin, h, w, cout, kernel, kernel, stride, padding, padValue), rnd);
                    }
                }
            }
        }
        // The ResNet-20 shapes (small batch), a non-square kernel, and 64 and 128 channels (whole words).
        check(simd, ConvGeometry.of(3, 16, 32, 32, 16, 3, 1, 1), rnd);
        check(simd, ConvGeometry.of(2, 16, 32, 32, 32, 3, 2, 1), rnd);
        check(simd, ConvGeometry.of(2, 64, 8, 8, 64, 3, 1, 1), rnd);
        check(simd, ConvGeometry.of(2, 128, 6, 5, 48, 3, 1, 1), rnd);
        check(simd, new ConvGeometry(2, 5, 6, 7, 9, 2, 3, 1, 1, 1f), rnd);
    }

    @Test
    void reusesBuffersAcrossShapesAndBatches() {
        SplittableRandom rnd = new SplittableRandom(3);
        // Alternating shapes as a network's layers do, and a shape coming back with another batch size.
        for (int round = 0; round < 3; round++) {
            check(twoThreads, ConvGeometry.of(2, 8, 6, 6, 4, 3, 1, 1), rnd);
            check(twoThreads, ConvGeometry.of(2, 4, 3, 3, 8, 3, 1, 1), rnd);
            check(twoThreads, ConvGeometry.of(1 + round, 8, 6, 6, 4, 3, 1, 1), rnd);
        }
    }

    @Test
    void callsFromSeveralThreadsAtOnce() throws InterruptedException {
        ConvGeometry g = ConvGeometry.of(2, 16, 8, 8, 16, 3, 1, 1);
        AtomicIntegerArray failures = new AtomicIntegerArray(1);
        Thread[] threads = new Thread[3];
        for (int t = 0; t < threads.length; t++) {
            long seed = t;
            threads[t] = new Thread(() -> {
                try {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    for (int i = 0; i < 20; i++) {
                        check(twoThreads, g, rnd);
                    }
                } catch (Throwable e) {
                    failures.incrementAndGet(0);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures.get(0)).isZero();
    }

    @Test
    void closedBackendStillComputes() {
        SimdBackend simd = SimdBackend.create(2);
        simd.close();
        check(simd, ConvGeometry.of(2, 16, 6, 6, 8, 3, 1, 1), new SplittableRandom(5));
    }
}
