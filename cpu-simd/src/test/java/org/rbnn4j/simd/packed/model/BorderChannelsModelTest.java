package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.GlobalAvgPool;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.MaxPool2d;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.rbnn.BinaryConvOptions;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.RandomModels;
import org.rbnn4j.simd.packed.BinaryConvExecutor;
import org.rbnn4j.simd.packed.PopcountKernel;

/**
 * The packed engine on a whole network whose binary layers have the awkward channel counts (63, 65, 130: one bit
 * short of a word, one bit over, two words and two bits), odd spatial sizes, stride 2, a 1x1 convolution and a
 * max-pool between a binary conv and its BN; the zoo models only have multiples of 16. The fused schedule must equal
 * the float simulation to float rounding and the unfused op list bit for bit, with both popcount kernels, on one
 * thread and split over two.
 */
class BorderChannelsModelTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(PopcountKernel.VECTOR, 0f, 13),
                Arguments.of(PopcountKernel.VECTOR, 1f, 11),
                Arguments.of(PopcountKernel.SCALAR, 0f, 13),
                Arguments.of(PopcountKernel.SCALAR, 1f, 9));
    }

    /** conv0 float 3->63, binary 63->65 /2, binary 65->130 + max-pool, binary 1x1 130->64, binary 64->16 /2, GAP, fc. */
    static Network network(float padValue, long seed) {
        Random rng = new Random(seed);
        BinaryConvOptions options = BinaryConvOptions.builder().onePadding(padValue == 1f).build();
        Sequential root = new Sequential();
        Conv2d conv0 = new Conv2d(3, 63, 3, 1, 1);
        float[] w0 = conv0.weight().value().data();
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) (rng.nextGaussian() * 0.3);
        }
        root.add("conv0", conv0).add("bn0", new BatchNorm2d(63)).add("act0", new Hardtanh());
        root.add("conv1", new BinaryConv2d(63, 65, 3, 2, 1, options, rng)).add("bn1", new BatchNorm2d(65))
                .add("act1", new Hardtanh());
        root.add("conv2", new BinaryConv2d(65, 130, 3, 1, 1, options, rng)).add("pool2", new MaxPool2d(2, 2))
                .add("bn2", new BatchNorm2d(130)).add("act2", new Hardtanh());
        root.add("conv3", new BinaryConv2d(130, 64, 1, 1, 0, options, rng)).add("bn3", new BatchNorm2d(64))
                .add("act3", new Hardtanh());
        root.add("conv4", new BinaryConv2d(64, 16, 3, 2, 1, options, rng)).add("bn4", new BatchNorm2d(16))
                .add("act4", new Hardtanh());
        root.add("pool", new GlobalAvgPool());
        Linear fc = new Linear(16, 10);
        float[] wf = fc.weight().value().data();
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) rng.nextGaussian();
        }
        root.add("fc", fc);
        Network net = new Network("border", root);
        RandomModels.randomiseStatistics(net, new Random(seed + 1));
        return net;
    }

    @ParameterizedTest(name = "{0} kernel, pad value {1}, {2}x{2} input")
    @MethodSource("cases")
    void packedEqualsFloatSimulation(PopcountKernel kernel, float padValue, int size) {
        Network net = network(padValue, 3);
        Program program = GraphCompiler.compile(net, new int[] {3, size, size}, l -> l.binaryWeights().data());
        assertThat(program.describe()).contains("63").contains("65").contains("130");

        int n = 12;
        Random r = new Random(9);
        float[] x = new float[n * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Tensor images = Tensor.of(x, n, 3, size, size);
        Tensor expected = net.forward(images, Mode.EVAL).copy();

        float[] reference = run(program.reference(), x, n, new Execution(Backends.current(), kernel, null));
        float[] fused = run(program.fused(), x, n, new Execution(Backends.current(), kernel, null));
        PackedModelTest.assertSameLogits(Tensor.of(fused, n, 10), expected, "border network");
        assertThat(fused).as("fused = unfused").isEqualTo(reference);
        try (BinaryConvExecutor twoThreads = new BinaryConvExecutor(2, kernel, 0)) {
            float[] split = run(program.fused(), x, n, new Execution(Backends.current(), kernel, twoThreads));
            assertThat(split).as("binary convolutions split over two threads").isEqualTo(reference);
        }
    }

    private static float[] run(Schedule schedule, float[] x, int n, Execution exec) {
        float[] out = new float[n * 10];
        schedule.run(new Workspace(schedule), x, 0, n, out, 0, exec);
        return out;
    }
}
