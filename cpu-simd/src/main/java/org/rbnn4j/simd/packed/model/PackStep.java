package org.rbnn4j.simd.packed.model;

import org.rbnn4j.core.rbnn.StandardisationKernels;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.PackedActivations;

/**
 * Binarises a float value for the binary convolutions that read it: {@code sign(x - mean_sample(x))} packed along
 * channels into one of the workspace's packed buffers, once for all its readers (a block's first convolution and a
 * projection shortcut share it).
 *
 * <p>The per-image mean is {@link StandardisationKernels#mean} over the image in NCHW order, the very call the float
 * layer makes, so the thresholds are equal bit for bit whatever that function's summation order: directly on the
 * NCHW copy of the value where the plan has one, else {@link SampleMean#ofNhwc} on the NHWC one. Why thresholding at
 * the mean is exact: see {@link Ops.BinaryConv}. Packing reads the NHWC copy where there is one (compare masks along
 * channels are the packed words), else the NCHW one.
 */
final class PackStep implements Op {
    private final int nchw;
    private final int nhwc;
    private final int packedId;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * @param nchw     the value's NCHW buffer, or -1
     * @param nhwc     the value's NHWC buffer, or -1 (at least one of the two)
     * @param packedId the packed buffer written
     */
    PackStep(int nchw, int nhwc, int packedId, int channels, int height, int width) {
        if (nchw < 0 && nhwc < 0) {
            throw new IllegalArgumentException("nothing to pack from");
        }
        this.nchw = nchw;
        this.nhwc = nhwc;
        this.packedId = packedId;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    @Override
    public void run(Workspace ws, int n, Execution exec) {
        int hw = height * width;
        int size = channels * hw;
        float[] thresholds = ws.thresholds(packedId);
        if (nchw >= 0) {
            float[] x = ws.buffer(nchw);
            for (int i = 0; i < n; i++) {
                thresholds[i] = StandardisationKernels.mean(x, i * size, size);
            }
        } else {
            float[] x = ws.buffer(nhwc);
            for (int i = 0; i < n; i++) {
                thresholds[i] = SampleMean.ofNhwc(x, i * size, channels, hw);
            }
        }
        PackedActivations dst = ws.packed(packedId);
        if (nhwc >= 0) {
            ActivationPacker.packNhwc(ws.buffer(nhwc), 0, thresholds, dst, n);
        } else {
            ActivationPacker.packNchw(ws.buffer(nchw), 0, thresholds, dst, n);
        }
    }

    @Override
    public int[] inputs() {
        if (nchw >= 0 && nhwc >= 0) {
            return new int[] {nchw, nhwc};
        }
        return new int[] {nchw >= 0 ? nchw : nhwc};
    }

    /** No float value: the result is packed buffer {@link #packedId()}. */
    @Override
    public int output() {
        return -1;
    }

    int packedId() {
        return packedId;
    }

    @Override
    public String describe() {
        return "pack " + channels + "x" + height + "x" + width + " from " + (nhwc >= 0 ? "nhwc" : "nchw")
                + " -> packed " + packedId;
    }
}
