package org.rbnn4j.simd.packed.model;

import org.rbnn4j.simd.SimdBackend;
import org.rbnn4j.simd.conv.ChannelMap;
import org.rbnn4j.simd.conv.Convolution;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.PackedActivations;

/**
 * A float layer whose output only binary layers read, straight to their packed input: the float convolution
 * (optional, one image at a time as in {@link FusedChannelAffine}), its BatchNorm and activation
 * {@code v = act(x * scale[c] + shift[c])}, and the binarisation {@code sign(v - mean_image(v))} packed along
 * channels, without storing {@code v} ({@link MappedPacking}). Same bits as the unfused ops followed by
 * {@link PackStep}.
 *
 * <p>On the SIMD backend the convolution is written channels-last instead ({@link Convolution#forwardNhwc}: the same
 * floats), the BatchNorm and activation applied by its register tiles as they store the outputs ({@link ChannelMap}),
 * the image's mean decided from one sum pass ({@link SampleMean}), and the image packed pixel by pixel from contiguous
 * channels ({@code ActivationPacker.packImageNhwc}) rather than gathered from {@code C} planes. vgg_small_1w1a's first
 * layer, whole step: 122 us per image through NCHW planes, 99 with a separate map pass over the channels-last output,
 * 93 with the map in the tiles (same JVM, the model x1.007).
 */
final class PackedChannelAffine implements Op {
    private final int in;
    private final Ops.FloatConv conv;
    private final int packedId;
    private final float[] scale;
    private final float[] shift;
    private final Activation activation;
    private final int hw;
    private final String describe;
    /** {@code conv}'s weights packed for {@link Convolution#forwardNhwc}, or null without a convolution. */
    private final float[] nhwcWeights;
    /** The BatchNorm and activation, applied by {@link Convolution#forwardNhwc} as it stores the outputs. */
    private final ChannelMap nhwcMap;

    /** {@code conv} null: {@code in} is the NCHW value to map; else {@code in} is {@code conv}'s input. */
    PackedChannelAffine(int in, Ops.FloatConv conv, int packedId, float[] scale, float[] shift, Activation activation,
                        int hw, String describe) {
        this.in = in;
        this.conv = conv;
        this.packedId = packedId;
        this.scale = scale;
        this.shift = shift;
        this.activation = activation;
        this.hw = hw;
        this.describe = describe;
        this.nhwcWeights = conv == null ? null : Convolution.packWeightsForNhwc(conv.geometry(), conv.weights());
        this.nhwcMap = ChannelMap.of(scale, shift, activation.lowBound, activation.lowValue, activation.highBound,
                activation.highValue);
    }

    @Override
    public void run(Workspace ws, int n, Execution exec) {
        float[] x = ws.buffer(in);
        PackedActivations dst = ws.packed(packedId);
        float[] thresholds = ws.thresholds(packedId);
        boolean nhwc = conv != null && exec.backend() instanceof SimdBackend;
        for (int i = 0; i < n; i++) {
            thresholds[i] = nhwc ? convolveNhwcAndPack(ws, x, i, dst) : mapAndPack(ws, x, i, dst, exec);
        }
    }

    /** Image {@code i}: the convolution channels-last and mapped into scratch, its mean, packed; returns the threshold. */
    private float convolveNhwcAndPack(Workspace ws, float[] x, int i, PackedActivations dst) {
        int c = scale.length;
        float[] y = ws.convScratch();
        Convolution.forwardNhwc(conv.geometry(), x, i, nhwcWeights, y, 0, nhwcMap);
        float bound = activation.magnitudeBound();
        float t = bound > 0 ? SampleMean.ofNhwcBounded(y, 0, c, hw, bound) : SampleMean.ofNhwc(y, 0, c, hw);
        ActivationPacker.packImageNhwc(y, 0, t, dst, i);
        return t;
    }

    /** Image {@code i} NCHW (the convolution's output when there is one), mapped on the fly; returns the threshold. */
    private float mapAndPack(Workspace ws, float[] x, int i, PackedActivations dst, Execution exec) {
        int c = scale.length;
        float[] src = x;
        int srcOff = i * c * hw;
        if (conv != null) {
            src = conv.convolveImage(ws, x, i, exec);
            srcOff = 0;
        }
        float t = MappedPacking.mean(src, srcOff, c, hw, scale, shift, activation, ws.imageScratch());
        MappedPacking.pack(src, srcOff, scale, shift, activation, t, dst, i);
        return t;
    }

    /** Scratch this step needs: {@code {convolution output, image}} floats. */
    int[] scratchFloats() {
        int mapped = scale.length * hw;
        return conv == null ? new int[] {0, mapped}
                : new int[] {conv.geometry().outputSize(), Math.max(mapped, conv.geometry().inputSize())};
    }

    int packedId() {
        return packedId;
    }

    @Override
    public int[] inputs() {
        return new int[] {in};
    }

    /** No float value: the result is packed buffer {@link #packedId()}. */
    @Override
    public int output() {
        return -1;
    }

    @Override
    public String describe() {
        return describe;
    }
}
