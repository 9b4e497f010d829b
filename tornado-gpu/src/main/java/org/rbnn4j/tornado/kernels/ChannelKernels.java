package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.ChannelReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Per-channel maps over {@code [n, c, hw]} around {@link ChannelReference}: {@code dims = {n, c, hw}} for the scale
 * kernels, {@code {n, cin, h, w, cout, padFront, stride}} for the shortcut's.
 */
public final class ChannelKernels {
    private ChannelKernels() {
    }

    /** {@code y = x * scale[ch]}, one work item per element. */
    public static void scale(float[] x, float[] scale, float[] y, int[] dims) {
        int c = dims[1];
        int hw = dims[2];
        int size = dims[0] * c * hw;
        for (@Parallel int i = 0; i < size; i++) {
            y[i] = ChannelReference.scaleAt(x, c, hw, scale, i);
        }
    }

    /** {@code sums[plane] = sum x * dy} over each plane, one work item per plane (the host adds a channel's planes). */
    public static void planeDots(float[] x, float[] dy, double[] sums, int[] dims) {
        int hw = dims[2];
        int planes = dims[0] * dims[1];
        for (@Parallel int plane = 0; plane < planes; plane++) {
            sums[plane] = ChannelReference.dot(x, dy, plane * hw, hw);
        }
    }

    /** The option-A shortcut, one work item per output element. */
    public static void padSubsample(float[] x, float[] y, int[] dims) {
        int cin = dims[1];
        int h = dims[2];
        int w = dims[3];
        int cout = dims[4];
        int stride = dims[6];
        int size = dims[0] * cout * ((h + stride - 1) / stride) * ((w + stride - 1) / stride);
        for (@Parallel int i = 0; i < size; i++) {
            y[i] = ChannelReference.padSubsampleAt(x, cin, h, w, cout, dims[5], stride, i);
        }
    }

    /** The option-A shortcut's gradient, one work item per input element. */
    public static void padSubsampleGrad(float[] dy, float[] dx, int[] dims) {
        int cin = dims[1];
        int h = dims[2];
        int w = dims[3];
        int size = dims[0] * cin * h * w;
        for (@Parallel int i = 0; i < size; i++) {
            dx[i] = ChannelReference.padSubsampleGradAt(dy, cin, h, w, dims[4], dims[5], dims[6], i);
        }
    }
}
