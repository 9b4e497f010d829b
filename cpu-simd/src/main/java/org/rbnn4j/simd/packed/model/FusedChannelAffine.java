package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A float layer's BatchNorm and the activation after it, {@code act(x * scale[c] + shift[c])}, in one pass over its
 * NCHW input (a float convolution's output), written NHWC (transposed on the way, see {@link Transpose}) when binary
 * layers read it, else NCHW. Same float operations as {@link Ops.ChannelAffine} then {@link Ops.Hardtanh} or
 * {@link Ops.Relu}, so the same numbers.
 *
 * <p>Optionally the float convolution before it runs here too, one image at a time into scratch (the backend's
 * {@code conv2dForward} with a batch of 1, the same call per image as for the whole batch), so that its output is
 * still in cache when the map reads it: a first layer's output is 64-512 KB per image.
 */
final class FusedChannelAffine implements Op {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final int in;
    private final int out;
    private final Ops.FloatConv conv;
    private final Layout layout;
    private final float[] scale;
    private final float[] shift;
    private final Activation activation;
    private final int hw;
    private final String describe;

    /** {@code conv} null: {@code in} is the NCHW value to map; else {@code in} is {@code conv}'s input. */
    FusedChannelAffine(int in, int out, Ops.FloatConv conv, Layout layout, float[] scale, float[] shift,
                       Activation activation, int hw, String describe) {
        this.in = in;
        this.out = out;
        this.conv = conv;
        this.layout = layout;
        this.scale = scale;
        this.shift = shift;
        this.activation = activation;
        this.hw = hw;
        this.describe = describe;
    }

    @Override
    public void run(Workspace ws, int n, Execution exec) {
        float[] x = ws.buffer(in);
        float[] y = ws.buffer(out);
        int c = scale.length;
        int size = c * hw;
        for (int i = 0; i < n; i++) {
            float[] src = x;
            int srcOff = i * size;
            if (conv != null) {
                src = conv.convolveImage(ws, x, i, exec);
                srcOff = 0;
            }
            if (layout == Layout.NHWC) {
                Transpose.transposeAffine(src, srcOff, hw, y, i * size, c, c, hw, scale, shift, activation);
            } else {
                for (int ch = 0; ch < c; ch++) {
                    plane(src, srcOff + ch * hw, y, i * size + ch * hw, scale[ch], shift[ch]);
                }
            }
        }
    }

    /** Scratch this step needs: {@code {convolution output, image}} floats. */
    int[] scratchFloats() {
        return conv == null ? new int[2] : new int[] {conv.geometry().outputSize(), conv.geometry().inputSize()};
    }

    private void plane(float[] x, int xOff, float[] y, int off, float a, float b) {
        int p = 0;
        float lb = activation.lowBound;
        float lv = activation.lowValue;
        float hb = activation.highBound;
        float hv = activation.highValue;
        for (int bound = S.loopBound(hw); p < bound; p += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + p).mul(a).add(b);
            v = v.blend(lv, v.compare(VectorOperators.LT, lb));
            v.blend(hv, v.compare(VectorOperators.GT, hb)).intoArray(y, off + p);
        }
        for (; p < hw; p++) {
            y[off + p] = activation.apply(x[xOff + p] * a + b);
        }
    }

    @Override
    public int[] inputs() {
        return new int[] {in};
    }

    @Override
    public int output() {
        return out;
    }

    @Override
    public String describe() {
        return describe;
    }
}
