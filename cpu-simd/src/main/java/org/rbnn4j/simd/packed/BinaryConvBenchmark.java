package org.rbnn4j.simd.packed;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.bench.JitActivity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the packed 3x3 binary convolution (stride 1, padding 1, zero padding) against the float convolution of the
 * same shape through {@code Backends.create("simd", threads)} (the scalar reference if no SIMD backend is on the
 * class path), in one run, as DESIGN.md §5 asks: warm-up, then the median of several timed calls of each.
 *
 * <p>The binary time covers the convolution of already packed activations with already packed weights (what a
 * packed network pays per layer besides the float epilogue), output NHWC floats; packing of the float input is
 * timed separately ({@code pack_ms}). Entry point for {@code rbnn bench binconv}; {@link #main} runs one shape.
 */
public final class BinaryConvBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryConvBenchmark.class);

    /**
     * Timing budget: warm-up and measurement stop after {@code *Seconds} once at least {@code min*Reps} calls ran,
     * and after {@code max*Reps} calls at the latest; with {@code waitForJit} the warm-up then goes on until the JIT
     * compiled nothing for a quarter of a second.
     */
    public record Settings(double warmupSeconds, double measureSeconds, int minBinaryReps, int maxBinaryReps,
                           int minFloatReps, int maxFloatReps, boolean waitForJit) {
        /** About 1 s warm-up (more while the JIT still compiles) and 2 s of measurement per side. */
        public static Settings defaults() {
            return new Settings(1.0, 2.0, 10, 200, 3, 30, true);
        }

        /** A few calls only, for smoke tests. */
        public static Settings quick() {
            return new Settings(0.05, 0.1, 2, 5, 1, 2, false);
        }
    }

    /** Longest warm-up while waiting for the JIT. */
    private static final double MAX_WARMUP_SECONDS = 20;

    private BinaryConvBenchmark() {
    }

    /** {@code cin = cout = channels}, default settings. */
    public static BinaryConvBenchmarkResult measure(int channels, int hw, int threads, int batch) {
        return measure(channels, channels, hw, threads, batch, Settings.defaults());
    }

    public static BinaryConvBenchmarkResult measure(int cin, int cout, int hw, int threads, int batch, Settings settings) {
        BinaryConvWorkload work = BinaryConvWorkload.random(batch, cin, cout, hw, 42);
        ConvGeometry g = work.geometry();
        float[] x = work.input();
        float[] w = work.weights();
        PackedConv2d conv = work.conv();
        PackedActivations in = work.packed();
        float[] binaryOut = work.newOutput();
        double[] binaryMs;
        double[] packMs;
        PopcountKernel kernel;
        try (BinaryConvExecutor exec = new BinaryConvExecutor(threads)) {
            kernel = exec.kernel();
            binaryMs = time(() -> exec.forward(conv, in, binaryOut, OutputLayout.NHWC), settings.warmupSeconds(),
                    settings.measureSeconds(), settings.minBinaryReps(), settings.maxBinaryReps(), settings.waitForJit());
            packMs = time(() -> ActivationPacker.packNchw(x, 0, in), settings.warmupSeconds() / 4,
                    settings.measureSeconds() / 4, settings.minBinaryReps(), settings.maxBinaryReps(),
                    settings.waitForJit());
        }

        double[] floatMs;
        String floatName;
        try (ComputeBackend backend = floatBackend(threads)) {
            floatName = backend.name();
            float[] y = new float[g.outputSize()];
            floatMs = time(() -> backend.conv2dForward(g, x, w, y), settings.warmupSeconds(), settings.measureSeconds(),
                    settings.minFloatReps(), settings.maxFloatReps(), settings.waitForJit());
        }

        double b = median(binaryMs);
        double p = median(packMs);
        double f = median(floatMs);
        long bitMacs = conv.bitMacs(batch);
        return new BinaryConvBenchmarkResult(cin, cout, hw, threads, batch, kernel.name().toLowerCase(java.util.Locale.ROOT),
                floatName, b, p, f, bitMacs / (b * 1e-3) / 1e9, 2.0 * g.macs() / (f * 1e-3) / 1e9, f / b,
                f / (b + p), binaryMs.length, floatMs.length);
    }

    private static ComputeBackend floatBackend(int threads) {
        try {
            return Backends.create("simd", threads);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("no SIMD float backend ({}); measuring the float convolution with the scalar reference", e.getMessage());
            return Backends.create("scalar", threads);
        }
    }

    /**
     * Runs {@code op} for warm-up (at least {@code warmupSeconds}, then, with {@code waitForJit}, until the JIT compiled
     * nothing for a quarter of a second, at most {@value #MAX_WARMUP_SECONDS} s: a fixed second left the 256-channel
     * convolution at 730-830 Gbit-MAC/s against 890-1,020 warm), then returns the milliseconds of each timed call.
     */
    private static double[] time(Runnable op, double warmupSeconds, double measureSeconds, int minReps, int maxReps,
                                 boolean waitForJit) {
        long warmStart = System.nanoTime();
        long warmEnd = warmStart + (long) (warmupSeconds * 1e9);
        int warm = 0;
        do {
            op.run();
            warm++;
        } while (System.nanoTime() < warmEnd && warm < maxReps);
        if (waitForJit) {
            long compiled;
            do {
                compiled = JitActivity.compilationMillis();
                long windowEnd = System.nanoTime() + 250_000_000L;
                do {
                    op.run();
                } while (System.nanoTime() < windowEnd);
            } while (JitActivity.compilationMillis() != compiled
                    && System.nanoTime() - warmStart < MAX_WARMUP_SECONDS * 1e9);
        }
        double[] ms = new double[maxReps];
        int n = 0;
        long end = System.nanoTime() + (long) (measureSeconds * 1e9);
        while (n < maxReps && (n < minReps || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            op.run();
            ms[n++] = (System.nanoTime() - t0) / 1e6;
        }
        return Arrays.copyOf(ms, n);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** {@code BinaryConvBenchmark CHANNELS HW [THREADS [BATCH]]}: prints one JSON line. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: BinaryConvBenchmark CHANNELS HW [THREADS [BATCH]]");
            System.exit(2);
        }
        int c = Integer.parseInt(args[0]);
        int hw = Integer.parseInt(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        System.out.println(measure(c, hw, threads, batch).toJson());
    }
}
