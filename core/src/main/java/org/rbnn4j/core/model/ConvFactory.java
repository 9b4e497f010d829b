package org.rbnn4j.core.model;

import java.util.random.RandomGenerator;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.Layer;

/**
 * Makes the convolutions a model builder may replace: the float models use {@link #FLOAT}, the binary
 * model zoo plugs in a factory of binary convolutions and gets the same graph, names and initialisation.
 * (The first and last layers stay float in every model and are not made through the factory.)
 *
 * <p>The factory initialises the layer's latent weights with {@code spec.weightInit()} and {@code rng}
 * (the model's initialisation, which the builder does not apply again). It may derive other state from
 * them, or from an earlier initialisation as the reference does for {@code alpha}; if it draws nothing
 * from {@code rng} before the weights, float and binary models built from one seed start from the same
 * latent weights.
 */
@FunctionalInterface
public interface ConvFactory {

    Layer create(ConvSpec spec, RandomGenerator rng);

    /** Float {@link Conv2d} without bias. */
    ConvFactory FLOAT = (spec, rng) -> {
        Conv2d conv = new Conv2d(spec.inChannels(), spec.outChannels(), spec.kernel(), spec.stride(), spec.padding());
        spec.weightInit().fill(conv.weight().value(), rng);
        return conv;
    };
}
