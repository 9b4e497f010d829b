package org.rbnn4j.core.nn;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rbnn4j.core.tensor.Tensor;

/**
 * {@code y = body(x) + shortcut(x)}: the general residual connection, for graphs that {@link BasicBlock}
 * does not cover (the ImageNet Bi-Real blocks, for instance). Follow it with an activation in a
 * {@link Sequential} where the graph needs one.
 *
 * <p>Names: the body's parameters go under {@code prefix + bodyName + "."}, or directly under
 * {@code prefix} when {@code bodyName} is empty (useful when the body is a {@link Sequential} whose
 * children carry the reference names); likewise for the shortcut.
 */
public final class ResidualAdd implements Layer {
    private final String bodyName;
    private final Layer body;
    private final String shortcutName;
    private final Layer shortcut;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();

    public ResidualAdd(String bodyName, Layer body, String shortcutName, Layer shortcut) {
        if (!bodyName.isEmpty()) {
            Sequential.checkName(bodyName);
        }
        if (!shortcutName.isEmpty()) {
            Sequential.checkName(shortcutName);
        }
        this.bodyName = bodyName;
        this.body = body;
        this.shortcutName = shortcutName;
        this.shortcut = shortcut == null ? new Identity() : shortcut;
    }

    /** Children named {@code body} and {@code shortcut}. */
    public ResidualAdd(Layer body, Layer shortcut) {
        this("body", body, "shortcut", shortcut);
    }

    public Layer body() {
        return body;
    }

    public Layer shortcut() {
        return shortcut;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor b = body.forward(x, mode);
        Tensor s = shortcut.forward(x, mode);
        return TensorMath.add(b, s, output.get(b.shape()), this);
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor dBody = body.backward(gradOutput);
        Tensor dShort = shortcut.backward(gradOutput);
        return TensorMath.add(dBody, dShort, inputGrad.get(dBody.shape()), this);
    }

    private static String child(String prefix, String name) {
        return name.isEmpty() ? prefix : prefix + name + ".";
    }

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        body.visitParameters(child(prefix, bodyName), visitor);
        shortcut.visitParameters(child(prefix, shortcutName), visitor);
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        body.visitBuffers(child(prefix, bodyName), visitor);
        shortcut.visitBuffers(child(prefix, shortcutName), visitor);
    }

    @Override
    public void forEachLayer(Consumer<Layer> visitor) {
        visitor.accept(this);
        body.forEachLayer(visitor);
        shortcut.forEachLayer(visitor);
    }

    @Override
    public String toString() {
        return "ResidualAdd(" + body + " + " + shortcut + ")";
    }
}
