package org.rbnn4j.core.compute.kernels;

/** Scalar reference element-wise kernels, one element per call. */
public final class ElementwiseReference {
    private ElementwiseReference() {
    }

    /**
     * The binarisation of rbnn4j: {@code +1} for {@code x >= 0} (so {@code sign(0) = sign(-0) = +1}), else {@code -1}
     * (NaN included), so that the float simulation and packed inference agree bit for bit (DESIGN.md §1 step 7).
     */
    public static float sign(float x) {
        return x >= 0f ? 1f : -1f;
    }

    public static float hardtanh(float x) {
        return x < -1f ? -1f : (x > 1f ? 1f : x);
    }

    /** PyTorch passes the gradient on the closed interval [-1, 1]. */
    public static float hardtanhGrad(float x, float dy) {
        return (x >= -1f && x <= 1f) ? dy : 0f;
    }

    /** SGD with momentum and weight decay for element {@code i}, PyTorch semantics. */
    public static void sgdStep(float[] w, float[] g, float[] v, int i, float lr, float momentum, float weightDecay) {
        float vel = sgdVelocity(w[i], g[i], v[i], momentum, weightDecay);
        v[i] = vel;
        w[i] = sgdWeight(w[i], vel, lr);
    }

    /** The new velocity of one SGD step: {@code momentum * v + (g + weightDecay * w)}. */
    public static float sgdVelocity(float w, float g, float v, float momentum, float weightDecay) {
        float grad = g + weightDecay * w;
        return momentum * v + grad;
    }

    /** The new weight of one SGD step: {@code w - lr * velocity}. */
    public static float sgdWeight(float w, float velocity, float lr) {
        return w - lr * velocity;
    }
}
