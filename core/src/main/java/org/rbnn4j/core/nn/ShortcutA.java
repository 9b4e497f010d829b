package org.rbnn4j.core.nn;

import org.rbnn4j.core.compute.Backends;
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
        Backends.current().padSubsample(x.data(), n, inChannels, h, w, outChannels, padFront, stride, y.data());
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
        Tensor dx = inputGrad.get(input.shape());
        Backends.current().padSubsampleBackward(gradOutput.data(), n, inChannels, h, w, outChannels, padFront, stride,
                dx.data());
        return dx;
    }

    @Override
    public String toString() {
        return "ShortcutA(" + inChannels + "->" + outChannels + ", s" + stride + ")";
    }
}
