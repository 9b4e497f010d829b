package org.rbnn4j.core.rbnn;

import java.util.Objects;

/**
 * The variants of a {@link BinaryConv2d}; {@link #defaults()} is the reference method of DESIGN.md §1.
 *
 * @param rotation          rotation off, bi-rotation (default) or the full {@code n x n} rotation
 * @param rotationSchedule  update in the first batch of a rotation epoch (default) or before every batch of it
 * @param rotationEvery     rotation epochs are those with {@code epoch % rotationEvery == 0} (default 1: every epoch)
 * @param alternatingSteps  alternating Procrustes steps per update (the reference: 3)
 * @param signGradient      surrogate derivative of {@code sign} in the backward pass (default {@link SignGradient#RBNN})
 * @param learnBlend        {@code true}: {@code theta} is a trained parameter (self-adjusting {@code s}, the default);
 *                          {@code false}: {@code s} stays at {@link #blendInit} (theta is kept as a buffer)
 * @param blendInit         initial {@code s = |sin theta|} in {@code [0, 1]}: {@code theta = asin(blendInit)};
 *                          the reference's 1.0 gives {@code theta = pi/2}
 * @param binaryActivations {@code true} (default): activations are standardised and binarised (1W/1A);
 *                          {@code false}: the input passes to the convolution unchanged (1W/32A)
 * @param padValue          value of padded border taps: 0 (zero padding, the reference) or 1 (one-padding, DESIGN.md §4)
 */
public record BinaryConvOptions(RotationMode rotation, RotationSchedule rotationSchedule, int rotationEvery,
                                int alternatingSteps, SignGradient signGradient, boolean learnBlend,
                                double blendInit, boolean binaryActivations, float padValue) {

    private static final BinaryConvOptions DEFAULTS = new BinaryConvOptions(RotationMode.BI_ROTATION,
            RotationSchedule.PER_EPOCH, 1, 3, SignGradient.RBNN, true, 1.0, true, 0f);

    public BinaryConvOptions {
        Objects.requireNonNull(rotation, "rotation");
        Objects.requireNonNull(rotationSchedule, "rotationSchedule");
        Objects.requireNonNull(signGradient, "signGradient");
        if (rotationEvery < 1) {
            throw new IllegalArgumentException("rotationEvery must be >= 1, got " + rotationEvery);
        }
        if (alternatingSteps < 1) {
            throw new IllegalArgumentException("alternatingSteps must be >= 1, got " + alternatingSteps);
        }
        if (!(blendInit >= 0.0 && blendInit <= 1.0)) {
            throw new IllegalArgumentException("blendInit (initial s = |sin theta|) must lie in [0, 1], got " + blendInit);
        }
        if (padValue != 0f && padValue != 1f) {
            throw new IllegalArgumentException("padValue must be 0 (zero padding) or 1 (one-padding), got " + padValue);
        }
    }

    /** The reference method: bi-rotation every epoch, 3 steps, RBNN gradient, learned blend from s = 1, 1W/1A, zero padding. */
    public static BinaryConvOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The initial {@code theta = asin(blendInit)}. */
    public double initialTheta() {
        return Math.asin(blendInit);
    }

    /** A mutable builder, starting from the defaults or from existing options. */
    public static final class Builder {
        private RotationMode rotation;
        private RotationSchedule rotationSchedule;
        private int rotationEvery;
        private int alternatingSteps;
        private SignGradient signGradient;
        private boolean learnBlend;
        private double blendInit;
        private boolean binaryActivations;
        private float padValue;

        private Builder(BinaryConvOptions o) {
            rotation = o.rotation;
            rotationSchedule = o.rotationSchedule;
            rotationEvery = o.rotationEvery;
            alternatingSteps = o.alternatingSteps;
            signGradient = o.signGradient;
            learnBlend = o.learnBlend;
            blendInit = o.blendInit;
            binaryActivations = o.binaryActivations;
            padValue = o.padValue;
        }

        public Builder rotation(RotationMode value) {
            rotation = value;
            return this;
        }

        public Builder rotationSchedule(RotationSchedule value) {
            rotationSchedule = value;
            return this;
        }

        public Builder rotationEvery(int epochs) {
            rotationEvery = epochs;
            return this;
        }

        public Builder alternatingSteps(int steps) {
            alternatingSteps = steps;
            return this;
        }

        public Builder signGradient(SignGradient value) {
            signGradient = value;
            return this;
        }

        /** {@code false}: a fixed {@code s} (no self-adjustment). */
        public Builder learnBlend(boolean value) {
            learnBlend = value;
            return this;
        }

        /** Initial {@code s} in [0, 1] ({@code --blend-init}); theta = asin(s). */
        public Builder blendInit(double s) {
            blendInit = s;
            return this;
        }

        /** {@code false}: float activations (1W/32A). */
        public Builder binaryActivations(boolean value) {
            binaryActivations = value;
            return this;
        }

        /** {@code true}: padded taps are +1 (one-padding); {@code false}: zero padding. */
        public Builder onePadding(boolean value) {
            padValue = value ? 1f : 0f;
            return this;
        }

        public BinaryConvOptions build() {
            return new BinaryConvOptions(rotation, rotationSchedule, rotationEvery, alternatingSteps, signGradient,
                    learnBlend, blendInit, binaryActivations, padValue);
        }
    }
}
