package org.rbnn4j.core.model;

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
import org.rbnn4j.core.nn.MaxPool2d;
import org.rbnn4j.core.nn.Sequential;

/**
 * The ImageNet ResNet-18 / ResNet-34 graphs of DESIGN.md §2 ({@code resnet18_1w1a}, {@code resnet34_1w1a} with
 * binary block convolutions from the factory): float conv7x7/2(Cin->64, padding 3) + BN + hardtanh, max-pool
 * 3x3/2 (padding 1); four stages of {@link BasicBlock}s with {@link BasicBlock.Wiring#BI_REAL} wiring (a shortcut
 * around every binary convolution: {@code h = hardtanh(bn1(conv1(x)) + shortcut(x))},
 * {@code y = hardtanh(bn2(conv2(h)) + h)}), widths 64/128/256/512, 2/2/2/2 (18) or 3/4/6/3 (34) blocks, stride 2
 * in the first block of stages 2-4; where the shape changes the shortcut is a <em>float</em> 1x1 convolution
 * (stride 2) + BN; average pool, BatchNorm1d(512), float linear.
 *
 * <p>The reference pools with {@code AvgPool2d(7)} over the 7x7 map of a 224x224 input; a global average pool is
 * the same there and keeps smaller inputs usable. The reference also declares {@code bn3 = BatchNorm1d(classes)}
 * that its forward never calls; it is left out here (it is why DESIGN.md's counts are {@code 2 * classes} higher,
 * see {@link #REFERENCE_UNUSED_PARAMETERS_PER_CLASS}).
 *
 * <p>Names follow the reference except the projection, which {@link BasicBlock} calls {@code shortcut}
 * ({@code layer2.0.shortcut.0.weight}, {@code layer2.0.shortcut.1.*}) where the reference says {@code downsample}.
 * Initialisation as the reference: every convolution Kaiming-normal (fan-in), every BatchNorm2d gamma 1e-8 and
 * beta 0, BatchNorm1d at PyTorch's defaults, the linear layer at PyTorch's defaults (weight and bias uniform in
 * {@code +-1/sqrt(512)}). Draw order: stem, then per block conv1, conv2 and the projection, then the linear
 * weight and bias.
 */
public final class ResNetImageNet {
    /** The reference fills every BatchNorm2d weight with 1e-8. */
    public static final double BN_GAMMA_INIT = 1e-8;
    /**
     * Trainable values per class in the reference's unused {@code bn3 = BatchNorm1d(num_classes)} (gamma and
     * beta), counted by DESIGN.md §2's parameter counts but never part of the computation.
     */
    public static final int REFERENCE_UNUSED_PARAMETERS_PER_CLASS = 2;
    private static final int[] WIDTHS = {64, 128, 256, 512};
    private static final int[] BLOCKS_18 = {2, 2, 2, 2};
    private static final int[] BLOCKS_34 = {3, 4, 6, 3};

    private ResNetImageNet() {
    }

    /**
     * The root layer of ResNet-{@code depth} ({@code 18} or {@code 34}) with the block convolutions made by
     * {@code blockConvs}; the stem, the projections and the linear layer stay float.
     */
    public static Sequential graph(int depth, int inChannels, int numClasses, ConvFactory blockConvs,
                                   RandomGenerator rng) {
        int[] blocks = switch (depth) {
            case 18 -> BLOCKS_18;
            case 34 -> BLOCKS_34;
            default -> throw new IllegalArgumentException("ImageNet ResNet depth must be 18 or 34, got " + depth);
        };
        if (inChannels <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("need positive channels and classes, got " + inChannels + ", " + numClasses);
        }
        WeightInit kaiming = WeightInit.kaimingNormal();
        Sequential root = new Sequential();
        Conv2d stem = new Conv2d(inChannels, WIDTHS[0], 7, 2, 3);
        kaiming.fill(stem.weight().value(), rng);
        root.add("conv1", stem);
        root.add("bn1", new BatchNorm2d(WIDTHS[0], BN_GAMMA_INIT));
        root.add("nonlinear1", new Hardtanh());
        root.add("maxpool", new MaxPool2d(3, 2, 1));

        int in = WIDTHS[0];
        for (int stage = 0; stage < WIDTHS.length; stage++) {
            int planes = WIDTHS[stage];
            String layerName = "layer" + (stage + 1);
            Sequential layer = new Sequential();
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                String prefix = layerName + "." + b + ".";
                Layer conv1 = blockConvs.create(new ConvSpec(prefix + "conv1", in, planes, 3, stride, 1, kaiming), rng);
                Layer conv2 = blockConvs.create(new ConvSpec(prefix + "conv2", planes, planes, 3, 1, 1, kaiming), rng);
                Layer shortcut = new Identity();
                if (stride != 1 || in != planes) {
                    Conv2d projection = new Conv2d(in, planes, 1, stride, 0);
                    kaiming.fill(projection.weight().value(), rng);
                    shortcut = Sequential.of(projection, new BatchNorm2d(planes, BN_GAMMA_INIT));
                }
                layer.add(new BasicBlock(conv1, new BatchNorm2d(planes, BN_GAMMA_INIT), conv2,
                        new BatchNorm2d(planes, BN_GAMMA_INIT), shortcut, BasicBlock.Wiring.BI_REAL));
                in = planes;
            }
            root.add(layerName, layer);
        }

        root.add("avgpool", new GlobalAvgPool());
        root.add("bn2", new BatchNorm1d(in));
        Linear fc = new Linear(in, numClasses);
        PyTorchDefaultInit.WEIGHT.fill(fc.weight().value(), rng);
        Initializers.defaultBias(fc.bias().value(), in, rng);
        root.add("fc", fc);
        return root;
    }
}
