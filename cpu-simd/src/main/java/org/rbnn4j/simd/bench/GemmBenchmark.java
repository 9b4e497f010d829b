package org.rbnn4j.simd.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.simd.SimdBackend;

/**
 * Measures the SIMD SGEMM against the scalar reference in one run (DESIGN.md section 5: ratios from the same
 * process). For {@code ./rbnn bench gemm}; JMH benchmarks of the same shapes live in the {@code bench} module.
 *
 * <p>Protocol: random A and B (row-major, no transposes, {@code alpha = 1, beta = 0}); the SIMD backend is warmed up
 * for {@link Options#warmupMillis()} (at least 3 calls), then {@link Options#repetitions()} calls are timed one by
 * one; the reference, which is 50-100x slower, gets one untimed call and then up to
 * {@link Options#referenceRepetitions()} timed calls, stopping early once {@link Options#referenceBudgetMillis()} is
 * spent (at least one). Medians are reported. Both results are compared, so a wrong kernel cannot look fast.
 */
public final class GemmBenchmark {

    /** The convolution-shaped problems {@code {m, k, n}} of the performance targets (ResNet layers as GEMM). */
    public static final int[][] STANDARD_SHAPES = {
            {16, 144, 16384}, {32, 288, 4096}, {64, 576, 1024}, {128, 1152, 1024}, {256, 2304, 256}, {512, 4608, 64}};

    /** How long and how often to measure. */
    public record Options(long warmupMillis, int repetitions, int referenceRepetitions, long referenceBudgetMillis,
                          long seed) {
        public Options {
            if (warmupMillis < 0 || repetitions < 1 || referenceRepetitions < 1 || referenceBudgetMillis < 0) {
                throw new IllegalArgumentException("invalid benchmark options");
            }
        }

        /** 1.5 s warm-up, 15 timed SIMD calls, up to 3 reference calls within 4 s. */
        public static Options defaults() {
            return new Options(1500, 15, 3, 4000, 42);
        }

        /** A quick look: 0.3 s warm-up, 5 SIMD calls, one reference call. */
        public static Options quick() {
            return new Options(300, 5, 1, 0, 42);
        }
    }

    private GemmBenchmark() {
    }

    /** {@link #measure(int, int, int, int, Options)} with {@link Options#defaults()}. */
    public static GemmResult measure(int m, int k, int n, int threads) {
        return measure(m, k, n, threads, Options.defaults());
    }

    /** Times {@code C[m x n] = A[m x k] * B[k x n]} on a SIMD backend with {@code threads} threads and on the reference. */
    public static GemmResult measure(int m, int k, int n, int threads, Options options) {
        if (m < 1 || k < 1 || n < 1) {
            throw new IllegalArgumentException("GEMM sizes must be positive: " + m + "x" + k + "x" + n);
        }
        SplittableRandom rnd = new SplittableRandom(options.seed());
        float[] a = randomArray(rnd, m * k);
        float[] b = randomArray(rnd, k * n);
        float[] c = new float[m * n];
        float[] cReference = new float[m * n];
        double flops = 2.0 * m * n * k;

        double[] simdNanos;
        int actualThreads;
        try (SimdBackend simd = SimdBackend.create(threads)) {
            actualThreads = simd.threads();
            long warmupEnd = System.nanoTime() + options.warmupMillis() * 1_000_000L;
            for (int i = 0; i < 3 || System.nanoTime() < warmupEnd; i++) {
                call(simd, m, k, n, a, b, c);
            }
            simdNanos = new double[options.repetitions()];
            for (int r = 0; r < simdNanos.length; r++) {
                long t0 = System.nanoTime();
                call(simd, m, k, n, a, b, c);
                simdNanos[r] = System.nanoTime() - t0;
            }
        }

        ScalarBackend reference = new ScalarBackend();
        call(reference, m, k, n, a, b, cReference);
        double[] referenceNanos = new double[options.referenceRepetitions()];
        int done = 0;
        long budgetEnd = System.nanoTime() + options.referenceBudgetMillis() * 1_000_000L;
        while (done < referenceNanos.length && (done == 0 || System.nanoTime() < budgetEnd)) {
            long t0 = System.nanoTime();
            call(reference, m, k, n, a, b, cReference);
            referenceNanos[done++] = System.nanoTime() - t0;
        }
        referenceNanos = Arrays.copyOf(referenceNanos, done);

        double simdMedian = median(simdNanos);
        double referenceMedian = median(referenceNanos);
        return new GemmResult(m, k, n, actualThreads, flops / simdMedian, flops / referenceMedian,
                simdMedian / 1e6, referenceMedian / 1e6, simdNanos.length, referenceNanos.length,
                maxRelativeError(c, cReference), SimdBackend.vectorLanes(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * Prints one JSON line per measurement: with arguments {@code m k n [threads]}, that shape; without, the
     * {@link #STANDARD_SHAPES} on 1 and 2 threads.
     */
    public static void main(String[] args) {
        if (args.length >= 3) {
            int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
            System.out.println(measure(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    threads).toJson());
            return;
        }
        for (int threads = 1; threads <= 2; threads++) {
            for (int[] s : STANDARD_SHAPES) {
                System.out.println(measure(s[0], s[1], s[2], threads).toJson());
            }
        }
    }

    private static void call(ComputeBackend backend, int m, int k, int n, float[] a, float[] b, float[] c) {
        backend.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
    }

    private static float[] randomArray(SplittableRandom rnd, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double maxRelativeError(float[] actual, float[] expected) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs((double) actual[i] - expected[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }
}
