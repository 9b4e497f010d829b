package org.rbnn4j.core.nn;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The two-convolution residual block of the CIFAR ResNets, with children named as the reference
 * ({@code conv1, bn1, conv2, bn2, shortcut}), so parameters read {@code layer1.0.conv1.weight}.
 *
 * <p>{@link Wiring#STANDARD} (resnet20_1w1a, resnet18_1w1a):
 * {@code h = act(bn1(conv1(x))); y = act(bn2(conv2(h)) + shortcut(x))}.
 * <br>{@link Wiring#BI_REAL} (resnet20_bireal_1w1a, a shortcut around every convolution):
 * {@code h = act(bn1(conv1(x)) + shortcut(x)); y = act(bn2(conv2(h)) + h)}.
 *
 * <p>The convolutions are any layers (float {@link Conv2d} or binary ones), the shortcut is
 * {@link Identity}, {@link ShortcutA} or a projection such as {@code Sequential(conv 1x1, bn)}.
 */
public final class BasicBlock implements Layer {

    /** Where the shortcuts go. */
    public enum Wiring {
        /** One shortcut around both convolutions. */
        STANDARD,
        /** One shortcut around each convolution (Bi-Real Net). */
        BI_REAL
    }

    private final Layer conv1;
    private final Layer bn1;
    private final Layer conv2;
    private final Layer bn2;
    private final Layer shortcut;
    private final Layer act1;
    private final Layer act2;
    private final Wiring wiring;
    private final ReusableTensor sum1 = new ReusableTensor();
    private final ReusableTensor sum2 = new ReusableTensor();
    private final ReusableTensor grad1 = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();

    /** A block with {@link Hardtanh} activations. */
    public BasicBlock(Layer conv1, Layer bn1, Layer conv2, Layer bn2, Layer shortcut, Wiring wiring) {
        this(conv1, bn1, conv2, bn2, shortcut, wiring, Hardtanh::new);
    }

    /** A block whose two activations are made by {@code activation} (for example {@code ReLU::new}). */
    public BasicBlock(Layer conv1, Layer bn1, Layer conv2, Layer bn2, Layer shortcut, Wiring wiring,
                      Supplier<? extends Layer> activation) {
        this.conv1 = conv1;
        this.bn1 = bn1;
        this.conv2 = conv2;
        this.bn2 = bn2;
        this.shortcut = shortcut == null ? new Identity() : shortcut;
        this.wiring = wiring;
        this.act1 = activation.get();
        this.act2 = activation.get();
    }

    public Layer conv1() {
        return conv1;
    }

    public Layer bn1() {
        return bn1;
    }

    public Layer conv2() {
        return conv2;
    }

    public Layer bn2() {
        return bn2;
    }

    public Layer shortcut() {
        return shortcut;
    }

    public Wiring wiring() {
        return wiring;
    }

    /** The activation after the first convolution (and, in Bi-Real wiring, its shortcut). */
    public Layer activation1() {
        return act1;
    }

    /** The activation after the residual addition. */
    public Layer activation2() {
        return act2;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor a = bn1.forward(conv1.forward(x, mode), mode);
        Tensor h;
        if (wiring == Wiring.STANDARD) {
            h = act1.forward(a, mode);
        } else {
            Tensor s = shortcut.forward(x, mode);
            h = act1.forward(TensorMath.add(a, s, sum1.get(a.shape()), this), mode);
        }
        Tensor b = bn2.forward(conv2.forward(h, mode), mode);
        Tensor s2 = wiring == Wiring.STANDARD ? shortcut.forward(x, mode) : h;
        return act2.forward(TensorMath.add(b, s2, sum2.get(b.shape()), this), mode);
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor dSum2 = act2.backward(gradOutput);
        Tensor dh = conv2.backward(bn2.backward(dSum2));
        if (wiring == Wiring.STANDARD) {
            Tensor dMain = conv1.backward(bn1.backward(act1.backward(dh)));
            Tensor dShort = shortcut.backward(dSum2);
            return TensorMath.add(dMain, dShort, inputGrad.get(dMain.shape()), this);
        }
        // h feeds both conv2 and the second addition.
        Tensor dhTotal = TensorMath.add(dh, dSum2, grad1.get(dh.shape()), this);
        Tensor dSum1 = act1.backward(dhTotal);
        Tensor dMain = conv1.backward(bn1.backward(dSum1));
        Tensor dShort = shortcut.backward(dSum1);
        return TensorMath.add(dMain, dShort, inputGrad.get(dMain.shape()), this);
    }

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        conv1.visitParameters(prefix + "conv1.", visitor);
        bn1.visitParameters(prefix + "bn1.", visitor);
        conv2.visitParameters(prefix + "conv2.", visitor);
        bn2.visitParameters(prefix + "bn2.", visitor);
        shortcut.visitParameters(prefix + "shortcut.", visitor);
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        conv1.visitBuffers(prefix + "conv1.", visitor);
        bn1.visitBuffers(prefix + "bn1.", visitor);
        conv2.visitBuffers(prefix + "conv2.", visitor);
        bn2.visitBuffers(prefix + "bn2.", visitor);
        shortcut.visitBuffers(prefix + "shortcut.", visitor);
    }

    @Override
    public void forEachLayer(Consumer<Layer> visitor) {
        visitor.accept(this);
        conv1.forEachLayer(visitor);
        bn1.forEachLayer(visitor);
        act1.forEachLayer(visitor);
        conv2.forEachLayer(visitor);
        bn2.forEachLayer(visitor);
        shortcut.forEachLayer(visitor);
        act2.forEachLayer(visitor);
    }

    @Override
    public String toString() {
        return "BasicBlock(" + wiring + ", " + conv1 + ", " + conv2 + ", " + shortcut + ")";
    }
}
