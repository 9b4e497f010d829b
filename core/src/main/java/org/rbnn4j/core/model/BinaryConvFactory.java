package org.rbnn4j.core.model;

import java.util.Objects;
import java.util.random.RandomGenerator;
import org.rbnn4j.core.nn.Layer;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.rbnn.BinaryConvOptions;

/**
 * Makes the {@link BinaryConv2d} layers of the binary models.
 *
 * <p>Two random streams: the latent weights come from the model's generator (the one the builder passes to
 * {@link #create}), exactly as the float convolution would draw them, so a binary model and its float
 * counterpart built from one seed start from the same latent weights; everything else a binary layer draws
 * (its initial rotation and, with {@link AlphaInit#FROM_DEFAULT_INIT}, the weights {@code alpha} is computed
 * from) comes from a second, layer-state generator given at construction.
 */
public final class BinaryConvFactory implements ConvFactory {

    /** Which weights the initial per-filter scale {@code alpha = mean(|w|)} is computed from. */
    public enum AlphaInit {
        /**
         * From a draw of PyTorch's default {@code Conv2d} initialisation ({@link BinaryConv2d#pytorchDefaultInit}),
         * before the model initialises the latent weights. That is the reference where its model re-initialises
         * the weights after construction ({@code kaiming_normal_} in ResNet-20 and the ImageNet ResNets,
         * {@code normal_} in VGG-small): {@code BinarizeConv2d.__init__} computes {@code alpha} from the
         * default weights it was built with, and the later re-initialisation leaves {@code alpha} alone.
         */
        FROM_DEFAULT_INIT,
        /** From the latent weights themselves: the reference where the model keeps PyTorch's default weights (CIFAR ResNet-18). */
        FROM_LATENT_WEIGHTS
    }

    private final BinaryConvOptions options;
    private final RandomGenerator stateRandom;
    private final AlphaInit alphaInit;

    /**
     * @param options     the variant of every layer made
     * @param stateRandom draws the initial rotations (and the default weights of {@link AlphaInit#FROM_DEFAULT_INIT})
     * @param alphaInit   what {@code alpha} starts from
     */
    public BinaryConvFactory(BinaryConvOptions options, RandomGenerator stateRandom, AlphaInit alphaInit) {
        this.options = Objects.requireNonNull(options, "options");
        this.stateRandom = Objects.requireNonNull(stateRandom, "stateRandom");
        this.alphaInit = Objects.requireNonNull(alphaInit, "alphaInit");
    }

    public BinaryConvOptions options() {
        return options;
    }

    public AlphaInit alphaInit() {
        return alphaInit;
    }

    @Override
    public Layer create(ConvSpec spec, RandomGenerator rng) {
        if (alphaInit == AlphaInit.FROM_LATENT_WEIGHTS) {
            // The constructor fills the weights, sets alpha from them, then draws the rotation from stateRandom.
            return new BinaryConv2d(spec.inChannels(), spec.outChannels(), spec.kernel(), spec.stride(), spec.padding(),
                    options, stateRandom, (w, ignored) -> spec.weightInit().fill(w, rng));
        }
        BinaryConv2d conv = new BinaryConv2d(spec.inChannels(), spec.outChannels(), spec.kernel(), spec.stride(),
                spec.padding(), options, stateRandom, BinaryConv2d::pytorchDefaultInit);
        // The model's initialisation replaces the default weights and keeps alpha, as the reference.
        spec.weightInit().fill(conv.weight().value(), rng);
        return conv;
    }
}
