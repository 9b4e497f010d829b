package org.rbnn4j.core.nn;

import org.rbnn4j.core.tensor.Tensor;

/** Batch normalisation over the channels of an NCHW input {@code [N, C, H, W]} (see {@link BatchNorm}). */
public final class BatchNorm2d extends BatchNorm {

    /** gamma 1, beta 0, eps 1e-5, momentum 0.1: PyTorch's defaults. */
    public BatchNorm2d(int channels) {
        this(channels, 1.0);
    }

    /** With gamma initialised to {@code gammaInit} (ResNet-20 of the reference uses 1e-8). */
    public BatchNorm2d(int channels, double gammaInit) {
        this(channels, gammaInit, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    public BatchNorm2d(int channels, double gammaInit, double eps, double momentum) {
        super(channels, gammaInit, eps, momentum);
    }

    @Override
    protected int valuesPerChannel(Tensor x) {
        Shapes.requireImages(x, channels(), toString());
        return x.dim(2) * x.dim(3);
    }
}
