package org.rbnn4j.core.model;

import java.util.Random;
import java.util.random.RandomGenerator;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.init.WeightInit;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.Flatten;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.MaxPool2d;
import org.rbnn4j.core.nn.Sequential;

/**
 * The VGG-small graph of DESIGN.md §2 ({@code vgg_small_1w1a} with the convolutions the factory makes;
 * float convolutions give the float {@code vgg_small}): float conv0(Cin->128) + BN + hardtanh, then
 * conv1..conv5 of widths 128, 256, 256, 512, 512, each followed by BN + hardtanh, with a 2x2 max-pool between
 * conv1, conv3, conv5 and their BN; then flatten and linear(512*4*4 -> classes) without BN before it.
 *
 * <p>Names follow the reference: {@code conv0..conv5.weight, bn0..bn5.*, fc.weight, fc.bias}.
 * Initialisation as the reference: convolutions normal(0, sqrt(2 / (k*k*Cout))), BN gamma 1 and beta 0,
 * linear weight normal(0, 0.01) and bias 0. Draw order: conv0..conv5, then fc.
 */
public final class VggSmall {
    private static final int[] WIDTHS = {128, 128, 256, 256, 512, 512};
    /** The CIFAR input size the reference's {@code 512*4*4} linear layer assumes. */
    public static final int INPUT_SIZE = 32;

    private VggSmall() {
    }

    /** Float VGG-small for 32x32 inputs, seeded with {@code seed} (a {@link Random}). */
    public static Network floatModel(int inChannels, int numClasses, long seed) {
        return build("vgg_small", inChannels, numClasses, INPUT_SIZE, ConvFactory.FLOAT, new Random(seed));
    }

    /**
     * The graph with conv1..conv5 made by {@code convs} (conv0 and fc stay float), for square inputs of
     * {@code inputSize} (a multiple of 8; the reference is 32, smaller sizes make quick tests).
     */
    public static Network build(String name, int inChannels, int numClasses, int inputSize, ConvFactory convs,
                                RandomGenerator rng) {
        return new Network(name, graph(inChannels, numClasses, inputSize, convs, rng));
    }

    /**
     * The root layer of {@link #build}, for callers that wrap it themselves (the model zoo makes a
     * {@link Network} that carries its {@link ModelSpec}). Same graph, names, initialisation and draw order.
     */
    public static Sequential graph(int inChannels, int numClasses, int inputSize, ConvFactory convs,
                                   RandomGenerator rng) {
        if (inChannels <= 0 || numClasses <= 0 || inputSize <= 0 || inputSize % 8 != 0) {
            throw new IllegalArgumentException("need positive channels and classes and an input size that is a multiple"
                    + " of 8, got " + inChannels + ", " + numClasses + ", " + inputSize);
        }
        WeightInit init = WeightInit.kaimingNormalFanOut();
        Sequential root = new Sequential();
        Conv2d conv0 = new Conv2d(inChannels, WIDTHS[0], 3, 1, 1);
        init.fill(conv0.weight().value(), rng);
        root.add("conv0", conv0);
        root.add("bn0", new BatchNorm2d(WIDTHS[0]));
        root.add("act0", new Hardtanh());
        for (int i = 1; i < WIDTHS.length; i++) {
            root.add("conv" + i, convs.create(new ConvSpec("conv" + i, WIDTHS[i - 1], WIDTHS[i], 3, 1, 1, init), rng));
            if (i % 2 == 1) {
                root.add("pool" + i, new MaxPool2d(2, 2));
            }
            root.add("bn" + i, new BatchNorm2d(WIDTHS[i]));
            root.add("act" + i, new Hardtanh());
        }
        root.add("flatten", new Flatten());
        int side = inputSize / 8;
        int features = WIDTHS[WIDTHS.length - 1] * side * side;
        Linear fc = new Linear(features, numClasses);
        Initializers.normal(fc.weight().value(), 0.0, 0.01, rng);
        root.add("fc", fc);
        return root;
    }
}
