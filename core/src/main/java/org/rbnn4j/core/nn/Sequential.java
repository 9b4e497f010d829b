package org.rbnn4j.core.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Named layers applied in order, as {@code torch.nn.Sequential}. A child named {@code conv1} puts its
 * parameters under {@code prefix + "conv1."}, so nested containers give PyTorch's dotted names
 * ({@code layer1.0.conv1.weight}). Children added without a name are named by their index, as in PyTorch.
 *
 * <p>Layers keep the state of their last forward for backward, so a layer instance may appear only once
 * in a graph (where the reference shares one {@code pooling} module, use one instance per use).
 */
public final class Sequential implements Layer {
    private final LinkedHashMap<String, Layer> children = new LinkedHashMap<>();
    private final List<Layer> order = new ArrayList<>();

    public Sequential() {
    }

    /** Children named "0", "1", ... */
    public static Sequential of(Layer... layers) {
        Sequential s = new Sequential();
        for (Layer layer : layers) {
            s.add(layer);
        }
        return s;
    }

    /** Appends {@code layer} under {@code name} (non-empty, no dots, unique) and returns this. */
    public Sequential add(String name, Layer layer) {
        checkName(name);
        if (layer == null) {
            throw new IllegalArgumentException("null layer for child '" + name + "'");
        }
        if (children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate child name '" + name + "'");
        }
        children.put(name, layer);
        order.add(layer);
        return this;
    }

    /** Appends {@code layer} named by its index. */
    public Sequential add(Layer layer) {
        return add(Integer.toString(order.size()), layer);
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.indexOf('.') >= 0) {
            throw new IllegalArgumentException("child names must be non-empty and without dots, got '" + name + "'");
        }
    }

    /** The child named {@code name}. */
    public Layer get(String name) {
        Layer layer = children.get(name);
        if (layer == null) {
            throw new IllegalArgumentException("no child '" + name + "' in " + children.keySet());
        }
        return layer;
    }

    /** The children by name, in order (read-only). */
    public Map<String, Layer> children() {
        return Collections.unmodifiableMap(children);
    }

    public int size() {
        return order.size();
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Tensor h = x;
        for (int i = 0; i < order.size(); i++) {
            h = order.get(i).forward(h, mode);
        }
        return h;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor g = gradOutput;
        for (int i = order.size() - 1; i >= 0; i--) {
            g = order.get(i).backward(g);
        }
        return g;
    }

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        children.forEach((name, layer) -> layer.visitParameters(prefix + name + ".", visitor));
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        children.forEach((name, layer) -> layer.visitBuffers(prefix + name + ".", visitor));
    }

    @Override
    public void forEachLayer(Consumer<Layer> visitor) {
        visitor.accept(this);
        for (Layer layer : order) {
            layer.forEachLayer(visitor);
        }
    }

    @Override
    public String toString() {
        return "Sequential" + children.keySet();
    }
}
