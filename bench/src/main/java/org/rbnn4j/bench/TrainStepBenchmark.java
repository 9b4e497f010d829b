package org.rbnn4j.bench;

import java.util.Map;
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
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;

/**
 * One full training step (forward, cross-entropy, backward, SGD update) of a 256-image batch of 32x32 one-channel
 * images, for the float {@code resnet20} and the binary {@code resnet20_1w1a}, on the SIMD backend with 1 and 2
 * threads. {@code ./rbnn bench train} measures the same step with its own JSON output.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar TrainStepBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow", "-Xmx6g"})
public class TrainStepBenchmark {

    @Param({"resnet20", "resnet20_1w1a"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    @Param({"256"})
    public int batch;

    private ComputeBackend backend;
    private ComputeBackend previous;
    private Network network;
    private Sgd sgd;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private Tensor images;
    private int[] labels;

    @Setup(Level.Trial)
    public void setUp() {
        backend = Backends.create("simd", threads);
        previous = Backends.use(backend);
        network = ModelZoo.create(new ModelSpec(model, 1, 10, 32, Map.of()), 1);
        sgd = new Sgd(network.parameters(), 0.01, 0.9, 1e-4);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = new float[batch * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        images = Tensor.of(x, batch, 1, 32, 32);
        labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rnd.nextInt(10);
        }
        network.onEpochStart(0, 10, 0.1, 10);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Backends.use(previous);
        backend.close();
    }

    @Benchmark
    public double trainingStep() {
        network.zeroGrad();
        Tensor logits = network.forward(images, org.rbnn4j.core.nn.Mode.TRAIN);
        double l = loss.forward(logits, labels);
        network.backward(loss.backward());
        sgd.step();
        return l;
    }
}
