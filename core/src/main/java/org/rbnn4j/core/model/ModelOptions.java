package org.rbnn4j.core.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rbnn4j.core.rbnn.BinaryConvOptions;
import org.rbnn4j.core.rbnn.RotationMode;
import org.rbnn4j.core.rbnn.RotationSchedule;
import org.rbnn4j.core.rbnn.SignGradient;

/**
 * The string options of a {@link ModelSpec} that choose the binary-layer variant, parsed in this one place.
 * They travel with checkpoints as {@code model.option.<key>} metadata, so a model is rebuilt with the variant
 * it was trained with. Missing keys keep the reference method ({@link BinaryConvOptions#defaults()}).
 *
 * <table>
 *   <caption>Keys and values (values are case-insensitive; {@code -} and {@code _} are interchangeable)</caption>
 *   <tr><th>key</th><th>values</th><th>default</th></tr>
 *   <tr><td>{@value #ROTATION}</td><td>{@code bi | full | off}</td><td>{@code bi}</td></tr>
 *   <tr><td>{@value #ROTATION_SCHEDULE}</td><td>{@code epoch | iteration}</td><td>{@code epoch}</td></tr>
 *   <tr><td>{@value #ROTATION_EVERY}</td><td>integer {@code >= 1} (epochs)</td><td>{@code 1}</td></tr>
 *   <tr><td>{@value #SIGN_GRAD}</td><td>{@code rbnn | ste | tanh | approx_sign}</td><td>{@code rbnn}</td></tr>
 *   <tr><td>{@value #BLEND_INIT}</td><td>initial {@code s = |sin theta|} in {@code [0, 1]}</td><td>{@code 1.0}</td></tr>
 *   <tr><td>{@value #LEARN_BLEND}</td><td>{@code true | false}</td><td>{@code true}</td></tr>
 *   <tr><td>{@value #BINARY_ACTIVATIONS}</td><td>{@code true | false} ({@code false}: 1W/32A)</td><td>{@code true}</td></tr>
 *   <tr><td>{@value #ONE_PADDING}</td><td>{@code true | false}</td><td>{@code false}</td></tr>
 * </table>
 * Unknown keys and bad values are rejected with an {@link IllegalArgumentException} that names the key, the
 * value and what is accepted: a misspelt option must never silently train the default method.
 */
public final class ModelOptions {
    /** Rotation before binarisation: {@code bi} (the paper's bi-rotation), {@code full} ({@code n x n}) or {@code off}. */
    public static final String ROTATION = "rotation";
    /** When a rotation epoch updates the rotation: {@code epoch} (its first batch) or {@code iteration} (every batch). */
    public static final String ROTATION_SCHEDULE = "rotation_schedule";
    /** Rotation epochs are those with {@code epoch % rotation_every == 0}. */
    public static final String ROTATION_EVERY = "rotation_every";
    /** Surrogate gradient of {@code sign}: {@code rbnn}, {@code ste}, {@code tanh} or {@code approx_sign}. */
    public static final String SIGN_GRAD = "sign_grad";
    /** Initial blend {@code s} in [0, 1]. */
    public static final String BLEND_INIT = "blend_init";
    /** {@code false}: {@code s} stays at {@link #BLEND_INIT} (no self-adjustment). */
    public static final String LEARN_BLEND = "learn_blend";
    /** {@code false}: float activations into the binary convolutions (1W/32A). */
    public static final String BINARY_ACTIVATIONS = "binary_activations";
    /** {@code true}: padded taps of the binary convolutions are +1 instead of 0 (DESIGN.md §4). */
    public static final String ONE_PADDING = "one_padding";

    /** Every known key, in the order of the table above. */
    public static final List<String> KEYS = List.of(ROTATION, ROTATION_SCHEDULE, ROTATION_EVERY, SIGN_GRAD, BLEND_INIT,
            LEARN_BLEND, BINARY_ACTIVATIONS, ONE_PADDING);

    private ModelOptions() {
    }

    /**
     * The binary-layer options that {@code options} describe, starting from {@link BinaryConvOptions#defaults()}.
     *
     * @throws IllegalArgumentException on an unknown key or a bad value, naming both
     */
    public static BinaryConvOptions binaryConvOptions(Map<String, String> options) {
        BinaryConvOptions.Builder b = BinaryConvOptions.builder();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (value == null) {
                throw new IllegalArgumentException("model option " + key + " has no value");
            }
            switch (key) {
                case ROTATION -> b.rotation(parseRotation(value));
                case ROTATION_SCHEDULE -> b.rotationSchedule(parseRotationSchedule(value));
                case ROTATION_EVERY -> b.rotationEvery(parseRotationEvery(value));
                case SIGN_GRAD -> b.signGradient(parseSignGradient(value));
                case BLEND_INIT -> b.blendInit(parseBlendInit(value));
                case LEARN_BLEND -> b.learnBlend(parseBoolean(key, value));
                case BINARY_ACTIVATIONS -> b.binaryActivations(parseBoolean(key, value));
                case ONE_PADDING -> b.onePadding(parseBoolean(key, value));
                default -> throw new IllegalArgumentException("unknown model option '" + key + "'; known options: "
                        + String.join(", ", KEYS));
            }
        }
        return b.build();
    }

    /** Checks every key and value of {@code options} (the same checks as {@link #binaryConvOptions}). */
    public static void validate(Map<String, String> options) {
        binaryConvOptions(options);
    }

    /**
     * Every key with the canonical value of {@code o}, so that {@code binaryConvOptions(toOptions(o)).equals(o)}.
     *
     * @throws IllegalArgumentException if {@code o} uses a setting that has no option (alternating steps other
     *                                  than the reference's 3)
     */
    public static Map<String, String> toOptions(BinaryConvOptions o) {
        if (o.alternatingSteps() != BinaryConvOptions.defaults().alternatingSteps()) {
            throw new IllegalArgumentException("alternating steps " + o.alternatingSteps() + " cannot be written as a model"
                    + " option (only the reference's " + BinaryConvOptions.defaults().alternatingSteps() + ")");
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ROTATION, switch (o.rotation()) {
            case OFF -> "off";
            case BI_ROTATION -> "bi";
            case FULL -> "full";
        });
        m.put(ROTATION_SCHEDULE, o.rotationSchedule() == RotationSchedule.PER_EPOCH ? "epoch" : "iteration");
        m.put(ROTATION_EVERY, Integer.toString(o.rotationEvery()));
        m.put(SIGN_GRAD, switch (o.signGradient()) {
            case RBNN -> "rbnn";
            case STRAIGHT_THROUGH -> "ste";
            case TANH -> "tanh";
            case APPROX_SIGN -> "approx_sign";
        });
        m.put(BLEND_INIT, Double.toString(o.blendInit()));
        m.put(LEARN_BLEND, Boolean.toString(o.learnBlend()));
        m.put(BINARY_ACTIVATIONS, Boolean.toString(o.binaryActivations()));
        m.put(ONE_PADDING, Boolean.toString(o.padValue() == 1f));
        return m;
    }

    /** {@code bi} (also {@code bi_rotation}), {@code full} or {@code off} (also {@code none}). */
    public static RotationMode parseRotation(String value) {
        return switch (normalise(value)) {
            case "bi", "bi_rotation", "birotation" -> RotationMode.BI_ROTATION;
            case "full" -> RotationMode.FULL;
            case "off", "none" -> RotationMode.OFF;
            default -> throw bad(ROTATION, value, "bi, full, off");
        };
    }

    /** {@code epoch} (also {@code per_epoch}) or {@code iteration} (also {@code per_iteration}). */
    public static RotationSchedule parseRotationSchedule(String value) {
        return switch (normalise(value)) {
            case "epoch", "per_epoch" -> RotationSchedule.PER_EPOCH;
            case "iteration", "per_iteration" -> RotationSchedule.PER_ITERATION;
            default -> throw bad(ROTATION_SCHEDULE, value, "epoch, iteration");
        };
    }

    /** {@code rbnn}, {@code ste}, {@code tanh} or {@code approx_sign}. */
    public static SignGradient parseSignGradient(String value) {
        try {
            return SignGradient.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(SIGN_GRAD, value, "rbnn, ste, tanh, approx_sign");
        }
    }

    private static int parseRotationEvery(String value) {
        int every;
        try {
            every = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad(ROTATION_EVERY, value, "an integer >= 1 (epochs)");
        }
        if (every < 1) {
            throw bad(ROTATION_EVERY, value, "an integer >= 1 (epochs)");
        }
        return every;
    }

    private static double parseBlendInit(String value) {
        double s;
        try {
            s = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw bad(BLEND_INIT, value, "a number in [0, 1] (the initial s = |sin theta|)");
        }
        if (!(s >= 0.0 && s <= 1.0)) {
            throw bad(BLEND_INIT, value, "a number in [0, 1] (the initial s = |sin theta|)");
        }
        return s;
    }

    /** Exactly {@code true} or {@code false} (any case): "yes", "1" and typos are errors, not {@code false}. */
    private static boolean parseBoolean(String key, String value) {
        return switch (normalise(value)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, value, "true, false");
        };
    }

    private static String normalise(String value) {
        return value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static IllegalArgumentException bad(String key, String value, String accepted) {
        return new IllegalArgumentException("model option " + key + " = '" + value + "' is not valid; expected " + accepted);
    }
}
