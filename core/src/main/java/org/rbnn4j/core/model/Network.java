package org.rbnn4j.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.ScheduledLayer;
import org.rbnn4j.core.rbnn.BinaryConv2d;
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
    public static final String PARAM_PREFIX = "param.";
    public static final String BUFFER_PREFIX = "buffer.";

    private final String name;
    private final ModelSpec spec;
    private final Layer root;

    /** A network without a zoo spec (it can be trained, not rebuilt from a checkpoint). */
    public Network(String name, Layer root) {
        this(name, null, root);
    }

    /** A network built from {@code spec}; checkpoints carry the spec so that it can be rebuilt. */
    public Network(ModelSpec spec, Layer root) {
        this(spec.architecture(), spec, root);
    }

    private Network(String name, ModelSpec spec, Layer root) {
        this.name = name;
        this.spec = spec;
        this.root = root;
        parameters(); // fails early on duplicate names
        buffers();
    }

    public String name() {
        return name;
    }

    /** The zoo spec this network was built from, or null. */
    public ModelSpec spec() {
        return spec;
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

    /** Binary convolutions by dotted layer name ({@code layer2.2.conv2}), in model order. */
    public LinkedHashMap<String, BinaryConv2d> binaryLayers() {
        Map<Parameter, String> nameOf = new IdentityHashMap<>();
        parameters().forEach((n, p) -> nameOf.put(p, n));
        LinkedHashMap<String, BinaryConv2d> map = new LinkedHashMap<>();
        for (BinaryConv2d b : layersOf(BinaryConv2d.class)) {
            String w = nameOf.get(b.weight());
            map.put(w.substring(0, w.length() - ".weight".length()), b);
        }
        return map;
    }

    /** Nanoseconds all binary layers have spent in rotation updates and in applying the rotation. */
    public long rotationNanos() {
        long n = 0;
        for (BinaryConv2d b : layersOf(BinaryConv2d.class)) {
            n += b.rotationUpdateNanos() + b.rotationApplyNanos();
        }
        return n;
    }

    /**
     * Brings the newest values of every parameter and buffer to their host arrays from the current backend (a device
     * backend may hold them): what code that reads the network's tensors directly (exporters, compilers) calls first.
     */
    public void syncToHost() {
        ComputeBackend backend = Backends.current();
        parameters().forEach((n, p) -> backend.syncToHost(p.value().data()));
        buffers().forEach((n, b) -> backend.syncToHost(b.data()));
    }

    /** Parameters and buffers as a checkpoint, with the model spec as metadata (brought home first). */
    public Checkpoint toCheckpoint() {
        syncToHost();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        parameters().forEach((n, p) -> tensors.put(PARAM_PREFIX + n, p.value()));
        buffers().forEach((n, b) -> tensors.put(BUFFER_PREFIX + n, b));
        Map<String, String> meta = spec == null ? Map.of("model.architecture", name) : spec.toMetadata();
        return new Checkpoint(meta, tensors);
    }

    /**
     * Copies parameters and buffers from a checkpoint of the same architecture.
     *
     * @throws IllegalArgumentException naming the first missing or mis-shaped tensor
     */
    public void load(Checkpoint checkpoint) {
        for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
            copy(checkpoint, PARAM_PREFIX + e.getKey(), e.getValue().value());
        }
        for (Map.Entry<String, Tensor> e : buffers().entrySet()) {
            copy(checkpoint, BUFFER_PREFIX + e.getKey(), e.getValue());
        }
    }

    /**
     * Copies {@code c}'s tensor {@code name} into {@code into} on the host and tells the current backend, which may
     * hold an older copy on its device.
     */

    private static void copy(Checkpoint c, String name, Tensor into) {
        Tensor t = c.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint has no tensor '" + name + "' (different architecture or options?)");
        }
        if (!t.sameShape(into)) {
            throw new IllegalArgumentException("checkpoint tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", the model expects " + Arrays.toString(into.shape()));
        }
        into.copyFrom(t);
        Backends.current().markHostWritten(into.data());
    }

    @Override
    public String toString() {
        return "Network(" + name + ", " + parameterCount() + " parameters)";
    }
}
