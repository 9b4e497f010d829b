package org.rbnn4j.core.nn;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rbnn4j.core.tensor.Tensor;

/**
 * A network layer with an explicit backward pass.
 *
 * <p>{@code forward(x, TRAIN)} keeps what {@code backward} needs; {@code backward(dy)} accumulates parameter
 * gradients into {@link Parameter#grad()} and returns {@code dL/dx}. Calls pair up: one backward per
 * training forward, in reverse order.
 *
 * <p>Containers override the visitor methods so that a whole network can be walked: parameters and
 * buffers get dotted names in the PyTorch style ({@code layer1.0.conv1.weight}) for checkpoints.
 */
public interface Layer {

    Tensor forward(Tensor x, Mode mode);

    Tensor backward(Tensor gradOutput);

    /** Visits trainable parameters with their names, prefixed by {@code prefix}. */
    default void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
    }

    /** Visits non-trainable state (running statistics, rotation matrices) that checkpoints must keep. */
    default void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
    }

    /** Calls {@code visitor} on this layer and, for containers, on every layer inside, depth first. */
    default void forEachLayer(Consumer<Layer> visitor) {
        visitor.accept(this);
    }
}
