package org.rbnn4j.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * The 2 x 2 max pool fused into the packed convolution ({@link PackedConv2d#forwardMaxPool2x2}: each window's pixel
 * pairs pooled in registers, a quarter of the results stored) against the convolution of every pixel followed by a
 * vector pooling pass over its stored results ({@code convThenPool}), one image of vgg_small_1w1a's three pooled
 * binary layers ({@code channels x size}, 3x3, as many filters as channels). Both give the same floats (the integer
 * results' maxima).
 *
 * <p>Measured on this project's 2-core Zen 4 machine, one thread, two runs (us per image, fused / separate): 128x32
 * 141-147 / 157-175, 256x16 141-149 / 141, 512x8 138-146 / 146-160 (the pass reads 512, 256 and 128 KB of results;
 * the machine drifts between the benchmarks, which JMH runs one after the other). Inside vgg_small_1w1a, paired in one
 * JVM, the gain was larger: the model x1.035-1.057, its 128-channel 32x32 layer 178 -> 151 us per image.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar FusedMaxPoolBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"})
public class FusedMaxPoolBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** {@code channels x size} of the convolution before the pool. */
    @Param({"128x32", "256x16", "512x8"})
    public String shape;

    private PackedConv2d conv;
    private PackedActivations in;
    private float[] full;
    private float[] pooled;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int channels = Integer.parseInt(dims[0]);
        int size = Integer.parseInt(dims[1]);
        BinaryConvWorkload work = BinaryConvWorkload.random(1, channels, channels, size, 44);
        conv = work.conv();
        in = work.packed();
        full = new float[conv.outputSizePerImage()];
        pooled = new float[conv.outputSizePerImage() / 4];
        if (!conv.supportsMaxPool2x2(PopcountKernel.best())) {
            throw new IllegalStateException("no fused pool for " + conv + " with " + PopcountKernel.best());
        }
    }

    @Benchmark
    public float[] fused() {
        conv.forwardMaxPool2x2(in, 0, 1, 0, conv.outH() / 2, pooled, 0, PopcountKernel.best());
        return pooled;
    }

    @Benchmark
    public float[] convThenPool() {
        conv.forwardImages(in, 0, 1, full, OutputLayout.NHWC, PopcountKernel.best());
        int c = conv.outChannels();
        int w = conv.outW();
        int pw = w / 2;
        for (int py = 0; py < conv.outH() / 2; py++) {
            for (int px = 0; px < pw; px++) {
                int tl = (2 * py * w + 2 * px) * c;
                int dst = (py * pw + px) * c;
                for (int ch = 0; ch < c; ch += S.length()) {
                    FloatVector max = FloatVector.fromArray(S, full, tl + ch);
                    // Integers as floats: compare and blend, as the model's pooling pass does.
                    FloatVector v = FloatVector.fromArray(S, full, tl + c + ch);
                    max = v.blend(max, v.compare(VectorOperators.LE, max));
                    v = FloatVector.fromArray(S, full, tl + w * c + ch);
                    max = v.blend(max, v.compare(VectorOperators.LE, max));
                    v = FloatVector.fromArray(S, full, tl + (w + 1) * c + ch);
                    max = v.blend(max, v.compare(VectorOperators.LE, max));
                    max.intoArray(pooled, dst + ch);
                }
            }
        }
        return pooled;
    }
}
