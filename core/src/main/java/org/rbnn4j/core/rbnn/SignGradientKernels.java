package org.rbnn4j.core.rbnn;

/**
 * Surrogate derivatives of {@code sign(x)} used in the backward pass, one static function per shape
 * (allocation-free, for scalar loops and device kernels alike). Each is the derivative of a smooth (or
 * piecewise smooth) function {@code F} that tends to {@code sign} as its temperature grows; the tests check
 * them against finite differences of {@code F}.
 */
public final class SignGradientKernels {
    /** {@code sqrt(2)}, the peak of the RBNN surrogate at {@code t = 1}. */
    public static final double SQRT2 = Math.sqrt(2.0);

    private SignGradientKernels() {
    }

    /**
     * RBNN's training-aware approximation (paper Sec. 3.4):
     * {@code max(0, k * (sqrt(2)*t - t^2 * |x|))}, with the constants precomputed by the caller as
     * {@code peak = sqrt(2)*t} and {@code tSquared = t^2}. {@code F(x) = k*(sqrt2 t x - t^2 x|x|/2)} on
     * {@code |x| <= sqrt2/t}, constant outside.
     */
    public static float rbnn(float x, float peak, float tSquared, float k) {
        float g = k * (peak - tSquared * Math.abs(x));
        return g > 0f ? g : 0f;
    }

    /** Straight-through estimator: {@code 1} on {@code |x| <= 1}, else 0 (the derivative of hardtanh). */
    public static float straightThrough(float x) {
        return Math.abs(x) <= 1f ? 1f : 0f;
    }

    /**
     * The tanh-based estimator of IR-Net (EDE): {@code d/dx k*tanh(t*x) = k*t*(1 - tanh(t*x)^2)}, annealed with the
     * same {@code t}, {@code k} as RBNN's.
     */
    public static float tanh(float x, float t, float k) {
        float th = (float) Math.tanh(t * x);
        return k * t * (1f - th * th);
    }

    /**
     * Larq's {@code approx_sign} (Bi-Real Net): {@code 2 - 2|x|} on {@code |x| <= 1}, else 0; the derivative of the
     * piecewise quadratic {@code 2x - x|x|} clipped to [-1, 1].
     */
    public static float approxSign(float x) {
        float ax = Math.abs(x);
        return ax <= 1f ? 2f - 2f * ax : 0f;
    }

    /**
     * The surrogate of the {@code SignGradient} with ordinal {@code kind} (RBNN, straight-through, tanh, approx-sign),
     * with RBNN's constants precomputed as {@link #rbnn} takes them: the form device kernels use, which take no enums.
     */
    public static float derivative(int kind, float x, float peak, float tSquared, float t, float k) {
        if (kind == 0) {
            return rbnn(x, peak, tSquared, k);
        } else if (kind == 1) {
            return straightThrough(x);
        } else if (kind == 2) {
            return tanh(x, t, k);
        }
        return approxSign(x);
    }
}
