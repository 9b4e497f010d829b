package org.rbnn4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.rbnn4j.simd.bench.GemmBenchmark;
import org.rbnn4j.simd.bench.GemmResult;
import org.rbnn4j.simd.packed.BinaryConvBenchmark;
import org.rbnn4j.simd.packed.BinaryConvBenchmarkResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rbnn bench}: speed measured as ratios against a baseline run in the same process. The JSON keys are an
 * interface: keep them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: gemm (SIMD vs scalar SGEMM), binconv (packed vs float conv), train (training steps), "
                + "model (packed vs float simulation vs ONNX Runtime).",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.BinConv.class, TrainBenchCommand.class,
                ModelBenchCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "SGEMM C[MxN] = A[MxK] B[KxN]: SIMD median GFLOP/s and the scalar reference's, same run.")
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--m", defaultValue = "64") int m;
        @Option(names = "--k", defaultValue = "576") int k;
        @Option(names = "--n", defaultValue = "1024") int n;
        @Option(names = "--threads", defaultValue = "1") int threads;
        @Option(names = "--json", description = "print one JSON object") boolean json;

        @Override
        public Integer call() {
            GemmResult r = GemmBenchmark.measure(m, k, n, threads);
            if (json) {
                System.out.println(r.toJson());
            } else {
                System.out.printf(Locale.ROOT, "sgemm %dx%dx%d, %d thread(s): SIMD %.1f GFLOP/s, scalar reference %.2f GFLOP/s (%.0fx)%n",
                        m, k, n, threads, r.gflops(), r.referenceGflops(), r.gflops() / r.referenceGflops());
            }
            return 0;
        }
    }

    @Command(name = "binconv", mixinStandardHelpOptions = true,
            description = "Packed XNOR/popcount 3x3 conv vs the SIMD float conv of the same shape, same run.")
    static final class BinConv implements Callable<Integer> {
        @Option(names = "--cin", defaultValue = "256") int cin;
        @Option(names = "--cout", description = "default: --cin") Integer cout;
        @Option(names = "--hw", defaultValue = "16") int hw;
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--threads", defaultValue = "1") int threads;
        @Option(names = "--json", description = "print one JSON object") boolean json;

        @Override
        public Integer call() {
            BinaryConvBenchmarkResult r = BinaryConvBenchmark.measure(cin, cout == null ? cin : cout, hw, threads, batch,
                    BinaryConvBenchmark.Settings.defaults());
            System.out.println(json ? r.toJson() : r.toString());
            return 0;
        }
    }
}
