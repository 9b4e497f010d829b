package org.rbnn4j.cli;

import java.util.Locale;
import org.rbnn4j.core.model.ModelSpec;
import picocli.CommandLine.Option;

/** Command-line options of the binary layers (the paper's comparisons and ablations), as model-spec options. */
final class BinaryOptions {
    @Option(names = "--rotation", defaultValue = "every-epoch",
            description = "every-epoch (bi-rotation, default), every-iteration, full (n x n rotation) or off (XNOR-like)")
    String rotation;

    @Option(names = "--rotation-every", defaultValue = "1", description = "update the rotation every N epochs")
    int rotationEvery;

    @Option(names = "--sign-grad", defaultValue = "rbnn", description = "rbnn (annealed, default), ste, tanh or approx_sign")
    String signGrad;

    @Option(names = "--blend-init", description = "initial blend s = |sin theta| (reference: 1.0)")
    Double blendInit;

    @Option(names = "--fixed-s", description = "keep s fixed at its initial value (no self-adjustment)")
    boolean fixedS;

    @Option(names = "--float-activations", description = "1W/32A: binary weights, float activations")
    boolean floatActivations;

    @Option(names = "--one-padding", description = "pad binary convolutions with +1 instead of 0 (free packed borders)")
    boolean onePadding;

    ModelSpec apply(ModelSpec spec) {
        ModelSpec s = spec;
        switch (rotation.toLowerCase(Locale.ROOT)) {
            case "every-epoch", "bi", "epoch" -> s = s.withOption("rotation", "bi").withOption("rotation_schedule", "epoch");
            case "every-iteration", "iteration" -> s = s.withOption("rotation", "bi").withOption("rotation_schedule", "iteration");
            case "full" -> s = s.withOption("rotation", "full").withOption("rotation_schedule", "epoch");
            case "off", "none" -> s = s.withOption("rotation", "off");
            default -> throw new IllegalArgumentException("unknown --rotation '" + rotation
                    + "' (every-epoch, every-iteration, full or off)");
        }
        if (rotationEvery != 1) {
            s = s.withOption("rotation_every", Integer.toString(rotationEvery));
        }
        s = s.withOption("sign_grad", signGrad.toLowerCase(Locale.ROOT).replace('-', '_'));
        if (blendInit != null) {
            s = s.withOption("blend_init", Double.toString(blendInit));
        }
        if (fixedS) {
            s = s.withOption("learn_blend", "false");
        }
        if (floatActivations) {
            s = s.withOption("binary_activations", "false");
        }
        if (onePadding) {
            s = s.withOption("one_padding", "true");
        }
        return s;
    }
}
