package org.rbnn4j.simd.packed.model;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.SimdBackend;
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
 * floats), mapped in place, and packed pixel by pixel from contiguous channels ({@code ActivationPacker.packImageNhwc})
 * rather than gathered from {@code C} planes: vgg_small_1w1a's first layer, whole step, 122 instead of 135 us per image.
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
    }

    @Override
    public void run(Workspace ws, int n, Execution exec) {
        float[] x = ws.buffer(in);
        PackedActivations dst = ws.packed(packedId);
        float[] thresholds = ws.thresholds(packedId);
        int c = scale.length;
        int size = c * hw;
        boolean nhwc = conv != null && exec.backend() instanceof SimdBackend;
        for (int i = 0; i < n; i++) {
            if (nhwc) {
                ConvGeometry g = conv.geometry();
                float[] image = ws.imageScratch();
                System.arraycopy(x, i * g.inputSize(), image, 0, g.inputSize());
                float[] y = ws.convScratch();
                Convolution.forwardNhwc(g, image, 0, nhwcWeights, y, 0);
                MappedPacking.mapNhwc(y, 0, c, hw, scale, shift, activation);
                float t = SampleMean.ofNhwc(y, 0, c, hw, ws.imageScratch());
                thresholds[i] = t;
                ActivationPacker.packImageNhwc(y, 0, t, dst, i);
                continue;
            }
            float[] src = x;
            int srcOff = i * size;
            if (conv != null) {
                ConvGeometry g = conv.geometry();
                float[] image = ws.imageScratch();
                System.arraycopy(x, i * g.inputSize(), image, 0, g.inputSize());
                src = ws.convScratch();
                srcOff = 0;
                exec.backend().conv2dForward(g, image, conv.weights(), src);
            }
            float t = MappedPacking.mean(src, srcOff, c, hw, scale, shift, activation, ws.imageScratch());
            thresholds[i] = t;
            MappedPacking.pack(src, srcOff, scale, shift, activation, t, dst, i);
        }
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
