package org.rbnn4j.simd.packed.model;

/**
 * The activation a fused step ends with, computed as the float layer computes it (same comparisons, so NaN and -0
 * come out the same).
 *
 * <p>Each is written as two clamps, {@code v < lowBound ? lowValue : v} then {@code v > highBound ? highValue : v},
 * so that vector loops apply any of them branch-free with the four constants hoisted out of the loop. Vector loops
 * spell the two blends out in place: a shared helper method gets compiled on its own, then C2 declines to inline it
 * ("callee uses too much stack") and boxes its vectors, many times slower. For ReLU, {@code x <= 0} is
 * {@code x < Float.MIN_VALUE} (no float lies between 0 and the smallest positive one; -0 and NaN behave the same).
 */
enum Activation {
    NONE(Float.NEGATIVE_INFINITY, 0f, Float.POSITIVE_INFINITY, 0f),
    /** {@code x < -1 ? -1 : (x > 1 ? 1 : x)}, as {@code Hardtanh} and the backends' {@code hardtanhForward}. */
    HARDTANH(-1f, -1f, 1f, 1f),
    /** {@code x <= 0 ? 0 : x}, as {@code ReLU} and {@link Ops.Relu}. */
    RELU(Float.MIN_VALUE, 0f, Float.POSITIVE_INFINITY, 0f);

    final float lowBound;
    final float lowValue;
    final float highBound;
    final float highValue;

    Activation(float lowBound, float lowValue, float highBound, float highValue) {
        this.lowBound = lowBound;
        this.lowValue = lowValue;
        this.highBound = highBound;
        this.highValue = highValue;
    }

    /**
     * The largest magnitude this activation can output (hardtanh: 1), or 0 if it has none: an image's mean is then
     * decided against the bound {@code size * magnitudeBound()} on its sum of magnitudes before that sum is computed
     * ({@link SampleMean#decide} only needs an upper bound).
     */
    float magnitudeBound() {
        return this == HARDTANH ? 1f : 0f;
    }

    float apply(float v) {
        v = v < lowBound ? lowValue : v;
        return v > highBound ? highValue : v;
    }
}
