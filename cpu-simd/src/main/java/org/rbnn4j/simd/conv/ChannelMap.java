package org.rbnn4j.simd.conv;

import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import java.util.Arrays;

/**
 * What a channels-last convolution applies to each output as it stores it: {@code v = y * scale[c] + shift[c]} (a
 * multiply, then an add: never fused, as a BatchNorm after the convolution computes it), then the clamps
 * {@code v < lowBound ? lowValue : v} and {@code v > highBound ? highValue : v} (hardtanh, ReLU, or none with infinite
 * bounds). The same float operations as the convolution followed by those layers, so the same numbers.
 *
 * <p>{@code scale} and {@code shift} are held padded to whole panels of {@link org.rbnn4j.simd.gemm.GemmBlocking#NR}
 * channels (scale 1, shift 0), so that a register tile over a partly filled last panel maps its padding lanes too.
 */
public final class ChannelMap {
    final float[] scale;
    final float[] shift;
    final float lowBound;
    final float lowValue;
    final float highBound;
    final float highValue;

    private ChannelMap(float[] scale, float[] shift, float lowBound, float lowValue, float highBound, float highValue) {
        this.scale = scale;
        this.shift = shift;
        this.lowBound = lowBound;
        this.lowValue = lowValue;
        this.highBound = highBound;
        this.highValue = highValue;
    }

    /** A per-channel affine map and two clamps (see the class comment); {@code scale} and {@code shift} are copied. */
    public static ChannelMap of(float[] scale, float[] shift, float lowBound, float lowValue, float highBound,
                                float highValue) {
        if (scale.length != shift.length) {
            throw new IllegalArgumentException("scale has " + scale.length + " channels, shift " + shift.length);
        }
        int padded = (scale.length + NR - 1) / NR * NR;
        float[] s = Arrays.copyOf(scale, padded);
        Arrays.fill(s, scale.length, padded, 1f);
        return new ChannelMap(s, Arrays.copyOf(shift, padded), lowBound, lowValue, highBound, highValue);
    }

    /** The map that leaves every value as it is ({@code 1 * y + 0}, no clamp) over {@code channels} channels. */
    public static ChannelMap identity(int channels) {
        int padded = (channels + NR - 1) / NR * NR;
        float[] ones = new float[padded];
        Arrays.fill(ones, 1f);
        return new ChannelMap(ones, new float[padded], Float.NEGATIVE_INFINITY, 0f, Float.POSITIVE_INFINITY, 0f);
    }

    /** Checks that this map covers {@code outChannels} channels. */
    void checkCovers(int outChannels) {
        if (scale.length < (outChannels + NR - 1) / NR * NR) {
            throw new IllegalArgumentException("a map of " + scale.length + " channels for " + outChannels);
        }
    }

    /** {@code v} mapped as the class comment says (the scalar definition the vector epilogues repeat). */
    float apply(float v, int c) {
        v = v * scale[c] + shift[c];
        v = v < lowBound ? lowValue : v;
        return v > highBound ? highValue : v;
    }
}
