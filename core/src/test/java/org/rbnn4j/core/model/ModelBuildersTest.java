package org.rbnn4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.nn.BasicBlock;
import org.rbnn4j.core.nn.BatchNorm1d;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.ShortcutA;
import org.rbnn4j.core.tensor.Tensor;

/** Graph, names, parameter counts, initialisation and a forward/backward pass of the float model builders. */
class ModelBuildersTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    /**
     * Stands in for the binary convolution: a float convolution plus one theta and one alpha per output
     * channel, which is what the binary layer adds to the trainable parameter count.
     */
    private static final class ConvWithThetaAlpha implements Layer {
        private final Conv2d conv;
        private final Parameter theta;
        private final Parameter alpha;

        ConvWithThetaAlpha(ConvSpec spec, java.util.random.RandomGenerator rng) {
            conv = (Conv2d) ConvFactory.FLOAT.create(spec, rng);
            theta = new Parameter(Tensor.zeros(spec.outChannels(), 1, 1, 1));
            alpha = new Parameter(Tensor.zeros(spec.outChannels(), 1, 1));
        }

        @Override
        public Tensor forward(Tensor x, Mode mode) {
            return conv.forward(x, mode);
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            return conv.backward(gradOutput);
        }

        @Override
        public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
            conv.visitParameters(prefix, visitor);
            visitor.accept(prefix + "rotate", theta);
            visitor.accept(prefix + "alpha", alpha);
        }
    }

    private static List<String> expectedResNet20Names() {
        List<String> names = new ArrayList<>(List.of("conv1.weight", "bn1.weight", "bn1.bias"));
        for (int l = 1; l <= 3; l++) {
            for (int b = 0; b < 3; b++) {
                String p = "layer" + l + "." + b + ".";
                names.addAll(List.of(p + "conv1.weight", p + "bn1.weight", p + "bn1.bias",
                        p + "conv2.weight", p + "bn2.weight", p + "bn2.bias"));
            }
        }
        names.addAll(List.of("bn2.weight", "bn2.bias", "linear.weight", "linear.bias"));
        return names;
    }

    @Test
    void resnet20HasTheReferenceNamesAndParameterCount() {
        Network net = ResNet20.floatModel(3, 10, 1);
        // 271,194 (binary, DESIGN.md) - 2 * (6*16 + 6*32 + 6*64) theta/alpha values = 269,850
        assertThat(net.parameterCount()).isEqualTo(269_850L);
        assertThat(net.parameters().keySet()).containsExactlyElementsOf(expectedResNet20Names());
        Map<String, Tensor> buffers = net.buffers();
        assertThat(buffers).hasSize(2 * 20);
        assertThat(buffers).containsKeys("bn1.running_mean", "layer3.2.bn2.running_var", "bn2.running_var");
        assertThat(net.parameters().get("layer2.0.conv1.weight").value().shape()).containsExactly(32, 16, 3, 3);
        assertThat(net.parameters().get("linear.weight").value().shape()).containsExactly(10, 64);
        assertThat(net.layersOf(ShortcutA.class)).hasSize(2);
        assertThat(net.layersOf(BasicBlock.class)).hasSize(9);
    }

    @Test
    void resnet20WithThetaAndAlphaPerBinaryConvHasTheBinaryCount() {
        Network net = ResNet20.build("resnet20_1w1a", 3, 10, ConvWithThetaAlpha::new, BasicBlock.Wiring.STANDARD, new Random(1));
        assertThat(net.parameterCount()).isEqualTo(271_194L);
        Network biReal = ResNet20.build("resnet20_bireal_1w1a", 3, 10, ConvWithThetaAlpha::new, BasicBlock.Wiring.BI_REAL,
                new Random(1));
        assertThat(biReal.parameterCount()).isEqualTo(271_194L);
    }

    @Test
    void resnet20AsksTheFactoryForEveryBlockConvolutionInOrder() {
        List<ConvSpec> specs = new ArrayList<>();
        ResNet20.build("probe", 1, 10, (spec, rng) -> {
            specs.add(spec);
            return ConvFactory.FLOAT.create(spec, rng);
        }, BasicBlock.Wiring.STANDARD, new Random(1));
        assertThat(specs).hasSize(18);
        assertThat(specs.get(0)).extracting(ConvSpec::name, ConvSpec::inChannels, ConvSpec::outChannels, ConvSpec::stride)
                .containsExactly("layer1.0.conv1", 16, 16, 1);
        assertThat(specs.get(6)).extracting(ConvSpec::name, ConvSpec::inChannels, ConvSpec::outChannels, ConvSpec::stride)
                .containsExactly("layer2.0.conv1", 16, 32, 2);
        assertThat(specs.get(7).name()).isEqualTo("layer2.0.conv2");
        assertThat(specs.get(12)).extracting(ConvSpec::name, ConvSpec::stride).containsExactly("layer3.0.conv1", 2);
        assertThat(specs).allSatisfy(s -> assertThat(s.kernel()).isEqualTo(3));
        assertThat(specs).allSatisfy(s -> assertThat(s.padding()).isEqualTo(1));
    }

    @Test
    void resnet20InitialisationFollowsTheReference() {
        Map<String, Parameter> binary = ModelZoo.create(ModelSpec.of("resnet20_1w1a", 3, 10), 5).parameters();
        assertThat(binary.get("layer1.0.bn1.weight").value().data()).containsOnly(1e-8f);
        assertThat(binary.get("layer2.1.bn2.weight").value().data()).containsOnly(1e-8f);
        assertThat(binary.get("bn1.weight").value().data()).containsOnly(1e-8f);
        assertThat(binary.get("bn2.weight").value().data()).containsOnly(1f);

        Network net = ResNet20.floatModel(3, 10, 5);
        Map<String, Parameter> p = net.parameters();
        // The float model: gamma 1, the last BatchNorm of every residual branch 0 (zero-init residual).
        assertThat(p.get("layer1.0.bn1.weight").value().data()).containsOnly(1f);
        assertThat(p.get("layer1.0.bn2.weight").value().data()).containsOnly(0f);
        assertThat(p.get("layer3.2.bn2.weight").value().data()).containsOnly(0f);
        assertThat(p.get("bn1.weight").value().data()).containsOnly(1f);
        assertThat(p.get("layer3.2.bn2.bias").value().data()).containsOnly(0f);
        assertThat(p.get("bn2.weight").value().data()).containsOnly(1f);
        float[] w = p.get("layer3.1.conv1.weight").value().data(); // 36,864 draws, fan-in 576
        double sumSq = 0;
        for (float v : w) {
            sumSq += v * v;
        }
        assertThat(Math.sqrt(sumSq / w.length)).isCloseTo(Math.sqrt(2.0 / 576), within(0.03 * Math.sqrt(2.0 / 576)));
        float[] bias = p.get("linear.bias").value().data();
        for (float b : bias) {
            assertThat(Math.abs(b)).isLessThanOrEqualTo(0.125f);
        }
        assertThat(bias).isNotEqualTo(new float[10]);
    }

    @Test
    void aSeedRepeatsTheModelAndTheFactoryDoesNotChangeTheLatentWeights() {
        Map<String, Parameter> a = ResNet20.floatModel(3, 10, 7).parameters();
        Map<String, Parameter> b = ResNet20.floatModel(3, 10, 7).parameters();
        Map<String, Parameter> c = ResNet20.floatModel(3, 10, 8).parameters();
        Map<String, Parameter> binary = ResNet20.build("b", 3, 10, ConvWithThetaAlpha::new, BasicBlock.Wiring.STANDARD,
                new Random(7)).parameters();
        for (String name : a.keySet()) {
            assertThat(Arrays.equals(b.get(name).value().data(), a.get(name).value().data())).as(name).isTrue();
            if (!name.matches(".*bn\\d\\.weight")) { // BN gammas are constants of the init, not draws
                assertThat(Arrays.equals(binary.get(name).value().data(), a.get(name).value().data())).as(name).isTrue();
            }
        }
        assertThat(c.get("layer1.0.conv1.weight").value().data()).isNotEqualTo(a.get("layer1.0.conv1.weight").value().data());
    }

    @Test
    void resnet20ForwardAndBackwardOnAnyChannelsAndClasses() {
        Network net = ResNet20.floatModel(1, 7, 3);
        Random rng = new Random(4);
        Tensor x = Tensor.zeros(2, 1, 32, 32);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) rng.nextGaussian();
        }
        Tensor logits = net.forward(x, Mode.TRAIN);
        assertThat(logits.shape()).containsExactly(2, 7);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        double loss = ce.forward(logits, new int[]{3, 6});
        assertThat(loss).isFinite().isPositive();
        net.zeroGrad();
        Tensor dx = net.backward(ce.backward());
        assertThat(dx.shape()).containsExactly(2, 1, 32, 32);
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            for (float g : e.getValue().grad().data()) {
                assertThat(g).as(e.getKey()).isFinite();
            }
        }
        assertThat(maxAbs(net.parameters().get("conv1.weight").grad().data())).isPositive();
        assertThat(maxAbs(net.parameters().get("layer3.2.bn2.weight").grad().data())).isPositive();
        assertThat(maxAbs(net.parameters().get("linear.weight").grad().data())).isPositive();
        // running statistics moved in training, and evaluation gives the same shape
        assertThat(net.buffers().get("bn2.running_mean").data()).isNotEqualTo(new float[64]);
        assertThat(net.forward(x, Mode.EVAL).shape()).containsExactly(2, 7);
    }

    private static double maxAbs(float[] d) {
        double m = 0;
        for (float v : d) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void vggSmallHasTheReferenceNamesAndParameterCount() {
        Network net = VggSmall.floatModel(3, 10, 1);
        // 4,663,434 (binary, DESIGN.md) - 2 * (128 + 256 + 256 + 512 + 512) = 4,660,106
        assertThat(net.parameterCount()).isEqualTo(4_660_106L);
        Network binary = VggSmall.build("vgg_small_1w1a", 3, 10, 32, ConvWithThetaAlpha::new, new Random(1));
        assertThat(binary.parameterCount()).isEqualTo(4_663_434L);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 5; i++) {
            expected.addAll(List.of("conv" + i + ".weight", "bn" + i + ".weight", "bn" + i + ".bias"));
        }
        expected.addAll(List.of("fc.weight", "fc.bias"));
        assertThat(net.parameters().keySet()).containsExactlyElementsOf(expected);
        assertThat(net.parameters().get("fc.weight").value().shape()).containsExactly(10, 512 * 4 * 4);
        assertThat(net.parameters().get("fc.bias").value().data()).containsOnly(0f);
        assertThat(net.layersOf(BatchNorm2d.class)).hasSize(6).allSatisfy(bn ->
                assertThat(bn.weight().value().data()).containsOnly(1f));
        assertThat(net.layersOf(BatchNorm1d.class)).isEmpty();
        float[] w = net.parameters().get("conv4.weight").value().data();
        double sumSq = 0;
        for (float v : w) {
            sumSq += v * v;
        }
        double expectedStd = Math.sqrt(2.0 / (9 * 512));
        assertThat(Math.sqrt(sumSq / w.length)).isCloseTo(expectedStd, within(0.02 * expectedStd));
    }

    @Test
    void vggSmallPoolsBetweenConvAndBatchNormAndRunsBackward() {
        Network net = VggSmall.build("vgg_small", 2, 5, 8, ConvFactory.FLOAT, new Random(2));
        List<String> order = new ArrayList<>(((org.rbnn4j.core.nn.Sequential) net.root()).children().keySet());
        assertThat(order.subList(0, 8)).containsExactly("conv0", "bn0", "act0", "conv1", "pool1", "bn1", "act1", "conv2");
        assertThat(order).containsSubsequence("conv3", "pool3", "bn3").containsSubsequence("conv5", "pool5", "bn5", "act5", "flatten", "fc");
        Tensor x = Tensor.full(0.5f, 2, 2, 8, 8);
        x.data()[3] = -1f;
        Tensor logits = net.forward(x, Mode.TRAIN);
        assertThat(logits.shape()).containsExactly(2, 5);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        ce.forward(logits, new int[]{1, 4});
        assertThat(net.backward(ce.backward()).shape()).containsExactly(2, 2, 8, 8);
        assertThat(maxAbs(net.parameters().get("conv0.weight").grad().data())).isPositive();
        assertThatThrownBy(() -> VggSmall.build("v", 3, 10, 30, ConvFactory.FLOAT, new Random(1)))
                .hasMessageContaining("multiple of 8");
    }

    @Test
    void networkRejectsDuplicateNames() {
        Layer twice = new Layer() {
            private final Parameter p = new Parameter(Tensor.zeros(1));

            @Override
            public Tensor forward(Tensor x, Mode mode) {
                return x;
            }

            @Override
            public Tensor backward(Tensor gradOutput) {
                return gradOutput;
            }

            @Override
            public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
                visitor.accept(prefix + "w", p);
                visitor.accept(prefix + "w", p);
            }
        };
        assertThatThrownBy(() -> new Network("dup", twice)).hasMessageContaining("two parameters named 'w'");
        Map<String, Parameter> ok = new LinkedHashMap<>(ResNet20.floatModel(3, 10, 1).parameters());
        assertThat(ok).hasSize(expectedResNet20Names().size());
    }
}
