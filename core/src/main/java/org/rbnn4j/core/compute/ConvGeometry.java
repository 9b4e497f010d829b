package org.rbnn4j.core.compute;

/**
 * Shape of one 2-D convolution over a batch: input {@code [batch, inChannels, inH, inW]}, weights
 * {@code [outChannels, inChannels, kernelH, kernelW]}, output {@code [batch, outChannels, outH, outW]}.
 *
 * @param padValue value of the padded border taps: 0 for ordinary zero padding, +1 for the one-padding
 *                 variant of binary layers (DESIGN.md §4), where borders cost nothing in packed inference.
 */
public record ConvGeometry(int batch, int inChannels, int inH, int inW, int outChannels,
                           int kernelH, int kernelW, int stride, int padding, float padValue) {

    public ConvGeometry {
        if (batch <= 0 || inChannels <= 0 || inH <= 0 || inW <= 0 || outChannels <= 0
                || kernelH <= 0 || kernelW <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("invalid convolution geometry: " + describe(batch, inChannels, inH, inW,
                    outChannels, kernelH, kernelW, stride, padding));
        }
        if (inH + 2 * padding < kernelH || inW + 2 * padding < kernelW) {
            throw new IllegalArgumentException("kernel larger than padded input: " + describe(batch, inChannels, inH, inW,
                    outChannels, kernelH, kernelW, stride, padding));
        }
    }

    /** Zero-padded square-kernel convolution. */
    public static ConvGeometry of(int batch, int inChannels, int inH, int inW, int outChannels, int kernel, int stride, int padding) {
        return new ConvGeometry(batch, inChannels, inH, inW, outChannels, kernel, kernel, stride, padding, 0f);
    }

    public int outH() {
        return (inH + 2 * padding - kernelH) / stride + 1;
    }

    public int outW() {
        return (inW + 2 * padding - kernelW) / stride + 1;
    }

    /** Length of one filter: {@code inChannels * kernelH * kernelW}, the GEMM reduction dimension. */
    public int patchSize() {
        return inChannels * kernelH * kernelW;
    }

    public int inputSize() {
        return batch * inChannels * inH * inW;
    }

    public int outputSize() {
        return batch * outChannels * outH() * outW();
    }

    public int weightSize() {
        return outChannels * patchSize();
    }

    /** Multiply-accumulates of the forward pass. */
    public long macs() {
        return (long) batch * outChannels * outH() * outW() * patchSize();
    }

    public ConvGeometry withBatch(int newBatch) {
        return new ConvGeometry(newBatch, inChannels, inH, inW, outChannels, kernelH, kernelW, stride, padding, padValue);
    }

    private static String describe(int batch, int inChannels, int inH, int inW, int outChannels, int kh, int kw, int stride, int padding) {
        return "input [" + batch + "," + inChannels + "," + inH + "," + inW + "], " + outChannels + " filters "
                + kh + "x" + kw + ", stride " + stride + ", padding " + padding;
    }
}
