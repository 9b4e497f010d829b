package org.rbnn4j.core.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.ScheduledLayer;
import org.rbnn4j.core.tensor.Tensor;

/**
 * A whole model: a named root layer with by-name access to its parameters and buffers (PyTorch's
 * {@code state_dict} names, in registration order) and the schedule hooks of its layers.
 *
 * <p>{@link #forward} returns a tensor owned by the last layer, overwritten by the next forward: copy it
 * to keep it. Backward must follow the forward it belongs to, and the input given to that forward must
 * not change in between (layers keep a reference to it, not a copy).
 */
public final class Network implements Layer {
    private final String name;
    private final Layer root;

    public Network(String name, Layer root) {
        this.name = name;
        this.root = root;
        parameters(); // fails early on duplicate names
        buffers();
    }

    public String name() {
        return name;
    }

    public Layer root() {
        return root;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        return root.forward(x, mode);
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        return root.backward(gradOutput);
    }

    /** Trainable parameters by dotted name ({@code layer1.0.conv1.weight}), in model order. */
    public LinkedHashMap<String, Parameter> parameters() {
        LinkedHashMap<String, Parameter> map = new LinkedHashMap<>();
        root.visitParameters("", (n, p) -> {
            if (map.put(n, p) != null) {
                throw new IllegalStateException("two parameters named '" + n + "' in " + name);
            }
        });
        return map;
    }

    /** Non-trainable state (running statistics, rotation matrices) by dotted name, in model order. */
    public LinkedHashMap<String, Tensor> buffers() {
        LinkedHashMap<String, Tensor> map = new LinkedHashMap<>();
        root.visitBuffers("", (n, t) -> {
            if (map.put(n, t) != null) {
                throw new IllegalStateException("two buffers named '" + n + "' in " + name);
            }
        });
        return map;
    }

    /** Number of trainable values. */
    public long parameterCount() {
        long count = 0;
        for (Parameter p : parameters().values()) {
            count += p.size();
        }
        return count;
    }

    public void zeroGrad() {
        root.visitParameters("", (n, p) -> p.zeroGrad());
    }

    /** Every layer of type {@code type}, depth first. */
    public <T> List<T> layersOf(Class<T> type) {
        List<T> list = new ArrayList<>();
        root.forEachLayer(l -> {
            if (type.isInstance(l)) {
                list.add(type.cast(l));
            }
        });
        return list;
    }

    /** Tells every {@link ScheduledLayer} that epoch {@code epoch} of {@code totalEpochs} starts. */
    public void onEpochStart(int epoch, int totalEpochs, double t, double k) {
        for (ScheduledLayer l : layersOf(ScheduledLayer.class)) {
            l.onEpochStart(epoch, totalEpochs, t, k);
        }
    }

    /** Tells every {@link ScheduledLayer} that training batch {@code batchInEpoch} is next. */
    public void onBatchStart(int batchInEpoch) {
        for (ScheduledLayer l : layersOf(ScheduledLayer.class)) {
            l.onBatchStart(batchInEpoch);
        }
    }

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        root.visitParameters(prefix, visitor);
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        root.visitBuffers(prefix, visitor);
    }

    @Override
    public void forEachLayer(Consumer<Layer> visitor) {
        visitor.accept(this);
        root.forEachLayer(visitor);
    }

    @Override
    public String toString() {
        return "Network(" + name + ", " + parameterCount() + " parameters)";
    }
}
