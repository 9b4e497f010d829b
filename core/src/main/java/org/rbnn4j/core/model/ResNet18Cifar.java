package org.rbnn4j.core.model;

import java.util.random.RandomGenerator;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.init.WeightInit;
import org.rbnn4j.core.nn.BasicBlock;
import org.rbnn4j.core.nn.BatchNorm1d;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.GlobalAvgPool;
import org.rbnn4j.core.nn.Identity;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.Sequential;

/**
 * The CIFAR ResNet-18 graph of DESIGN.md §2 ({@code resnet18_1w1a} with binary convolutions from the factory):
 * float conv3x3(Cin->64) + BN, <em>without</em> an activation after it (as the reference's
 * {@code out = self.bn1(self.conv1(x))}); four stages of two {@link BasicBlock}s ({@link BasicBlock.Wiring#STANDARD},
 * hardtanh) of widths 64/128/256/512, stride 2 in the first block of stages 2-4; where the shape changes, a
 * projection shortcut of a 1x1 convolution made by the factory (binary in {@code resnet18_1w1a}) + BN; average
 * pool, BatchNorm1d(512), float linear.
 *
 * <p>The reference pools with {@code F.avg_pool2d(out, 4)} over the 4x4 map that a 32x32 input leaves; a global
 * average pool is the same there and keeps other input sizes usable.
 *
 * <p>Names as the reference: {@code conv1, bn1, layer1.0.conv1, ..., layer2.0.shortcut.0} (1x1 conv),
 * {@code layer2.0.shortcut.1} (its BN), {@code bn2, linear}. Initialisation as the reference, which applies
 * none of its own: PyTorch's defaults everywhere, so every convolution and the linear weight are uniform in
 * {@code +-1/sqrt(fanIn)}, the linear bias likewise, BN gammas 1 and betas 0. Draw order: stem, then per block
 * conv1, conv2 and the shortcut convolution, then the linear weight and bias.
 */
public final class ResNet18Cifar {
    private static final int[] WIDTHS = {64, 128, 256, 512};
    public static final int BLOCKS_PER_STAGE = 2;

    private static final WeightInit PYTORCH_DEFAULT = PyTorchDefaultInit.WEIGHT;

    private ResNet18Cifar() {
    }

    /**
     * The root layer, with the block and shortcut convolutions made by {@code convs} (the stem and the linear
     * layer stay float).
     */
    public static Sequential graph(int inChannels, int numClasses, ConvFactory convs, RandomGenerator rng) {
        if (inChannels <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("need positive channels and classes, got " + inChannels + ", " + numClasses);
        }
        Sequential root = new Sequential();
        Conv2d stem = new Conv2d(inChannels, WIDTHS[0], 3, 1, 1);
        PYTORCH_DEFAULT.fill(stem.weight().value(), rng);
        root.add("conv1", stem);
        root.add("bn1", new BatchNorm2d(WIDTHS[0]));

        int in = WIDTHS[0];
        for (int stage = 0; stage < WIDTHS.length; stage++) {
            int planes = WIDTHS[stage];
            String layerName = "layer" + (stage + 1);
            Sequential layer = new Sequential();
            for (int b = 0; b < BLOCKS_PER_STAGE; b++) {
                int stride = (stage > 0 && b == 0) ? 2 : 1;
                String prefix = layerName + "." + b + ".";
                Layer conv1 = convs.create(new ConvSpec(prefix + "conv1", in, planes, 3, stride, 1, PYTORCH_DEFAULT), rng);
                Layer conv2 = convs.create(new ConvSpec(prefix + "conv2", planes, planes, 3, 1, 1, PYTORCH_DEFAULT), rng);
                Layer shortcut = new Identity();
                if (stride != 1 || in != planes) {
                    Layer projection = convs.create(new ConvSpec(prefix + "shortcut.0", in, planes, 1, stride, 0,
                            PYTORCH_DEFAULT), rng);
                    shortcut = Sequential.of(projection, new BatchNorm2d(planes));
                }
                layer.add(new BasicBlock(conv1, new BatchNorm2d(planes), conv2, new BatchNorm2d(planes), shortcut,
                        BasicBlock.Wiring.STANDARD));
                in = planes;
            }
            root.add(layerName, layer);
        }

        root.add("pool", new GlobalAvgPool());
        root.add("bn2", new BatchNorm1d(in));
        Linear linear = new Linear(in, numClasses);
        PYTORCH_DEFAULT.fill(linear.weight().value(), rng);
        Initializers.defaultBias(linear.bias().value(), in, rng);
        root.add("linear", linear);
        return root;
    }
}
