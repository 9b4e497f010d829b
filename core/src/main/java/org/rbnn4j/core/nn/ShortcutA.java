package org.rbnn4j.core.nn;

import org.rbnn4j.core.compute.Backends;
import java.util.Arrays;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The parameter-free "option A" shortcut of the CIFAR ResNets: keeps every {@code stride}-th row and column
 * ({@code x[:, :, ::s, ::s]}) and zero-pads the channels, {@code (out - in) / 2} planes in front and the rest
 * behind. With {@code out = 2 * in} that is the reference's {@code F.pad(..., (0,0,0,0, planes//4, planes//4))}.
 */
public final class ShortcutA implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final int stride;
    private final int padFront;
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor lastOutput;

    public ShortcutA(int inChannels, int outChannels, int stride) {
        Shapes.requirePositive(inChannels, "inChannels");
        Shapes.requirePositive(stride, "stride");
        if (outChannels < inChannels) {
            throw new IllegalArgumentException("ShortcutA cannot reduce channels: " + inChannels + " -> " + outChannels);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.stride = stride;
        this.padFront = (outChannels - inChannels) / 2;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int stride() {
        return stride;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        Shapes.requireImages(x, inChannels, toString());
        int n = x.dim(0);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        Tensor y = output.get(n, outChannels, oh, ow);
        float[] ys = y.data();
        float[] xs = x.data();
        Backends.current().syncToHost(xs);
        Arrays.fill(ys, 0f);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < inChannels; c++) {
                int src = (i * inChannels + c) * h * w;
                int dst = (i * outChannels + padFront + c) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int row = src + oy * stride * w;
                    for (int ox = 0; ox < ow; ox++) {
                        ys[dst++] = xs[row + ox * stride];
                    }
                }
            }
        }
        Backends.current().markHostWritten(ys);
        input = x;
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        int n = input.dim(0);
        int h = input.dim(2);
        int w = input.dim(3);
        int oh = lastOutput.dim(2);
        int ow = lastOutput.dim(3);
        Tensor dx = inputGrad.get(input.shape());
        float[] d = dx.data();
        float[] dy = gradOutput.data();
        Backends.current().syncToHost(dy);
        Arrays.fill(d, 0f);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < inChannels; c++) {
                int dst = (i * inChannels + c) * h * w;
                int src = (i * outChannels + padFront + c) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int row = dst + oy * stride * w;
                    for (int ox = 0; ox < ow; ox++) {
                        d[row + ox * stride] = dy[src++];
                    }
                }
            }
        }
        Backends.current().markHostWritten(d);
        return dx;
    }

    @Override
    public String toString() {
        return "ShortcutA(" + inChannels + "->" + outChannels + ", s" + stride + ")";
    }
}
