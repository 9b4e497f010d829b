package org.rbnn4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.rbnn4j.simd.packed.BinaryConvWorkload;
import org.rbnn4j.simd.packed.BinaryConvExecutor;
import org.rbnn4j.simd.packed.OutputLayout;
import org.rbnn4j.simd.packed.PackedActivations;
import org.rbnn4j.simd.packed.PackedConv2d;

/**
 * The packed 3x3 binary convolution's speed as a fraction of the reference C AVX-512 popcount GEMM
 * ({@code bench/src/main/c/popcount_gemm.c}) of the same shape, the two measured alternately on the same core.
 *
 * <p>Why alternate instead of quoting a number: on a shared virtual machine the same code runs 15-30% faster or slower
 * from one minute to the next (and a busy neighbour on the other vCPU costs the C kernel 30%), so absolute
 * Gbit-MAC/s measured at different times cannot be compared. Each round times the packed convolution (single thread,
 * batch 16, NHWC float output, median of the calls in {@value #WINDOW_MS} ms), then runs the C kernel for as long
 * and takes its median; the result is the median of the per-round ratios. The C variant (rows per register tile) is
 * the fastest of a first pass over all of them.
 *
 * <pre>
 * gcc -O3 -march=native -o /tmp/popcount_gemm bench/src/main/c/popcount_gemm.c
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.rbnn4j.bench.ReferenceKernelRatio \
 *     /tmp/popcount_gemm 64:32 128:32 256:16 512:8
 * </pre>
 * Arguments: the C executable, then {@code channels:size} shapes; {@code -Drounds=N} (default 15).
 */
public final class ReferenceKernelRatio {
    private static final int BATCH = 16;
    private static final int WINDOW_MS = 600;

    private ReferenceKernelRatio() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: ReferenceKernelRatio C_EXECUTABLE CHANNELS:SIZE...");
            System.exit(2);
        }
        Path exe = Path.of(args[0]);
        if (!Files.isExecutable(exe)) {
            System.err.println(exe + ": not an executable (build it with gcc -O3 -march=native, see popcount_gemm.c)");
            System.exit(2);
        }
        int rounds = Integer.getInteger("rounds", 15);
        for (int i = 1; i < args.length; i++) {
            String[] shape = args[i].split(":");
            if (shape.length != 2) {
                System.err.println(args[i] + ": expected CHANNELS:SIZE, e.g. 64:32");
                System.exit(2);
            }
            int channels;
            int size;
            try {
                channels = Integer.parseInt(shape[0]);
                size = Integer.parseInt(shape[1]);
            } catch (NumberFormatException e) {
                System.err.println(args[i] + ": expected CHANNELS:SIZE, e.g. 64:32");
                System.exit(2);
                return;
            }
            if (channels < 1 || channels % 64 != 0 || size < 1) {
                System.err.println(args[i] + ": the C kernel needs a channel count that is a multiple of 64");
                System.exit(2);
            }
            try {
                System.out.println(measure(exe, channels, size, rounds));
            } catch (IOException e) {
                System.err.println(e.getMessage());
                System.exit(1);
            }
        }
    }

    static String measure(Path exe, int channels, int size, int rounds) throws IOException, InterruptedException {
        BinaryConvWorkload work = BinaryConvWorkload.random(BATCH, channels, channels, size, 42);
        PackedConv2d conv = work.conv();
        PackedActivations in = work.packed();
        float[] out = work.newOutput();
        // The same GEMM as the C kernel's: M output pixels, N filters, K 32-bit words per window.
        int m = BATCH * size * size;
        int k = (channels + 31) / 32 * 9;
        double bitMacs = conv.bitMacs(BATCH);
        try (BinaryConvExecutor exec = new BinaryConvExecutor(1)) {
            Runnable op = () -> exec.forward(conv, in, out, OutputLayout.NHWC);
            long warmEnd = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                op.run();
            }
            int variant = 0;
            double best = 0;
            for (int v = 0; v < 5; v++) {
                double r = runC(exe, m, channels, k, 0.4, v);
                if (r > best) {
                    best = r;
                    variant = v;
                }
            }
            double[] java = new double[rounds];
            double[] c = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                java[r] = bitMacs / medianNanos(op, WINDOW_MS);
                c[r] = runC(exe, m, channels, k, WINDOW_MS / 1000.0, variant);
                ratio[r] = java[r] / c[r];
            }
            Arrays.sort(java);
            Arrays.sort(c);
            Arrays.sort(ratio);
            return String.format(Locale.ROOT, "{\"channels\":%d,\"hw\":%d,\"batch\":%d,\"rounds\":%d,"
                            + "\"binary_gbitmacs\":%.1f,\"c_gbitmacs\":%.1f,\"c_variant_rows\":%d,"
                            + "\"ratio\":%.3f,\"ratio_q1\":%.3f,\"ratio_q3\":%.3f}",
                    channels, size, BATCH, rounds, java[rounds / 2], c[rounds / 2], new int[] {1, 2, 3, 4, 6}[variant],
                    ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
    }

    private static double medianNanos(Runnable op, int windowMs) {
        double[] t = new double[1 << 16];
        int n = 0;
        long end = System.nanoTime() + windowMs * 1_000_000L;
        while (n < t.length && (n < 3 || System.nanoTime() < end)) {
            long t0 = System.nanoTime();
            op.run();
            t[n++] = System.nanoTime() - t0;
        }
        Arrays.sort(t, 0, n);
        return t[n / 2];
    }

    private static double runC(Path exe, int m, int n, int k, double seconds, int variant)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(exe.toString(), Integer.toString(m), Integer.toString(n), Integer.toString(k),
                Double.toString(seconds), Integer.toString(variant)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int status = p.waitFor();
        if (status != 0) {
            throw new IOException(exe + " exited with " + status + ": " + output);
        }
        try {
            return Double.parseDouble(output);
        } catch (NumberFormatException e) {
            throw new IOException(exe + " printed '" + output + "', not a number", e);
        }
    }
}
