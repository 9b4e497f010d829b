package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.kernels.ConvReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Direct 2-D convolution (NCHW, weights {@code [Cout, Cin, kh, kw]}): one work item per output element, each the
 * reference's {@code ConvReference.*At} for its index. The shape travels in {@code dims} ({@link #DIMS} values, filled
 * by {@link #describe}); {@code padValue[0]} is the value of padded taps.
 */
public final class ConvKernels {
    public static final int BATCH = 0;
    public static final int IN_CHANNELS = 1;
    public static final int IN_H = 2;
    public static final int IN_W = 3;
    public static final int OUT_CHANNELS = 4;
    public static final int KERNEL_H = 5;
    public static final int KERNEL_W = 6;
    public static final int STRIDE = 7;
    public static final int PADDING = 8;
    public static final int OUT_H = 9;
    public static final int OUT_W = 10;
    /**
     * Where the input ({@code x}, or {@code dy} of the data gradient), the weights ({@code w}, or {@code dw} of the
     * weight gradient) and the output ({@code y}, {@code dx} of the data gradient, {@code dy} of the weight gradient)
     * start in their arrays, and where the weight gradient's per-sample partial sums go: 0 for the staged operations,
     * offsets into one device arena for the resident backend. Read by {@link TiledConvKernels#forward},
     * {@link TiledConvKernels#backwardData}, {@link TiledConvKernels#backwardWeightsPerSample} and {@link #sumSamples}.
     */
    public static final int X_OFFSET = 11;
    public static final int W_OFFSET = 12;
    public static final int Y_OFFSET = 13;
    public static final int PARTIAL_OFFSET = 14;
    /** Length of the {@code dims} array. */
    public static final int DIMS = 15;

    private ConvKernels() {
    }

    /** Writes the convolution shape into {@code dims} in the layout above. */
    public static void describe(ConvGeometry g, int[] dims) {
        dims[BATCH] = g.batch();
        dims[IN_CHANNELS] = g.inChannels();
        dims[IN_H] = g.inH();
        dims[IN_W] = g.inW();
        dims[OUT_CHANNELS] = g.outChannels();
        dims[KERNEL_H] = g.kernelH();
        dims[KERNEL_W] = g.kernelW();
        dims[STRIDE] = g.stride();
        dims[PADDING] = g.padding();
        dims[OUT_H] = g.outH();
        dims[OUT_W] = g.outW();
    }

    /** {@code y[n, co, oy, ox] = ConvReference.forwardAt(...)} for every output element; grid: {@code batch*Cout*oh*ow}. */
    public static void forward(float[] x, float[] w, float[] y, int[] dims, float[] padValue) {
        int cin = dims[IN_CHANNELS];
        int h = dims[IN_H];
        int wd = dims[IN_W];
        int cout = dims[OUT_CHANNELS];
        int kh = dims[KERNEL_H];
        int kw = dims[KERNEL_W];
        int stride = dims[STRIDE];
        int pad = dims[PADDING];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        float pv = padValue[0];
        int total = dims[BATCH] * cout * oh * ow;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int ox = idx % ow;
            int rest = idx / ow;
            int oy = rest % oh;
            rest = rest / oh;
            int co = rest % cout;
            int n = rest / cout;
            y[idx] = ConvReference.forwardAt(x, w, cin, h, wd, kh, kw, stride, pad, pv, n, co, oy, ox);
        }
    }

    /** {@code dx[n, ci, iy, ix] = ConvReference.backwardDataAt(...)} for every input element; grid: {@code batch*Cin*h*w}. */
    public static void backwardData(float[] dy, float[] w, float[] dx, int[] dims) {
        int cin = dims[IN_CHANNELS];
        int h = dims[IN_H];
        int wd = dims[IN_W];
        int cout = dims[OUT_CHANNELS];
        int kh = dims[KERNEL_H];
        int kw = dims[KERNEL_W];
        int stride = dims[STRIDE];
        int pad = dims[PADDING];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        int total = dims[BATCH] * cin * h * wd;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int ix = idx % wd;
            int rest = idx / wd;
            int iy = rest % h;
            rest = rest / h;
            int ci = rest % cin;
            int n = rest / cin;
            dx[idx] = ConvReference.backwardDataAt(dy, w, cin, cout, oh, ow, kh, kw, stride, pad, n, ci, iy, ix);
        }
    }

    /**
     * {@code dw[co, ci, ky, kx] += ConvReference.backwardWeightsAt(...)} for every weight: each work item sums over
     * the whole batch in the reference's order, so the result equals the reference bit for bit on a device without
     * fused multiply-adds, but there are only {@code Cout*Cin*kh*kw} work items (few for a GPU); grid: that count.
     * See {@link #backwardWeightsPerSample} for the parallel form.
     */
    public static void backwardWeights(float[] x, float[] dy, float[] dw, int[] dims, float[] padValue) {
        int batch = dims[BATCH];
        int cin = dims[IN_CHANNELS];
        int h = dims[IN_H];
        int wd = dims[IN_W];
        int cout = dims[OUT_CHANNELS];
        int kh = dims[KERNEL_H];
        int kw = dims[KERNEL_W];
        int stride = dims[STRIDE];
        int pad = dims[PADDING];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        float pv = padValue[0];
        int total = cout * cin * kh * kw;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int kx = idx % kw;
            int rest = idx / kw;
            int ky = rest % kh;
            rest = rest / kh;
            int ci = rest % cin;
            int co = rest / cin;
            dw[idx] += ConvReference.backwardWeightsAt(x, dy, batch, cin, h, wd, cout, oh, ow, stride, pad, pv, co, ci, ky, kx);
        }
    }

    /**
     * First half of the parallel weight gradient: {@code partial[n * W + w]} is the gradient of weight {@code w}
     * ({@code w = ((co*Cin + ci)*kh + ky)*kw + kx}) from sample {@code n} alone: the terms of
     * {@code ConvReference.backwardWeightsAt} for that sample, in its order; {@code W = Cout*Cin*kh*kw} work items per
     * sample (neighbouring work items take neighbouring weights of one sample, so their reads coalesce);
     * {@link #sumSamples} adds the samples. The grouping of the float sum differs from the reference's single running
     * sum, so results differ in the last bits.
     */
    public static void backwardWeightsPerSample(float[] x, float[] dy, float[] partial, int[] dims, float[] padValue) {
        int batch = dims[BATCH];
        int cin = dims[IN_CHANNELS];
        int h = dims[IN_H];
        int wd = dims[IN_W];
        int cout = dims[OUT_CHANNELS];
        int kh = dims[KERNEL_H];
        int kw = dims[KERNEL_W];
        int stride = dims[STRIDE];
        int pad = dims[PADDING];
        int oh = dims[OUT_H];
        int ow = dims[OUT_W];
        float pv = padValue[0];
        int weights = cout * cin * kh * kw;
        int total = weights * batch;
        for (@Parallel int t = 0; t < total; t++) {
            int n = t / weights;
            int idx = t % weights;
            int kx = idx % kw;
            int rest = idx / kw;
            int ky = rest % kh;
            rest = rest / kh;
            int ci = rest % cin;
            int co = rest / cin;
            int dyBase = (n * cout + co) * oh;
            int xBase = (n * cin + ci) * h;
            float sum = 0f;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * stride - pad + ky;
                for (int ox = 0; ox < ow; ox++) {
                    int ix = ox * stride - pad + kx;
                    float v = (iy >= 0 && iy < h && ix >= 0 && ix < wd) ? x[(xBase + iy) * wd + ix] : pv;
                    sum += v * dy[(dyBase + oy) * ow + ox];
                }
            }
            partial[t] = sum;
        }
    }

    /** Second half: {@code dw[w] += sum_n partial[n * W + w]}, samples in order; grid {@code W = Cout*Cin*kh*kw}. */
    public static void sumSamples(float[] partial, float[] dw, int[] dims) {
        int batch = dims[BATCH];
        int weights = dims[OUT_CHANNELS] * dims[IN_CHANNELS] * dims[KERNEL_H] * dims[KERNEL_W];
        int partialOff = dims[PARTIAL_OFFSET];
        int dwOff = dims[W_OFFSET];
        for (@Parallel int w = 0; w < weights; w++) {
            float sum = 0f;
            for (int n = 0; n < batch; n++) {
                sum += partial[partialOff + n * weights + w];
            }
            dw[dwOff + w] += sum;
        }
    }
}
