package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.RandomModels;
import org.rbnn4j.simd.packed.PopcountKernel;

/**
 * The packed engine's vector kernels stay compiled to vector instructions when C2 has no type profiles.
 *
 * <p>C2 inlines a Vector API operation only on a vector whose class it knows. A vector carried around a loop (an
 * accumulator) is typed by its declared class alone when C2 parses the loop, so an operation called <em>on</em> it is
 * a virtual call that only a type profile resolves; when HotSpot compiles from C1's profile-less tier (it does so
 * when the C2 queue is long), the call is not inlined and every vector of the loop is boxed: the popcount
 * convolution ran at 10-27 instead of ~850 Gbit-MAC/s in such runs, and {@code -XX:-UseTypeProfile} made it happen
 * every time (the whole of vgg_small_1w1a 4x slower). The kernels therefore call operations on freshly made vectors
 * and pass carried ones as arguments ({@code pop.add(acc)}, {@code lo.add(sum)}).
 *
 * <p>This class runs in its own surefire execution with {@code -XX:-UseTypeProfile -Xbatch} (see the module's pom)
 * and checks what boxing would change by orders of magnitude, the bytes allocated per call, not the time. The same
 * holds for the SIMD backend's training kernels (GEMM epilogues, channel sums, standardisation, sign packing): a
 * training step of resnet20_1w1a ran 2.7x slower without type profiles before they followed the rule.
 */
class ProfileFreeJitTest {
    /**
     * Far above a call's own allocations (scratch arrays: 0.5 MB for vgg_small_1w1a, 1.9 MB for resnet20_1w1a here),
     * far below what boxed kernels allocate (1.9 GB and 335 MB with the convolution kernel's old accumulator adds).
     */
    private static final long MAX_BYTES_PER_CALL = 32L << 20;
    /** As above for a training step: 0.36 MB here, 414 MB before the training kernels followed the rule. */
    private static final long MAX_TRAINING_BYTES_PER_STEP = 16L << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet20_1w1a", "vgg_small_1w1a"})
    void packedInferenceAllocatesNoVectorsWithoutTypeProfiles(String architecture) {
        assumeProfileFreeJvm();
        assumeThat(PopcountKernel.best()).isEqualTo(PopcountKernel.VECTOR);
        ModelSpec spec = ModelSpec.of(architecture, 3, 10);
        Network net = ModelZoo.create(spec, 3);
        RandomModels.randomiseStatistics(net, new Random(4));
        Tensor x = RandomModels.randomImages(8, spec, new Random(5));
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
            assertThat(bytesPerCall(() -> packed.logits(x), 60, 5))
                    .as("bytes allocated per call of %s (8 images)", architecture).isLessThan(MAX_BYTES_PER_CALL);
        }
    }

    @Test
    void trainingStepAllocatesNoVectorsWithoutTypeProfiles() {
        assumeProfileFreeJvm();
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 3, 10);
        // One thread: the allocations counted are this thread's.
        try (ComputeBackend simd = Backends.create("simd", 1)) {
            ComputeBackend previous = Backends.use(simd);
            try {
                Network net = ModelZoo.create(spec, 3);
                net.onEpochStart(0, 10, 0.1, 10);
                Sgd sgd = new Sgd(net.parameters(), 0.1, 0.9, 1e-4);
                CrossEntropyLoss loss = new CrossEntropyLoss();
                Random r = new Random(9);
                Tensor x = RandomModels.randomImages(8, spec, r);
                int[] labels = r.ints(8, 0, 10).toArray();
                int[] step = {0};
                Runnable trainingStep = () -> {
                    net.onBatchStart(step[0]++);
                    sgd.zeroGrad();
                    loss.forward(net.forward(x, Mode.TRAIN), labels);
                    net.backward(loss.backward());
                    sgd.step();
                };
                assertThat(bytesPerCall(trainingStep, 40, 3)).as("bytes allocated per training step (8 images)")
                        .isLessThan(MAX_TRAINING_BYTES_PER_STEP);
            } finally {
                Backends.use(previous);
            }
        }
    }

    /** Skips unless this JVM runs without type profiles (the profile-free-jit execution). */
    private static void assumeProfileFreeJvm() {
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assumeThat(jvmArgs).as("run by the profile-free-jit execution").contains("-XX:-UseTypeProfile");
    }

    /**
     * Bytes this thread allocates per call of {@code call}, over {@code calls} calls after {@code warmup} calls. With
     * -Xbatch each compilation finishes before the call that requested it goes on, so after the warm-up every hot
     * kernel runs its C2 code.
     */
    private static long bytesPerCall(Runnable call, int warmup, int calls) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (threads.getCurrentThreadAllocatedBytes() - before) / calls;
    }
}
