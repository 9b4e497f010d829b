package org.rbnn4j.core.rbnn;

/**
 * Which surrogate derivative of {@code sign} the backward pass uses (DESIGN.md §1 step 7 and the paper's
 * comparisons). The annealed shapes ({@link #RBNN}, {@link #TANH}) take the epoch's {@code t}, {@code k} for
 * the weights and, as the reference does for activations, {@code t' = max(t, 1)} and {@code k = 1}.
 */
public enum SignGradient {
    /** {@code max(0, k*(sqrt(2)*t - t^2*|x|))}: the reference's training-aware approximation. The default. */
    RBNN,
    /** Straight-through {@code 1_{|x| <= 1}}. */
    STRAIGHT_THROUGH,
    /** IR-Net's {@code k*t*(1 - tanh^2(t*x))}. */
    TANH,
    /** Larq's {@code approx_sign}: {@code 2 - 2|x|} on {@code |x| <= 1}. */
    APPROX_SIGN;

    /** {@code dsign/dx} at {@code x} for the weights, with the epoch's {@code t} and {@code k}. */
    public float weightDerivative(float x, float t, float k) {
        return derivative(this, x, t, k);
    }

    /** {@code dsign/dx} at {@code x} for the activations: {@code t' = max(t, 1)}, {@code k = 1}. */
    public float activationDerivative(float x, float t) {
        return derivative(this, x, Math.max(t, 1f), 1f);
    }

    /**
     * The surrogate of {@code kind} with explicit temperature and scale; for {@link #RBNN} the peak is
     * {@code sqrt(2)*t} computed in float, as the reference's {@code 2*sqrt(t^2/2)}.
     */
    public static float derivative(SignGradient kind, float x, float t, float k) {
        return SignGradientKernels.derivative(kind.ordinal(), x, (float) (SignGradientKernels.SQRT2 * t), t * t, t, k);
    }

    /**
     * {@code grad[gOff + i] *= dsign/dx(x[xOff + i])} for {@code i < length}, with explicit {@code t} and {@code k}
     * (pass {@code max(t, 1)} and {@code 1} for activations). The shape is chosen once, outside the loop.
     */
    public void scaleBySurrogate(float[] x, int xOff, float[] grad, int gOff, int length, float t, float k) {
        switch (this) {
            case RBNN -> {
                float peak = (float) (SignGradientKernels.SQRT2 * t);
                float tSquared = t * t;
                for (int i = 0; i < length; i++) {
                    grad[gOff + i] *= SignGradientKernels.rbnn(x[xOff + i], peak, tSquared, k);
                }
            }
            case STRAIGHT_THROUGH -> {
                for (int i = 0; i < length; i++) {
                    grad[gOff + i] *= SignGradientKernels.straightThrough(x[xOff + i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < length; i++) {
                    grad[gOff + i] *= SignGradientKernels.tanh(x[xOff + i], t, k);
                }
            }
            case APPROX_SIGN -> {
                for (int i = 0; i < length; i++) {
                    grad[gOff + i] *= SignGradientKernels.approxSign(x[xOff + i]);
                }
            }
        }
    }

    /** Parses {@code rbnn}, {@code ste}/{@code straight-through}, {@code tanh}, {@code approx-sign}/{@code approx_sign}. */
    public static SignGradient parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "rbnn" -> RBNN;
            case "ste", "straight-through" -> STRAIGHT_THROUGH;
            case "tanh" -> TANH;
            case "approx-sign", "approxsign" -> APPROX_SIGN;
            default -> throw new IllegalArgumentException("unknown sign gradient '" + name
                    + "'; known: rbnn, ste, tanh, approx-sign");
        };
    }
}
