package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The activation a fused step ends with, computed as the float layer computes it (same comparisons, so NaN and -0
 * come out the same).
 */
enum Activation {
    NONE,
    /** {@code x < -1 ? -1 : (x > 1 ? 1 : x)}, as {@code Hardtanh} and the backends' {@code hardtanhForward}. */
    HARDTANH,
    /** {@code x <= 0 ? 0 : x}, as {@code ReLU} and {@link Ops.Relu}. */
    RELU;

    FloatVector apply(FloatVector v) {
        return switch (this) {
            case NONE -> v;
            case HARDTANH -> v.blend(-1f, v.compare(VectorOperators.LT, -1f)).blend(1f, v.compare(VectorOperators.GT, 1f));
            case RELU -> v.blend(0f, v.compare(VectorOperators.LE, 0f));
        };
    }

    float apply(float v) {
        return switch (this) {
            case NONE -> v;
            case HARDTANH -> v < -1f ? -1f : (v > 1f ? 1f : v);
            case RELU -> v <= 0f ? 0f : v;
        };
    }
}
