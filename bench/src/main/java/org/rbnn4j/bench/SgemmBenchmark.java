package org.rbnn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.rbnn4j.simd.SimdBackend;

/**
 * SIMD SGEMM on the convolution-shaped problems of the performance targets ({@code M x K x N}, row-major, no
 * transposes). Time per call; GFLOP/s = {@code 2 M K N / time}. For the ratio against the scalar reference in the
 * same run use {@code org.rbnn4j.simd.bench.GemmBenchmark} ({@code ./rbnn bench gemm}).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SgemmBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
public class SgemmBenchmark {

    /** {@code MxKxN}. */
    @Param({"16x144x16384", "32x288x4096", "64x576x1024", "128x1152x1024", "256x2304x256", "512x4608x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m;
    private int k;
    private int n;
    private float[] a;
    private float[] b;
    private float[] c;
    private SimdBackend backend;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(rnd, m * k);
        b = random(rnd, k * n);
        c = new float[m * n];
        backend = SimdBackend.create(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public void sgemm(Blackhole bh) {
        backend.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        bh.consume(c);
    }

    private static float[] random(SplittableRandom rnd, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
