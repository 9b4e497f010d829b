package org.rbnn4j.core.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.rbnn4j.core.nn.BasicBlock;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.rbnn.BinaryConvOptions;

/**
 * Builds the networks of DESIGN.md §2 by name, from a {@link ModelSpec} and a seed.
 *
 * <table>
 *   <caption>Architectures (first and last layers float in every binary model)</caption>
 *   <tr><th>name</th><th>graph</th></tr>
 *   <tr><td>{@value #RESNET20}</td><td>float CIFAR ResNet-20 ({@link ResNet20})</td></tr>
 *   <tr><td>{@value #VGG_SMALL}</td><td>float VGG-small ({@link VggSmall})</td></tr>
 *   <tr><td>{@value #RESNET20_1W1A}</td><td>ResNet-20, binary block convolutions, option-A shortcuts</td></tr>
 *   <tr><td>{@value #RESNET20_BIREAL_1W1A}</td><td>the same with a shortcut around every binary convolution</td></tr>
 *   <tr><td>{@value #RESNET18_1W1A}</td><td>CIFAR ResNet-18, binary convolutions and binary 1x1 projections ({@link ResNet18Cifar})</td></tr>
 *   <tr><td>{@value #VGG_SMALL_1W1A}</td><td>VGG-small, binary conv1..conv5</td></tr>
 *   <tr><td>{@value #RESNET18_1W1A_IMAGENET}</td><td>ImageNet Bi-Real ResNet-18 ({@link ResNetImageNet})</td></tr>
 *   <tr><td>{@value #RESNET34_1W1A_IMAGENET}</td><td>ImageNet Bi-Real ResNet-34</td></tr>
 * </table>
 * Names are matched case-insensitively with {@code -} and {@code _} interchangeable, and a few aliases are
 * accepted ({@code vggsmall_1w1a}, {@code resnet18_1w1a_cifar}, {@code imagenet_resnet18_1w1a}, ...); the
 * network's {@link Network#spec()} carries the canonical name. Any input channel count and class count work;
 * {@link ModelSpec#inputSize()} matters only to VGG-small, whose linear layer depends on it (a multiple of 8).
 * Binary models read their layer variant from {@link ModelSpec#options()} ({@link ModelOptions}); float models
 * accept no options.
 *
 * <p>Seeding: the seed starts two {@link Random} streams. The model stream draws the float layers and the latent
 * weights of the binary ones in the builder's order, so a binary model's latent weights equal those of its float
 * counterpart from the same seed ({@code resnet20_1w1a} and {@code resnet20}, {@code vgg_small_1w1a} and
 * {@code vgg_small}), and the float models equal {@link ResNet20#floatModel} and {@link VggSmall#floatModel};
 * the state stream draws the binary layers' initial rotations and the default weights their {@code alpha} starts
 * from ({@link BinaryConvFactory}). The same spec and seed always give the same network, bit for bit.
 */
public final class ModelZoo {
    public static final String RESNET20 = "resnet20";
    public static final String VGG_SMALL = "vgg_small";
    public static final String RESNET20_1W1A = "resnet20_1w1a";
    public static final String RESNET20_BIREAL_1W1A = "resnet20_bireal_1w1a";
    public static final String RESNET18_1W1A = "resnet18_1w1a";
    public static final String VGG_SMALL_1W1A = "vgg_small_1w1a";
    public static final String RESNET18_1W1A_IMAGENET = "resnet18_1w1a_imagenet";
    public static final String RESNET34_1W1A_IMAGENET = "resnet34_1w1a_imagenet";

    private static final List<String> ARCHITECTURES = List.of(RESNET20, VGG_SMALL, RESNET20_1W1A, RESNET20_BIREAL_1W1A,
            RESNET18_1W1A, VGG_SMALL_1W1A, RESNET18_1W1A_IMAGENET, RESNET34_1W1A_IMAGENET);

    /** Other spellings, after lower-casing and replacing {@code -} by {@code _}. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("vggsmall", VGG_SMALL),
            Map.entry("vggsmall_1w1a", VGG_SMALL_1W1A),
            Map.entry("resnet18_1w1a_cifar", RESNET18_1W1A),
            Map.entry("resnet20_bi_real_1w1a", RESNET20_BIREAL_1W1A),
            Map.entry("imagenet_resnet18_1w1a", RESNET18_1W1A_IMAGENET),
            Map.entry("resnet18_imagenet_1w1a", RESNET18_1W1A_IMAGENET),
            Map.entry("imagenet_resnet34_1w1a", RESNET34_1W1A_IMAGENET),
            Map.entry("resnet34_imagenet_1w1a", RESNET34_1W1A_IMAGENET));

    /** Mixed into the seed for the binary layers' state stream (the first 64 fraction bits of sqrt(2)). */
    private static final long STATE_STREAM = 0x6A09E667F3BCC908L;

    private ModelZoo() {
    }

    /** The canonical names, float models first. */
    public static List<String> architectures() {
        return ARCHITECTURES;
    }

    /**
     * The canonical name of {@code name} or one of its aliases.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static String canonicalName(String name) {
        if (name == null) {
            throw unknown(null);
        }
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (ARCHITECTURES.contains(n)) {
            return n;
        }
        String alias = ALIASES.get(n);
        if (alias == null) {
            throw unknown(name);
        }
        return alias;
    }

    /** Whether the architecture (or alias) has binary convolutions. */
    public static boolean isBinary(String architecture) {
        String n = canonicalName(architecture);
        return !n.equals(RESNET20) && !n.equals(VGG_SMALL);
    }

    /**
     * The network {@code spec} names, initialised from {@code seed}; its {@link Network#spec()} is {@code spec} with
     * the canonical architecture name.
     *
     * @throws IllegalArgumentException for an unknown architecture, an unknown option or a bad option value, an
     *                                  option given to a float model, or an input size VGG-small cannot take
     */
    public static Network create(ModelSpec spec, long seed) {
        String name = canonicalName(spec.architecture());
        ModelSpec canonical = name.equals(spec.architecture()) ? spec
                : new ModelSpec(name, spec.inChannels(), spec.numClasses(), spec.inputSize(), spec.options());
        RandomGenerator rng = new Random(seed);
        ConvFactory binary = null;
        if (isBinary(name)) {
            BinaryConvOptions options = ModelOptions.binaryConvOptions(spec.options());
            BinaryConvFactory.AlphaInit alpha = name.equals(RESNET18_1W1A)
                    ? BinaryConvFactory.AlphaInit.FROM_LATENT_WEIGHTS : BinaryConvFactory.AlphaInit.FROM_DEFAULT_INIT;
            binary = new BinaryConvFactory(options, new Random(seed ^ STATE_STREAM), alpha);
        } else if (!spec.options().isEmpty()) {
            throw new IllegalArgumentException("model " + name + " has no binary layers, so options " + spec.options().keySet()
                    + " do not apply; binary models: " + String.join(", ", ARCHITECTURES.subList(2, ARCHITECTURES.size())));
        }
        int in = spec.inChannels();
        int classes = spec.numClasses();
        Sequential root = switch (name) {
            case RESNET20 -> ResNet20.graph(in, classes, ConvFactory.FLOAT, BasicBlock.Wiring.STANDARD,
                    ResNet20.GammaInit.ZERO_RESIDUAL, rng);
            case VGG_SMALL -> VggSmall.graph(in, classes, spec.inputSize(), ConvFactory.FLOAT, rng);
            case RESNET20_1W1A -> ResNet20.graph(in, classes, binary, BasicBlock.Wiring.STANDARD,
                    ResNet20.GammaInit.REFERENCE, rng);
            case RESNET20_BIREAL_1W1A -> ResNet20.graph(in, classes, binary, BasicBlock.Wiring.BI_REAL,
                    ResNet20.GammaInit.REFERENCE, rng);
            case RESNET18_1W1A -> ResNet18Cifar.graph(in, classes, binary, rng);
            case VGG_SMALL_1W1A -> VggSmall.graph(in, classes, spec.inputSize(), binary, rng);
            case RESNET18_1W1A_IMAGENET -> ResNetImageNet.graph(18, in, classes, binary, rng);
            case RESNET34_1W1A_IMAGENET -> ResNetImageNet.graph(34, in, classes, binary, rng);
            default -> throw new IllegalStateException("no builder for " + name);
        };
        return new Network(canonical, root);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown model architecture '" + name + "'; known architectures: "
                + String.join(", ", ARCHITECTURES));
    }
}
