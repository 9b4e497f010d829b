package org.rbnn4j.core.init;

import java.util.random.RandomGenerator;
import org.rbnn4j.core.tensor.Tensor;

/**
 * How a model wants one weight tensor initialised; handed to layer factories so that a layer can derive
 * state from its initial weights (a binary convolution's {@code alpha = mean|w|}, for instance).
 */
@FunctionalInterface
public interface WeightInit {

    /** Overwrites {@code weight} with initial values drawn from {@code rng}. */
    void fill(Tensor weight, RandomGenerator rng);

    /** {@link Initializers#kaimingNormal}: normal(0, sqrt(2 / fanIn)). */
    static WeightInit kaimingNormal() {
        return Initializers::kaimingNormal;
    }

    /** {@link Initializers#kaimingNormalFanOut}: normal(0, sqrt(2 / fanOut)). */
    static WeightInit kaimingNormalFanOut() {
        return Initializers::kaimingNormalFanOut;
    }

    /** normal(mean, std). */
    static WeightInit normal(double mean, double std) {
        return (w, rng) -> Initializers.normal(w, mean, std, rng);
    }

    /** A constant (draws nothing). */
    static WeightInit constant(double value) {
        return (w, rng) -> Initializers.constant(w, value);
    }
}
