package org.rbnn4j.simd.packed;

/**
 * What the padded border taps of a binary convolution are worth in the float model (DESIGN.md §4).
 *
 * <p>The packed kernels always read a border of all-zero words, i.e. {@code +1} in every channel; {@link #ONE}
 * is therefore free, and {@link #ZERO} subtracts a cached per-position correction (see {@link PackedConv2d}).
 */
public enum BorderMode {
    /** Padded taps are 0 and contribute nothing: ordinary zero padding, as the reference. */
    ZERO,
    /** Padded taps are +1: the one-padding variant ({@code padValue = 1} in {@code ConvGeometry}). */
    ONE;

    /** The mode whose padded taps have this float value. */
    public static BorderMode ofPadValue(float padValue) {
        if (padValue == 0f) {
            return ZERO;
        }
        if (padValue == 1f) {
            return ONE;
        }
        throw new IllegalArgumentException("binary convolutions support padValue 0 or 1, not " + padValue);
    }

    public float padValue() {
        return this == ZERO ? 0f : 1f;
    }
}
