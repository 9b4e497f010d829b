package org.rbnn4j.core.init;

import java.util.random.RandomGenerator;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Weight initialisers with PyTorch's definitions, drawing from a caller-supplied {@link RandomGenerator}
 * so that a seed repeats a run. Values are drawn in the tensor's row-major order.
 *
 * <p>Fans follow {@code torch.nn.init}: for a weight {@code [out, in, k...]}, {@code fanIn = in * prod(k)}
 * and {@code fanOut = out * prod(k)}.
 */
public final class Initializers {
    private Initializers() {
    }

    /** {@code in * prod(kernel)} of a weight {@code [out, in, k...]} (rank >= 2). */
    public static int fanIn(Tensor weight) {
        requireRank2(weight);
        return weight.size() / weight.dim(0);
    }

    /** {@code out * prod(kernel)} of a weight {@code [out, in, k...]} (rank >= 2). */
    public static int fanOut(Tensor weight) {
        requireRank2(weight);
        return weight.size() / weight.dim(1);
    }

    private static void requireRank2(Tensor weight) {
        if (weight.rank() < 2 || weight.size() == 0) {
            throw new IllegalArgumentException("fan of a weight needs rank >= 2 and values, got " + weight);
        }
    }

    /**
     * {@code torch.nn.init.kaiming_normal_(w)} with its defaults: normal(0, gain / sqrt(fanIn)) with the
     * ReLU gain {@code sqrt(2)}.
     */
    public static void kaimingNormal(Tensor weight, RandomGenerator rng) {
        normal(weight, 0.0, Math.sqrt(2.0 / fanIn(weight)), rng);
    }

    /**
     * {@code kaiming_normal_(w, mode='fan_out')}: normal(0, sqrt(2 / fanOut)); the VGG-small initialisation
     * {@code normal(0, sqrt(2 / (k*k*Cout)))}.
     */
    public static void kaimingNormalFanOut(Tensor weight, RandomGenerator rng) {
        normal(weight, 0.0, Math.sqrt(2.0 / fanOut(weight)), rng);
    }

    /** Every value drawn from normal(mean, std). */
    public static void normal(Tensor t, double mean, double std, RandomGenerator rng) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("std must be >= 0, got " + std);
        }
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (mean + std * rng.nextGaussian());
        }
    }

    /** Every value drawn from uniform[low, high). */
    public static void uniform(Tensor t, double low, double high, RandomGenerator rng) {
        if (!(high >= low)) {
            throw new IllegalArgumentException("need low <= high, got " + low + ", " + high);
        }
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (low + (high - low) * rng.nextDouble());
        }
    }

    /** Every value set to {@code value}. */
    public static void constant(Tensor t, double value) {
        t.fill((float) value);
    }

    /**
     * PyTorch's default bias of {@code nn.Linear} and {@code nn.Conv2d}: uniform(-1/sqrt(fanIn), 1/sqrt(fanIn))
     * with the fan-in of the layer's weight.
     */
    public static void defaultBias(Tensor bias, int fanIn, RandomGenerator rng) {
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
        uniform(bias, -bound, bound, rng);
    }
}
