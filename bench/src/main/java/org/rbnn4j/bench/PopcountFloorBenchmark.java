package org.rbnn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.Warmup;
import org.rbnn4j.simd.packed.BinaryConvWorkload;
import org.rbnn4j.simd.packed.OutputLayout;
import org.rbnn4j.simd.packed.PackedActivations;
import org.rbnn4j.simd.packed.PackedConv2d;
import org.rbnn4j.simd.packed.PopcountKernel;

/**
 * How close the packed binary convolution runs to what the JIT can issue at all: {@code floor} is the popcount
 * micro-kernel's inner step with nothing but its arithmetic ({@code acc += popcount(x XOR w)}, 2 activation words
 * against 4 filter vectors, the filters held in registers, only the activation words loaded);
 * {@code floorWithFilterLoads} the same with the 4 filter vectors loaded every step from a 72-tap panel, as the real
 * kernel does (two loops that differ only there: with a shared loop the floor's filters would not stay in registers); {@code conv} the whole packed 3x3 convolution of {@code shape} ({@code channels x size}, one image, NHWC,
 * output finished as floats). Time per call; Gbit-MAC/s = {@code 8 * 512 * FLOOR_STEPS / time} for the floors,
 * {@code 9 * C * C * H * W / time} for the convolution (151 M bit-MACs for every shape here).
 *
 * <p>Measured on this project's 2-core Zen 4 machine, one thread: floor about 1,220 Gbit-MAC/s (the C AVX-512 kernel of
 * the issue: 1,190), with the filter loads about 1,080, the convolution 970-1,010 for 256 and 512 channels and about 900
 * for 128 (its 18-word windows leave the per-tile epilogue a larger share). The kernel is within 10% of its loop
 * with loads; what is left is the loads themselves, which only more pixels per register block would amortise.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PopcountFloorBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
public class PopcountFloorBenchmark {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** Inner steps (8 vector popcounts each) per call of {@link #floor}. */
    static final int FLOOR_STEPS = 1 << 16;

    /** {@code channels x size} of the convolution (3x3, stride 1, padding 1, as many filters as channels). */
    @Param({"128x32", "256x16", "512x8"})
    public String shape;

    private long[] words;
    private long[] filters;
    /** A filter panel of 72 taps (512 channels, 3x3) for {@link #floorWithFilterLoads}. */
    private long[] panel;
    private PackedConv2d conv;
    private PackedActivations in;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        words = new long[4096];
        for (int i = 0; i < words.length; i++) {
            words[i] = rnd.nextLong();
        }
        filters = new long[4 * LS.length()];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = rnd.nextLong();
        }
        panel = new long[72 * 4 * LS.length()];
        for (int i = 0; i < panel.length; i++) {
            panel[i] = rnd.nextLong();
        }
        String[] dims = shape.split("x");
        int c = Integer.parseInt(dims[0]);
        int hw = Integer.parseInt(dims[1]);
        BinaryConvWorkload work = BinaryConvWorkload.random(1, c, c, hw, 43);
        conv = work.conv();
        in = work.packed();
        out = work.newOutput();
    }

    @Benchmark
    public long floor() {
        long[] act = words;
        int mask = act.length - 1;
        int lanes = LS.length();
        LongVector w0 = LongVector.fromArray(LS, filters, 0);
        LongVector w1 = LongVector.fromArray(LS, filters, lanes);
        LongVector w2 = LongVector.fromArray(LS, filters, 2 * lanes);
        LongVector w3 = LongVector.fromArray(LS, filters, 3 * lanes);
        LongVector c00 = LongVector.zero(LS);
        LongVector c01 = c00;
        LongVector c02 = c00;
        LongVector c03 = c00;
        LongVector c10 = c00;
        LongVector c11 = c00;
        LongVector c12 = c00;
        LongVector c13 = c00;
        for (int i = 0; i < FLOOR_STEPS; i++) {
            LongVector x = LongVector.broadcast(LS, act[(2 * i) & mask]);
            c00 = c00.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
            c01 = c01.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
            c02 = c02.add(x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT));
            c03 = c03.add(x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT));
            // A word no other step reads (else C2 shares the XOR and popcount of equal words between unrolled steps).
            x = LongVector.broadcast(LS, act[(2 * i + 1) & mask]);
            c10 = c10.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
            c11 = c11.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
            c12 = c12.add(x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT));
            c13 = c13.add(x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT));
        }
        return c00.add(c01).add(c02).add(c03).add(c10).add(c11).add(c12).add(c13).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public long floorWithFilterLoads() {
        long[] act = words;
        long[] w = panel;
        int mask = act.length - 1;
        int lanes = LS.length();
        int width = 4 * lanes;
        int taps = w.length / width;
        LongVector c00 = LongVector.zero(LS);
        LongVector c01 = c00;
        LongVector c02 = c00;
        LongVector c03 = c00;
        LongVector c10 = c00;
        LongVector c11 = c00;
        LongVector c12 = c00;
        LongVector c13 = c00;
        for (int i = 0; i < FLOOR_STEPS; i++) {
            int wi = (i % taps) * width;
            LongVector w0 = LongVector.fromArray(LS, w, wi);
            LongVector w1 = LongVector.fromArray(LS, w, wi + lanes);
            LongVector w2 = LongVector.fromArray(LS, w, wi + 2 * lanes);
            LongVector w3 = LongVector.fromArray(LS, w, wi + 3 * lanes);
            LongVector x = LongVector.broadcast(LS, act[(2 * i) & mask]);
            c00 = c00.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
            c01 = c01.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
            c02 = c02.add(x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT));
            c03 = c03.add(x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT));
            x = LongVector.broadcast(LS, act[(2 * i + 1) & mask]);
            c10 = c10.add(x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
            c11 = c11.add(x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
            c12 = c12.add(x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT));
            c13 = c13.add(x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT));
        }
        return c00.add(c01).add(c02).add(c03).add(c10).add(c11).add(c12).add(c13).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public float[] conv() {
        conv.forwardImages(in, 0, 1, out, OutputLayout.NHWC, PopcountKernel.VECTOR);
        return out;
    }
}
