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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.nn.BasicBlock;
import org.rbnn4j.core.nn.BatchNorm1d;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.MaxPool2d;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.nn.ShortcutA;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.rbnn.BinaryConvOptions;
import org.rbnn4j.core.rbnn.RotationMode;
import org.rbnn4j.core.rbnn.RotationSchedule;
import org.rbnn4j.core.rbnn.SignGradient;
import org.rbnn4j.core.tensor.Tensor;

/** The model zoo against DESIGN.md §2: parameter counts, graphs, initialisation, seeding, options, forward/backward. */
class ModelZooTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    private static Network create(String architecture, int inChannels, int classes) {
        return ModelZoo.create(ModelSpec.of(architecture, inChannels, classes), 1);
    }

    // ------------------------------------------------------------------------------------------ parameter counts

    @Test
    void cifarParameterCountsEqualTheReference() {
        assertThat(create("resnet20_1w1a", 3, 10).parameterCount()).isEqualTo(271_194L);
        assertThat(create("resnet20_bireal_1w1a", 3, 10).parameterCount()).isEqualTo(271_194L);
        assertThat(create("resnet18_1w1a", 3, 10).parameterCount()).isEqualTo(11_184_458L);
        assertThat(create("vgg_small_1w1a", 3, 10).parameterCount()).isEqualTo(4_663_434L);
        // The float models lack theta and alpha: 2 values per output channel of each binary convolution.
        assertThat(create("resnet20", 3, 10).parameterCount()).isEqualTo(271_194L - 2 * (6 * 16 + 6 * 32 + 6 * 64));
        assertThat(create("vgg_small", 3, 10).parameterCount()).isEqualTo(4_663_434L - 2 * (128 + 256 + 256 + 512 + 512));
    }

    @Test
    void resnet20RotationMatricesHoldTheReferenceNumberOfValues() {
        Network net = create("resnet20_1w1a", 3, 10);
        long rotationValues = 0;
        int matrices = 0;
        for (Map.Entry<String, Tensor> e : net.buffers().entrySet()) {
            if (e.getKey().endsWith(".R1") || e.getKey().endsWith(".R2")) {
                rotationValues += e.getValue().size();
                matrices++;
            }
        }
        assertThat(matrices).isEqualTo(2 * 18);
        assertThat(rotationValues).isEqualTo(11_256L);
        // Rotation state is not trained: no parameter is a rotation matrix.
        assertThat(net.parameters().keySet()).noneMatch(n -> n.endsWith(".R1") || n.endsWith(".R2"));
        assertThat(net.buffers().get("layer3.2.conv2.R1").shape()).containsExactly(24, 24);
        assertThat(net.buffers().get("layer2.1.conv1.R2").shape()).containsExactly(18, 18);
    }

    /**
     * DESIGN.md §2 quotes 11,700,216 and 21,815,800: the reference's parameter count, which includes a
     * {@code bn3 = BatchNorm1d(num_classes)} that its forward never calls (2 * 1000 values). The graph of
     * DESIGN.md ends with avg-pool, BatchNorm1d(512), linear; it has exactly the rest.
     */
    @Test
    void imagenetParameterCountsEqualTheReferenceLessItsUnusedBatchNorm() {
        long unused = (long) ResNetImageNet.REFERENCE_UNUSED_PARAMETERS_PER_CLASS * 1000;
        Network r18 = create("resnet18_1w1a_imagenet", 3, 1000);
        assertThat(r18.parameterCount() + unused).isEqualTo(11_700_216L);
        assertThat(r18.layersOf(BinaryConv2d.class)).hasSize(16);
        r18 = null;
        Network r34 = create("resnet34_1w1a_imagenet", 3, 1000);
        assertThat(r34.parameterCount() + unused).isEqualTo(21_815_800L);
        assertThat(r34.layersOf(BinaryConv2d.class)).hasSize(32);
        assertThat(r34.layersOf(BasicBlock.class)).hasSize(3 + 4 + 6 + 3);
        assertThat(r34.layersOf(Conv2d.class)).hasSize(4); // stem and three float projections
    }

    // ------------------------------------------------------------------------------------------ graphs and init

    @Test
    void resnet20BinaryKeepsFirstAndLastLayersFloatAndFollowsTheReferenceInit() {
        Network net = create("resnet20_1w1a", 3, 10);
        Map<String, BinaryConv2d> binary = net.binaryLayers();
        assertThat(binary).hasSize(18);
        assertThat(binary.keySet()).startsWith("layer1.0.conv1", "layer1.0.conv2").endsWith("layer3.2.conv2");
        Sequential root = (Sequential) net.root();
        assertThat(root.get("conv1")).isInstanceOf(Conv2d.class);
        assertThat(root.get("linear")).isInstanceOf(Linear.class);
        assertThat(root.children().keySet()).containsExactly("conv1", "bn1", "act", "layer1", "layer2", "layer3", "pool",
                "bn2", "linear");
        assertThat(net.layersOf(ShortcutA.class)).hasSize(2);
        assertThat(net.layersOf(BasicBlock.class)).allSatisfy(b -> assertThat(b.wiring()).isEqualTo(BasicBlock.Wiring.STANDARD));
        assertThat(net.layersOf(BatchNorm2d.class)).hasSize(19)
                .allSatisfy(bn -> assertThat(bn.weight().value().data()).containsOnly(1e-8f));
        assertThat(net.layersOf(BatchNorm1d.class)).singleElement()
                .satisfies(bn -> assertThat(bn.weight().value().data()).containsOnly(1f));
        BinaryConv2d conv = binary.get("layer3.1.conv1");
        assertThat(conv.options()).isEqualTo(BinaryConvOptions.defaults());
        assertThat(conv.theta().value().data()).containsOnly((float) (Math.PI / 2));
        // Latent weights Kaiming-normal (fan-in 576) ...
        float[] w = conv.weight().value().data();
        assertThat(rms(w)).isCloseTo(Math.sqrt(2.0 / 576), within(0.03 * Math.sqrt(2.0 / 576)));
        // ... while alpha, as in the reference, is mean|w| of PyTorch's default uniform(+-1/sqrt(576)) weights
        // drawn at construction: 1/(2*sqrt(576)) per filter, not mean|w| of the Kaiming weights (about 2.26x that).
        float[] alpha = conv.alpha().value().data();
        for (float a : alpha) {
            assertThat((double) a).isCloseTo(0.5 / 24, within(0.15 * 0.5 / 24));
        }
    }

    @Test
    void bireal20WiresAShortcutAroundEveryBinaryConvolution() {
        Network net = create("resnet20_bireal_1w1a", 3, 10);
        assertThat(net.layersOf(BasicBlock.class)).hasSize(9)
                .allSatisfy(b -> assertThat(b.wiring()).isEqualTo(BasicBlock.Wiring.BI_REAL));
        assertThat(net.layersOf(ShortcutA.class)).hasSize(2);
        assertThat(net.binaryLayers()).hasSize(18);
        assertThat(net.parameters().keySet()).containsExactlyElementsOf(create("resnet20_1w1a", 3, 10).parameters().keySet());
    }

    @Test
    void resnet18CifarHasBinaryProjectionsNoStemActivationAndDefaultInit() {
        Network net = create("resnet18_1w1a", 3, 10);
        Sequential root = (Sequential) net.root();
        assertThat(root.children().keySet()).containsExactly("conv1", "bn1", "layer1", "layer2", "layer3", "layer4", "pool",
                "bn2", "linear");
        Map<String, BinaryConv2d> binary = net.binaryLayers();
        assertThat(binary).hasSize(16 + 3);
        assertThat(binary).containsKeys("layer2.0.shortcut.0", "layer3.0.shortcut.0", "layer4.0.shortcut.0");
        BinaryConv2d projection = binary.get("layer4.0.shortcut.0");
        assertThat(projection.kernelSize()).isEqualTo(1);
        assertThat(projection.stride()).isEqualTo(2);
        assertThat(projection.padding()).isZero();
        assertThat(net.parameters().get("layer4.0.shortcut.1.weight").value().shape()).containsExactly(512);
        assertThat(net.layersOf(Conv2d.class)).singleElement(); // the stem
        assertThat(net.layersOf(BatchNorm2d.class)).allSatisfy(bn -> assertThat(bn.weight().value().data()).containsOnly(1f));
        // No re-initialisation in the reference: PyTorch's default uniform(+-1/sqrt(fanIn)) and alpha = mean|w| of them.
        BinaryConv2d conv = binary.get("layer3.1.conv2");
        float[] w = conv.weight().value().data();
        double bound = 1 / Math.sqrt(256 * 9);
        assertThat(maxAbs(w)).isLessThanOrEqualTo(bound).isGreaterThan(0.99 * bound);
        float[] alpha = conv.alpha().value().data();
        int n = conv.filterSize();
        for (int j = 0; j < alpha.length; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += Math.abs(w[j * n + i]);
            }
            assertThat((double) alpha[j]).isCloseTo(mean / n, within(1e-6));
        }
        assertThat(maxAbs(net.parameters().get("linear.weight").value().data())).isLessThanOrEqualTo(1 / Math.sqrt(512));
    }

    @Test
    void vggSmallBinaryPoolsBetweenConvAndBatchNormWithFloatEnds() {
        Network net = create("vgg_small_1w1a", 3, 10);
        Sequential root = (Sequential) net.root();
        assertThat(root.children().keySet()).containsExactly("conv0", "bn0", "act0", "conv1", "pool1", "bn1", "act1",
                "conv2", "bn2", "act2", "conv3", "pool3", "bn3", "act3", "conv4", "bn4", "act4", "conv5", "pool5", "bn5",
                "act5", "flatten", "fc");
        assertThat(root.get("conv0")).isInstanceOf(Conv2d.class);
        assertThat(net.binaryLayers().keySet()).containsExactly("conv1", "conv2", "conv3", "conv4", "conv5");
        assertThat(net.layersOf(BatchNorm1d.class)).isEmpty();
        assertThat(net.parameters().get("fc.weight").value().shape()).containsExactly(10, 512 * 4 * 4);
        float[] w = net.parameters().get("conv4.weight").value().data();
        assertThat(rms(w)).isCloseTo(Math.sqrt(2.0 / (9 * 512)), within(0.02 * Math.sqrt(2.0 / (9 * 512))));
        assertThatThrownBy(() -> ModelZoo.create(ModelSpec.of("vgg_small_1w1a", 3, 10).withInputSize(30), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 8");
    }

    @Test
    void imagenetResNetHasFloatStemMaxPoolBiRealBlocksAndFloatProjections() {
        Network net = ModelZoo.create(ModelSpec.of("resnet18_1w1a_imagenet", 3, 7), 1);
        Sequential root = (Sequential) net.root();
        assertThat(root.children().keySet()).containsExactly("conv1", "bn1", "nonlinear1", "maxpool", "layer1", "layer2",
                "layer3", "layer4", "avgpool", "bn2", "fc");
        Conv2d stem = (Conv2d) root.get("conv1");
        assertThat(List.of(stem.kernel(), stem.stride(), stem.padding())).containsExactly(7, 2, 3);
        assertThat(root.get("nonlinear1")).isInstanceOf(Hardtanh.class);
        MaxPool2d pool = (MaxPool2d) root.get("maxpool");
        assertThat(List.of(pool.kernel(), pool.stride(), pool.padding())).containsExactly(3, 2, 1);
        assertThat(net.layersOf(BasicBlock.class)).hasSize(8)
                .allSatisfy(b -> assertThat(b.wiring()).isEqualTo(BasicBlock.Wiring.BI_REAL));
        // Float 1x1 projections + BN where the shape changes (stages 2-4), nowhere else.
        List<Conv2d> floatConvs = net.layersOf(Conv2d.class);
        assertThat(floatConvs).hasSize(4);
        assertThat(floatConvs.subList(1, 4)).allSatisfy(c -> {
            assertThat(c.kernel()).isEqualTo(1);
            assertThat(c.stride()).isEqualTo(2);
        });
        assertThat(net.parameters()).containsKeys("layer2.0.shortcut.0.weight", "layer2.0.shortcut.1.weight",
                "bn2.weight", "fc.weight", "fc.bias");
        assertThat(net.binaryLayers()).hasSize(16).doesNotContainKey("layer2.0.shortcut.0");
        assertThat(net.layersOf(BatchNorm2d.class)).allSatisfy(bn -> assertThat(bn.weight().value().data()).containsOnly(1e-8f));
        assertThat(net.layersOf(BatchNorm1d.class)).singleElement().satisfies(bn -> assertThat(bn.channels()).isEqualTo(512));
        assertThat(net.parameters().get("fc.weight").value().shape()).containsExactly(7, 512);
    }

    // ------------------------------------------------------------------------------------------ seeding

    @Test
    void aSeedRepeatsEveryWeightAndBufferAndAnotherSeedDoesNot() {
        for (String arch : List.of("resnet20_1w1a", "resnet20_bireal_1w1a", "vgg_small_1w1a")) {
            ModelSpec spec = ModelSpec.of(arch, 1, 4).withInputSize(arch.startsWith("vgg") ? 8 : 32);
            Network a = ModelZoo.create(spec, 42);
            Network b = ModelZoo.create(spec, 42);
            Network c = ModelZoo.create(spec, 43);
            assertSameTensors(arch, a, b);
            String firstBinary = a.binaryLayers().keySet().iterator().next();
            assertThat(c.parameters().get(firstBinary + ".weight").value().data())
                    .isNotEqualTo(a.parameters().get(firstBinary + ".weight").value().data());
            assertThat(c.buffers().get(firstBinary + ".R1").data()).isNotEqualTo(a.buffers().get(firstBinary + ".R1").data());
        }
    }

    @Test
    void binaryModelsStartFromTheLatentWeightsOfTheirFloatCounterparts() {
        Map<String, Parameter> binary = ModelZoo.create(ModelSpec.of("resnet20_1w1a", 3, 10), 9).parameters();
        Map<String, Parameter> floats = ModelZoo.create(ModelSpec.of("resnet20", 3, 10), 9).parameters();
        Map<String, Parameter> builder = ResNet20.floatModel(3, 10, 9).parameters();
        assertThat(floats.keySet()).containsExactlyElementsOf(builder.keySet());
        for (String name : floats.keySet()) {
            assertThat(floats.get(name).value().data()).as(name).isEqualTo(builder.get(name).value().data());
            if (!isBatchNorm(name)) { // the BN gammas are constants, not draws, and may differ between float and binary
                assertThat(binary.get(name).value().data()).as(name).isEqualTo(floats.get(name).value().data());
            }
        }
        Map<String, Parameter> vggBinary = ModelZoo.create(ModelSpec.of("vgg_small_1w1a", 2, 3).withInputSize(8), 9).parameters();
        Map<String, Parameter> vggFloat = ModelZoo.create(ModelSpec.of("vgg_small", 2, 3).withInputSize(8), 9).parameters();
        for (String name : vggFloat.keySet()) {
            if (!isBatchNorm(name)) {
                assertThat(vggBinary.get(name).value().data()).as(name).isEqualTo(vggFloat.get(name).value().data());
            }
        }
    }

    // ------------------------------------------------------------------------------------------ names

    @Test
    void namesAliasesAndUnknownNames() {
        assertThat(ModelZoo.architectures()).containsExactly("resnet20", "vgg_small", "resnet20_1w1a",
                "resnet20_bireal_1w1a", "resnet18_1w1a", "vgg_small_1w1a", "resnet18_1w1a_imagenet", "resnet34_1w1a_imagenet");
        assertThat(ModelZoo.canonicalName("resnet20-1w1a")).isEqualTo("resnet20_1w1a");
        assertThat(ModelZoo.canonicalName(" ResNet20_BiReal-1W1A ")).isEqualTo("resnet20_bireal_1w1a");
        assertThat(ModelZoo.canonicalName("vggsmall-1w1a")).isEqualTo("vgg_small_1w1a");
        assertThat(ModelZoo.canonicalName("vgg-small")).isEqualTo("vgg_small");
        assertThat(ModelZoo.canonicalName("resnet18_1w1a_cifar")).isEqualTo("resnet18_1w1a");
        assertThat(ModelZoo.canonicalName("imagenet-resnet34-1w1a")).isEqualTo("resnet34_1w1a_imagenet");
        assertThat(ModelZoo.isBinary("resnet20")).isFalse();
        assertThat(ModelZoo.isBinary("vgg_small")).isFalse();
        assertThat(ModelZoo.isBinary("resnet18-1w1a")).isTrue();

        Network net = ModelZoo.create(ModelSpec.of("resnet20-1w1a", 1, 3).withOption(ModelOptions.ROTATION, "off"), 1);
        assertThat(net.name()).isEqualTo("resnet20_1w1a");
        assertThat(net.spec()).isEqualTo(new ModelSpec("resnet20_1w1a", 1, 3, 32, Map.of("rotation", "off")));
        assertThat(net.toCheckpoint().metadata()).containsEntry("model.architecture", "resnet20_1w1a")
                .containsEntry("model.option.rotation", "off");

        assertThatThrownBy(() -> ModelZoo.create(ModelSpec.of("resnet50_1w1a", 3, 10), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model architecture 'resnet50_1w1a'")
                .hasMessageContaining(String.join(", ", ModelZoo.architectures()));
        assertThatThrownBy(() -> ModelZoo.create(ModelSpec.of("resnet20", 3, 10).withOption("rotation", "off"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no binary layers");
    }

    // ------------------------------------------------------------------------------------------ options

    @Test
    void emptyOptionsAreTheReferenceMethod() {
        assertThat(ModelOptions.binaryConvOptions(Map.of())).isEqualTo(BinaryConvOptions.defaults());
    }

    @Test
    void everyOptionIsParsed() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(ModelOptions.ROTATION, "full");
        o.put(ModelOptions.ROTATION_SCHEDULE, "iteration");
        o.put(ModelOptions.ROTATION_EVERY, "3");
        o.put(ModelOptions.SIGN_GRAD, "approx_sign");
        o.put(ModelOptions.BLEND_INIT, "0.5");
        o.put(ModelOptions.LEARN_BLEND, "false");
        o.put(ModelOptions.BINARY_ACTIVATIONS, "FALSE");
        o.put(ModelOptions.ONE_PADDING, "true");
        BinaryConvOptions b = ModelOptions.binaryConvOptions(o);
        assertThat(b.rotation()).isEqualTo(RotationMode.FULL);
        assertThat(b.rotationSchedule()).isEqualTo(RotationSchedule.PER_ITERATION);
        assertThat(b.rotationEvery()).isEqualTo(3);
        assertThat(b.signGradient()).isEqualTo(SignGradient.APPROX_SIGN);
        assertThat(b.blendInit()).isEqualTo(0.5);
        assertThat(b.learnBlend()).isFalse();
        assertThat(b.binaryActivations()).isFalse();
        assertThat(b.padValue()).isEqualTo(1f);
        assertThat(b.alternatingSteps()).isEqualTo(3);
        assertThat(ModelOptions.binaryConvOptions(Map.of("rotation", "bi")).rotation()).isEqualTo(RotationMode.BI_ROTATION);
        assertThat(ModelOptions.binaryConvOptions(Map.of("rotation", "OFF")).rotation()).isEqualTo(RotationMode.OFF);
        assertThat(ModelOptions.binaryConvOptions(Map.of("rotation_schedule", "epoch")).rotationSchedule())
                .isEqualTo(RotationSchedule.PER_EPOCH);
        assertThat(ModelOptions.binaryConvOptions(Map.of("sign_grad", "ste")).signGradient())
                .isEqualTo(SignGradient.STRAIGHT_THROUGH);
        assertThat(ModelOptions.binaryConvOptions(Map.of("sign_grad", "tanh")).signGradient()).isEqualTo(SignGradient.TANH);
        assertThat(ModelOptions.binaryConvOptions(Map.of("sign_grad", "rbnn")).signGradient()).isEqualTo(SignGradient.RBNN);
    }

    @Test
    void optionsRoundTripThroughStrings() {
        BinaryConvOptions o = BinaryConvOptions.builder().rotation(RotationMode.OFF).signGradient(SignGradient.TANH)
                .blendInit(0.25).learnBlend(false).onePadding(true).rotationEvery(2)
                .rotationSchedule(RotationSchedule.PER_ITERATION).binaryActivations(false).build();
        Map<String, String> strings = ModelOptions.toOptions(o);
        assertThat(strings.keySet()).containsExactlyElementsOf(ModelOptions.KEYS);
        assertThat(ModelOptions.binaryConvOptions(strings)).isEqualTo(o);
        assertThat(ModelOptions.binaryConvOptions(ModelOptions.toOptions(BinaryConvOptions.defaults())))
                .isEqualTo(BinaryConvOptions.defaults());
        assertThatThrownBy(() -> ModelOptions.toOptions(BinaryConvOptions.builder().alternatingSteps(5).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alternating steps");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rotation=diagonal", "rotation_schedule=weekly", "rotation_every=0", "rotation_every=two",
            "sign_grad=relu", "blend_init=1.5", "blend_init=-0.1", "blend_init=NaN", "blend_init=half", "learn_blend=yes",
            "binary_activations=1", "one_padding=ture"})
    void badValuesAreRejectedNamingKeyAndValue(String entry) {
        String key = entry.substring(0, entry.indexOf('='));
        String value = entry.substring(entry.indexOf('=') + 1);
        assertThatThrownBy(() -> ModelOptions.binaryConvOptions(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key).hasMessageContaining("'" + value + "'").hasMessageContaining("expected");
        assertThatThrownBy(() -> ModelZoo.create(ModelSpec.of("resnet20_1w1a", 3, 10).withOption(key, value), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
    }

    @Test
    void unknownKeysAreRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> ModelOptions.binaryConvOptions(Map.of("sign-grad", "ste")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model option 'sign-grad'")
                .hasMessageContaining(String.join(", ", ModelOptions.KEYS));
    }

    @Test
    void optionsReachEveryBinaryLayer() {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 3, 10).withOption("rotation", "off").withOption("one_padding", "true")
                .withOption("sign_grad", "ste");
        Network net = ModelZoo.create(spec, 1);
        assertThat(net.binaryLayers().values()).hasSize(18).allSatisfy(b -> {
            assertThat(b.options().rotation()).isEqualTo(RotationMode.OFF);
            assertThat(b.options().signGradient()).isEqualTo(SignGradient.STRAIGHT_THROUGH);
            assertThat(b.geometry(1, 8, 8).padValue()).isEqualTo(1f);
        });
        // Rotation off: no theta parameters and no rotation buffers.
        assertThat(net.parameterCount()).isEqualTo(271_194L - (6 * 16 + 6 * 32 + 6 * 64));
        assertThat(net.buffers().keySet()).noneMatch(n -> n.endsWith(".R1") || n.endsWith(".R2"));

        Network fixed = ModelZoo.create(ModelSpec.of("vgg_small_1w1a", 3, 10).withOption("learn_blend", "false")
                .withOption("blend_init", "0.5"), 1);
        assertThat(fixed.parameters().keySet()).noneMatch(n -> n.endsWith(".theta"));
        assertThat(fixed.buffers().get("conv3.theta").data()).containsOnly((float) Math.asin(0.5));
    }

    // ------------------------------------------------------------------------------------------ forward / backward

    /**
     * Batch 2 of 1-channel images with the scalar backend. The wide models (ResNet-18, VGG-small) run on smaller
     * images (both accept any size: ResNet-18 pools globally, VGG-small's linear layer follows
     * {@link ModelSpec#inputSize()}) and without a rotation update, whose cost does not depend on the input, to keep
     * the test fast; the ResNet-20s run the update of epoch 0's first batch.
     */
    @ParameterizedTest
    @CsvSource({"resnet20_1w1a, 32, true", "resnet20_bireal_1w1a, 32, true", "resnet18_1w1a, 16, false",
            "vgg_small_1w1a, 16, false", "resnet20, 32, true", "vgg_small, 8, false"})
    void cifarModelsTrainOnOneChannelInput(String arch, int size, boolean rotate) {
        Network net = ModelZoo.create(ModelSpec.of(arch, 1, 5).withInputSize(size), 3);
        if (rotate) {
            net.onEpochStart(0, 10, 0.1, 10.0);
            net.onBatchStart(0); // the first batch of epoch 0 updates the rotations
        }
        Tensor x = gaussian(new Random(4), 2, 1, size, size);
        Tensor logits = net.forward(x, Mode.TRAIN);
        assertThat(logits.shape()).containsExactly(2, 5);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        assertThat(ce.forward(logits, new int[]{1, 4})).isFinite().isPositive();
        net.zeroGrad();
        Tensor dx = net.backward(ce.backward());
        assertThat(dx.shape()).containsExactly(2, 1, size, size);
        assertThat(maxAbs(dx.data())).isPositive();
        for (Map.Entry<String, Parameter> e : net.parameters().entrySet()) {
            float[] g = e.getValue().grad().data();
            for (float v : g) {
                assertThat(v).as(e.getKey()).isFinite();
            }
        }
        Map<String, Parameter> p = net.parameters();
        String first = ((Sequential) net.root()).children().keySet().iterator().next();
        assertThat(maxAbs(p.get(first + ".weight").grad().data())).as("stem gradient").isPositive();
        for (BinaryConv2d b : net.binaryLayers().values()) {
            assertThat(b.rotationUpdates()).isEqualTo(rotate ? 1 : 0);
            // s = 1 at the reference init: the alpha gradient flows, the latent weights get none (DESIGN.md §1.6).
            assertThat(maxAbs(b.alpha().grad().data())).isPositive();
            assertThat(maxAbs(b.weight().grad().data())).isZero();
        }
        assertThat(net.forward(x, Mode.EVAL).shape()).containsExactly(2, 5);
    }

    @Test
    void imagenetResNet18TrainsOnSmallInputs() {
        // 32x32: 16 after the stem, 8 after the max-pool, 1x1 maps in stage 4.
        Network r18 = ModelZoo.create(ModelSpec.of("resnet18_1w1a_imagenet", 1, 6), 5);
        Tensor x = gaussian(new Random(6), 2, 1, 32, 32);
        Tensor logits = r18.forward(x, Mode.TRAIN);
        assertThat(logits.shape()).containsExactly(2, 6);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        assertThat(ce.forward(logits, new int[]{0, 5})).isFinite();
        r18.zeroGrad();
        Tensor dx = r18.backward(ce.backward());
        assertThat(dx.shape()).containsExactly(2, 1, 32, 32);
        assertThat(maxAbs(r18.parameters().get("conv1.weight").grad().data())).isPositive();
        assertThat(maxAbs(r18.parameters().get("layer2.0.shortcut.0.weight").grad().data())).isPositive();
        assertThat(maxAbs(r18.parameters().get("layer4.1.conv2.alpha").grad().data())).isPositive();
        assertThat(r18.forward(gaussian(new Random(7), 1, 1, 32, 32), Mode.EVAL).shape()).containsExactly(1, 6);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertSameTensors(String what, Network a, Network b) {
        List<String> names = new ArrayList<>();
        a.parameters().forEach((n, p) -> {
            names.add(n);
            assertThat(Arrays.equals(p.value().data(), b.parameters().get(n).value().data())).as(what + " " + n).isTrue();
        });
        a.buffers().forEach((n, t) -> assertThat(Arrays.equals(t.data(), b.buffers().get(n).data())).as(what + " " + n).isTrue());
        assertThat(b.parameters().keySet()).containsExactlyElementsOf(names);
    }

    private static boolean isBatchNorm(String parameterName) {
        return parameterName.startsWith("bn") || parameterName.contains(".bn");
    }

    private static Tensor gaussian(Random rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return t;
    }

    private static double rms(float[] d) {
        double s = 0;
        for (float v : d) {
            s += (double) v * v;
        }
        return Math.sqrt(s / d.length);
    }

    private static double maxAbs(float[] d) {
        double m = 0;
        for (float v : d) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
