package org.rbnn4j.core.model;

import java.util.Random;
import java.util.random.RandomGenerator;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.init.WeightInit;
import org.rbnn4j.core.nn.BasicBlock;
import org.rbnn4j.core.nn.BatchNorm1d;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.GlobalAvgPool;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Identity;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.nn.ShortcutA;

/**
 * The CIFAR ResNet-20 graph of DESIGN.md §2 ({@code resnet20_1w1a} with the convolutions the factory
 * makes; float convolutions give the float {@code resnet20}):
 * float conv3x3(Cin->16) + BN + hardtanh; three stages of three {@link BasicBlock}s of widths 16/32/64,
 * stride 2 in the first block of stages 2 and 3, option-A shortcuts where the shape changes; global
 * average pool, BatchNorm1d(64), float linear.
 *
 * <p>Parameter names follow the reference: {@code conv1.weight, bn1.*, layer1.0.conv1.weight, ...,
 * bn2.*, linear.weight, linear.bias}. Initialisation as the reference: every convolution and the linear
 * weight Kaiming-normal (fan-in), the BatchNorm2d gammas by {@link GammaInit} and betas 0, the BatchNorm1d at
 * PyTorch's defaults (gamma 1), the linear bias PyTorch's default uniform(+-1/sqrt(64)). Draw order: stem, then
 * the block convolutions in name order, then the linear weight and bias.
 */
public final class ResNet20 {
    /** The reference fills the BatchNorm2d weights with 1e-8. */
    public static final double BN_GAMMA_INIT = 1e-8;

    /** How the BatchNorm2d gammas start. */
    public enum GammaInit {
        /** Every BatchNorm2d gamma 1e-8: the binary reference ({@code resnet20_1w1a}, DESIGN.md §2). */
        REFERENCE,
        /**
         * Gamma 1, except the last BatchNorm of each block's residual branch, which starts at 0 so that every block
         * starts as the identity ("zero-init residual", Goyal et al. 2017; torchvision's {@code zero_init_residual}).
         * The float {@code resnet20} uses it: with all gammas at 1e-8 a float network passes almost no signal
         * at first and learns slowly (65-69% instead of 77-79% after 2 epochs on 2,000 Fashion-MNIST images).
         */
        ZERO_RESIDUAL
    }
    private static final int[] WIDTHS = {16, 32, 64};
    public static final int BLOCKS_PER_STAGE = 3;

    private ResNet20() {
    }

    /** Float ResNet-20 seeded with {@code seed} (a {@link Random}, whose sequence is fixed by its specification). */
    public static Network floatModel(int inChannels, int numClasses, long seed) {
        return new Network("resnet20", graph(inChannels, numClasses, ConvFactory.FLOAT, BasicBlock.Wiring.STANDARD,
                GammaInit.ZERO_RESIDUAL, new Random(seed)));
    }

    /**
     * The graph with the block convolutions made by {@code blockConvs} ({@link BasicBlock.Wiring#BI_REAL}
     * gives {@code resnet20_bireal}); the stem convolution and the linear layer stay float.
     */
    public static Network build(String name, int inChannels, int numClasses, ConvFactory blockConvs,
                                BasicBlock.Wiring wiring, RandomGenerator rng) {
        return new Network(name, graph(inChannels, numClasses, blockConvs, wiring, GammaInit.REFERENCE, rng));
    }

    /**
     * The root layer of {@link #build}, for callers that wrap it themselves (the model zoo makes a
     * {@link Network} that carries its {@link ModelSpec}). Same graph, names, initialisation and draw order.
     */
    public static Sequential graph(int inChannels, int numClasses, ConvFactory blockConvs, BasicBlock.Wiring wiring,
                                   GammaInit gammaInit, RandomGenerator rng) {
        double gamma = gammaInit == GammaInit.REFERENCE ? BN_GAMMA_INIT : 1.0;
        double residualGamma = gammaInit == GammaInit.REFERENCE ? BN_GAMMA_INIT : 0.0;
        if (inChannels <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("need positive channels and classes, got " + inChannels + ", " + numClasses);
        }
        Sequential root = new Sequential();
        Conv2d stem = new Conv2d(inChannels, WIDTHS[0], 3, 1, 1);
        Initializers.kaimingNormal(stem.weight().value(), rng);
        root.add("conv1", stem);
        root.add("bn1", new BatchNorm2d(WIDTHS[0], gamma));
        root.add("act", new Hardtanh());

        int in = WIDTHS[0];
        for (int stage = 0; stage < WIDTHS.length; stage++) {
            int planes = WIDTHS[stage];
            Sequential layer = new Sequential();
            String layerName = "layer" + (stage + 1);
            for (int b = 0; b < BLOCKS_PER_STAGE; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                String prefix = layerName + "." + b + ".";
                WeightInit init = WeightInit.kaimingNormal();
                Layer conv1 = blockConvs.create(new ConvSpec(prefix + "conv1", in, planes, 3, stride, 1, init), rng);
                Layer conv2 = blockConvs.create(new ConvSpec(prefix + "conv2", planes, planes, 3, 1, 1, init), rng);
                Layer shortcut = (stride != 1 || in != planes) ? new ShortcutA(in, planes, stride) : new Identity();
                layer.add(new BasicBlock(conv1, new BatchNorm2d(planes, gamma), conv2,
                        new BatchNorm2d(planes, residualGamma), shortcut, wiring));
                in = planes;
            }
            root.add(layerName, layer);
        }

        root.add("pool", new GlobalAvgPool());
        root.add("bn2", new BatchNorm1d(in));
        Linear linear = new Linear(in, numClasses);
        Initializers.kaimingNormal(linear.weight().value(), rng);
        Initializers.defaultBias(linear.bias().value(), in, rng);
        root.add("linear", linear);
        return root;
    }
}
