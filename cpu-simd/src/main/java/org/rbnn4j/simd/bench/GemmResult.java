package org.rbnn4j.simd.bench;

import java.util.Locale;

/**
 * One GEMM measurement ({@code C[m x n] = A[m x k] * B[k x n]}, row-major, no transposes): the SIMD backend and the
 * scalar reference timed in the same process.
 *
 * @param gflops                SIMD backend, median over {@code repetitions} timed calls
 * @param referenceGflops       scalar reference ({@link org.rbnn4j.core.compute.ScalarBackend}, always one thread),
 *                              median over {@code referenceRepetitions} calls
 * @param medianMillis          SIMD median time per call
 * @param referenceMedianMillis reference median time per call
 * @param maxRelativeError      largest {@code |C_simd - C_reference|} relative to the largest {@code |C_reference|}
 * @param vectorLanes           float lanes of the vectors used
 * @param availableProcessors   cores the JVM sees (the machine is likely shared: numbers are noisy)
 */
public record GemmResult(int m, int k, int n, int threads, double gflops, double referenceGflops,
                         double medianMillis, double referenceMedianMillis, int repetitions, int referenceRepetitions,
                         double maxRelativeError, int vectorLanes, int availableProcessors) {

    /** Floating-point operations of one call: {@code 2 m n k}. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** SIMD over reference throughput. */
    public double speedup() {
        return gflops / referenceGflops;
    }

    /**
     * {@code {"m":..,"k":..,"n":..,"threads":..,"gflops":..,"reference_gflops":.., ...}} on one line, the keys in this
     * order, then {@code speedup}, {@code median_ms}, {@code reference_median_ms}, {@code repetitions},
     * {@code reference_repetitions}, {@code max_relative_error}, {@code vector_lanes}, {@code available_processors}.
     */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":%d,\"gflops\":%s,\"reference_gflops\":%s,\"speedup\":%s,"
                        + "\"median_ms\":%s,\"reference_median_ms\":%s,\"repetitions\":%d,\"reference_repetitions\":%d,"
                        + "\"max_relative_error\":%s,\"vector_lanes\":%d,\"available_processors\":%d}",
                m, k, n, threads, number(gflops, 3), number(referenceGflops, 4), number(speedup(), 2),
                number(medianMillis, 4), number(referenceMedianMillis, 3), repetitions, referenceRepetitions,
                String.format(Locale.ROOT, "%.3e", maxRelativeError), vectorLanes, availableProcessors);
    }

    /** JSON has no NaN or infinity: those become {@code null}. */
    private static String number(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "null";
    }
}
