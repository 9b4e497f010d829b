package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A float layer's BatchNorm and the activation after it, {@code act(x * scale[c] + shift[c])}, in one pass over its
 * NCHW input (a float convolution's output), written NHWC (transposed on the way, see {@link Transpose}) when binary
 * layers read it, else NCHW. Same float operations as {@link Ops.ChannelAffine} then {@link Ops.Hardtanh} or
 * {@link Ops.Relu}, so the same numbers.
 */
final class FusedChannelAffine implements Op {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final int in;
    private final int out;
    private final Layout layout;
    private final float[] scale;
    private final float[] shift;
    private final Activation activation;
    private final int hw;
    private final String describe;

    FusedChannelAffine(int in, int out, Layout layout, float[] scale, float[] shift, Activation activation, int hw,
                       String describe) {
        this.in = in;
        this.out = out;
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
            if (layout == Layout.NHWC) {
                Transpose.transposeAffine(x, i * size, hw, y, i * size, c, c, hw, scale, shift, activation);
            } else {
                for (int ch = 0; ch < c; ch++) {
                    plane(x, y, i * size + ch * hw, scale[ch], shift[ch]);
                }
            }
        }
    }

    private void plane(float[] x, float[] y, int off, float a, float b) {
        int p = 0;
        for (int bound = S.loopBound(hw); p < bound; p += S.length()) {
            activation.apply(FloatVector.fromArray(S, x, off + p).mul(a).add(b)).intoArray(y, off + p);
        }
        for (; p < hw; p++) {
            y[off + p] = activation.apply(x[off + p] * a + b);
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
