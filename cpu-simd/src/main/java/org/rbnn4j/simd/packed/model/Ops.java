package org.rbnn4j.simd.packed.model;

import static org.rbnn4j.simd.gemm.GemmBlocking.MR;
import static org.rbnn4j.simd.gemm.GemmBlocking.NR;

import java.util.Arrays;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.core.rbnn.StandardisationKernels;
import org.rbnn4j.simd.SimdBackend;
import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.gemm.NarrowProduct;
import org.rbnn4j.simd.gemm.Packing;
import org.rbnn4j.simd.gemm.Sgemm;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.OutputLayout;
import org.rbnn4j.simd.packed.PackedActivations;
import org.rbnn4j.simd.packed.PackedConv2d;

/**
 * The op kinds a network compiles to. Every float op repeats the arithmetic of the layer it stands for in EVAL mode
 * (same backend call or the same loop in the same order), so that the packed network rounds exactly as the float
 * simulation; only the binary convolution differs in how it computes, and it computes exact integers.
 */
final class Ops {
    private Ops() {
    }

    private abstract static class Unary implements Op {
        final int in;
        final int out;

        Unary(int in, int out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int[] inputs() {
            return new int[] {in};
        }

        @Override
        public int output() {
            return out;
        }
    }

    /** Float convolution (the first layer, float projections, and 1W/32A binary layers with their alpha). */
    static final class FloatConv extends Unary {
        private final ConvGeometry geometry;
        private final float[] weights;
        private final float[] bias;
        private final float[] alpha;

        /** {@code geometry} for one image; {@code bias} and {@code alpha} may be null. */
        FloatConv(int in, int out, ConvGeometry geometry, float[] weights, float[] bias, float[] alpha) {
            super(in, out);
            this.geometry = geometry;
            this.weights = weights;
            this.bias = bias;
            this.alpha = alpha;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] y = ws.buffer(out);
            exec.backend().conv2dForward(geometry.withBatch(n), ws.buffer(in), weights, y);
            int c = geometry.outChannels();
            int plane = geometry.outH() * geometry.outW();
            if (bias != null) {
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        int base = (i * c + ch) * plane;
                        float v = bias[ch];
                        for (int p = 0; p < plane; p++) {
                            y[base + p] += v;
                        }
                    }
                }
            }
            if (alpha != null) {
                scale(y, alpha, n, c, plane);
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new FloatConv(inputs[0], output, geometry, weights, bias, alpha);
        }

        /**
         * Image {@code i} of {@code x} convolved alone (a batch of 1, as the fused steps run it while the output is
         * still in cache) into the workspace's convolution scratch, which it returns; bias and alpha not applied.
         */
        float[] convolveImage(Workspace ws, float[] x, int i, Execution exec) {
            float[] image = ws.imageScratch();
            System.arraycopy(x, i * geometry.inputSize(), image, 0, geometry.inputSize());
            float[] y = ws.convScratch();
            exec.backend().conv2dForward(geometry, image, weights, y);
            return y;
        }

        /** The convolution of one image. */
        ConvGeometry geometry() {
            return geometry;
        }

        float[] weights() {
            return weights;
        }

        /** Whether this is the backend's convolution alone (no bias, no alpha). */
        boolean plain() {
            return bias == null && alpha == null;
        }

        @Override
        public String describe() {
            return (alpha == null ? "conv " : "binary_weight_conv ") + shape(geometry);
        }
    }

    /**
     * Packed binary convolution: {@code sign(x - mean_sample(x))} packed along channels, XNOR/popcount against the
     * packed {@code sign(w3)}, times {@code alpha}. The float model computes {@code sign((x - mean) * invStd)}; with
     * {@code invStd > 0} that is {@code x < mean ? -1 : +1}, and with {@code invStd = 0} (a constant sample) every
     * {@code x} equals the mean, so {@code +1} as well: thresholding at the mean is exact in both cases.
     */
    static final class BinaryConv extends Unary {
        private final PackedConv2d conv;
        private final float[] alpha;
        private final int index;

        BinaryConv(int in, int out, PackedConv2d conv, float[] alpha, int index) {
            super(in, out);
            this.conv = conv;
            this.alpha = alpha;
            this.index = index;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] x = ws.buffer(in);
            float[] y = ws.buffer(out);
            int sample = conv.inChannels() * conv.inH() * conv.inW();
            float[] thresholds = ws.referenceThresholds(n);
            for (int i = 0; i < n; i++) {
                thresholds[i] = StandardisationKernels.mean(x, i * sample, sample);
            }
            PackedActivations packed = ws.packed(index, n, conv.inChannels(), conv.inH(), conv.inW(), conv.padding());
            ActivationPacker.packNchw(x, 0, thresholds, packed);
            if (exec.intraOp() != null) {
                exec.intraOp().forward(conv, packed, y, OutputLayout.NCHW);
            } else {
                conv.forward(packed, y, OutputLayout.NCHW, exec.kernel());
            }
            scale(y, alpha, n, conv.outChannels(), conv.outH() * conv.outW());
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new BinaryConv(inputs[0], output, conv, alpha, index);
        }

        PackedConv2d conv() {
            return conv;
        }

        float[] alpha() {
            return alpha;
        }

        @Override
        public String describe() {
            return "binary_conv " + conv.outChannels() + "x" + conv.inChannels() + "x" + conv.filters().kernelH() + "x"
                    + conv.filters().kernelW() + " in " + conv.inH() + "x" + conv.inW() + " stride " + conv.stride()
                    + " pad " + conv.padding() + " " + conv.border();
        }
    }

    private static void scale(float[] y, float[] alpha, int n, int c, int plane) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                float a = alpha[ch];
                for (int p = 0; p < plane; p++) {
                    y[base + p] *= a;
                }
            }
        }
    }

    private static String shape(ConvGeometry g) {
        return g.outChannels() + "x" + g.inChannels() + "x" + g.kernelH() + "x" + g.kernelW() + " in " + g.inH() + "x"
                + g.inW() + " stride " + g.stride() + " pad " + g.padding();
    }

    /** Evaluation BatchNorm (1d or 2d) as the per-channel affine map the layer itself uses. */
    static final class ChannelAffine extends Unary {
        private final float[] scale;
        private final float[] shift;
        private final int hw;

        ChannelAffine(int in, int out, float[] scale, float[] shift, int hw) {
            super(in, out);
            this.scale = scale;
            this.shift = shift;
            this.hw = hw;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            exec.backend().channelAffine(ws.buffer(in), n, scale.length, hw, scale, shift, ws.buffer(out));
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new ChannelAffine(inputs[0], output, scale, shift, hw);
        }

        float[] scale() {
            return scale;
        }

        float[] shift() {
            return shift;
        }

        @Override
        public String describe() {
            return "batchnorm " + scale.length + "x" + hw;
        }
    }

    static final class Hardtanh extends Unary {
        private final int size;

        Hardtanh(int in, int out, int size) {
            super(in, out);
            this.size = size;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            exec.backend().hardtanhForward(ws.buffer(in), ws.buffer(out), n * size);
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new Hardtanh(inputs[0], output, size);
        }

        @Override
        public String describe() {
            return "hardtanh " + size;
        }
    }

    static final class Relu extends Unary {
        private final int size;

        Relu(int in, int out, int size) {
            super(in, out);
            this.size = size;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] x = ws.buffer(in);
            float[] y = ws.buffer(out);
            for (int i = 0; i < n * size; i++) {
                y[i] = x[i] <= 0f ? 0f : x[i];
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new Relu(inputs[0], output, size);
        }

        @Override
        public String describe() {
            return "relu " + size;
        }
    }

    static final class Add implements Op {
        private final int a;
        private final int b;
        private final int out;
        private final int size;

        Add(int a, int b, int out, int size) {
            this.a = a;
            this.b = b;
            this.out = out;
            this.size = size;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] x = ws.buffer(a);
            float[] y = ws.buffer(b);
            float[] z = ws.buffer(out);
            for (int i = 0; i < n * size; i++) {
                z[i] = x[i] + y[i];
            }
        }

        @Override
        public int[] inputs() {
            return new int[] {a, b};
        }

        @Override
        public int output() {
            return out;
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new Add(inputs[0], inputs[1], output, size);
        }

        @Override
        public String describe() {
            return "add " + size;
        }
    }

    /** Option-A shortcut: {@code x[:, :, ::s, ::s]} with zero channel planes around it. */
    static final class ShortcutA extends Unary {
        private final int inC;
        private final int outC;
        private final int h;
        private final int w;
        private final int stride;

        ShortcutA(int in, int out, int inC, int outC, int h, int w, int stride) {
            super(in, out);
            this.inC = inC;
            this.outC = outC;
            this.h = h;
            this.w = w;
            this.stride = stride;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] xs = ws.buffer(in);
            float[] ys = ws.buffer(out);
            int oh = (h + stride - 1) / stride;
            int ow = (w + stride - 1) / stride;
            int padFront = (outC - inC) / 2;
            Arrays.fill(ys, 0, n * outC * oh * ow, 0f);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < inC; c++) {
                    int src = (i * inC + c) * h * w;
                    int dst = (i * outC + padFront + c) * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int row = src + oy * stride * w;
                        for (int ox = 0; ox < ow; ox++) {
                            ys[dst++] = xs[row + ox * stride];
                        }
                    }
                }
            }
        }

        int inChannels() {
            return inC;
        }

        int outChannels() {
            return outC;
        }

        int stride() {
            return stride;
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new ShortcutA(inputs[0], output, inC, outC, h, w, stride);
        }

        @Override
        public String describe() {
            return "shortcut_a " + inC + "->" + outC + " in " + h + "x" + w + " stride " + stride;
        }
    }

    static final class MaxPool extends Unary {
        private final int c;
        private final int h;
        private final int w;
        private final int kernel;
        private final int stride;
        private final int padding;
        private final int oh;
        private final int ow;

        MaxPool(int in, int out, int c, int h, int w, int kernel, int stride, int padding, int oh, int ow) {
            super(in, out);
            this.c = c;
            this.h = h;
            this.w = w;
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
            this.oh = oh;
            this.ow = ow;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] xs = ws.buffer(in);
            float[] ys = ws.buffer(out);
            // The float model's MaxPool2d kernel (PoolingReference), so the same value is taken.
            int o = 0;
            for (int plane = 0; plane < n * c; plane++) {
                int base = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        ys[o++] = xs[PoolingReference.maxPoolArgmax(xs, base, h, w, kernel, stride, padding, oy, ox)];
                    }
                }
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new MaxPool(inputs[0], output, c, h, w, kernel, stride, padding, oh, ow);
        }

        int kernel() {
            return kernel;
        }

        int stride() {
            return stride;
        }

        int padding() {
            return padding;
        }

        @Override
        public String describe() {
            return "maxpool " + kernel + " stride " + stride + " pad " + padding + " on " + c + "x" + h + "x" + w;
        }
    }

    static final class AvgPool extends Unary {
        private final int c;
        private final int h;
        private final int w;
        private final int kernel;
        private final int stride;
        private final int oh;
        private final int ow;

        AvgPool(int in, int out, int c, int h, int w, int kernel, int stride, int oh, int ow) {
            super(in, out);
            this.c = c;
            this.h = h;
            this.w = w;
            this.kernel = kernel;
            this.stride = stride;
            this.oh = oh;
            this.ow = ow;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] xs = ws.buffer(in);
            float[] ys = ws.buffer(out);
            float inv = 1f / (kernel * kernel);
            int o = 0;
            for (int plane = 0; plane < n * c; plane++) {
                int base = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float sum = 0f;
                        for (int ky = 0; ky < kernel; ky++) {
                            int row = base + (oy * stride + ky) * w + ox * stride;
                            for (int kx = 0; kx < kernel; kx++) {
                                sum += xs[row + kx];
                            }
                        }
                        ys[o++] = sum * inv;
                    }
                }
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new AvgPool(inputs[0], output, c, h, w, kernel, stride, oh, ow);
        }

        @Override
        public String describe() {
            return "avgpool " + kernel + " stride " + stride + " on " + c + "x" + h + "x" + w;
        }
    }

    static final class GlobalAvgPool extends Unary {
        private final int c;
        private final int hw;

        GlobalAvgPool(int in, int out, int c, int hw) {
            super(in, out);
            this.c = c;
            this.hw = hw;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] xs = ws.buffer(in);
            float[] ys = ws.buffer(out);
            for (int p = 0; p < n * c; p++) {
                float sum = 0f;
                int base = p * hw;
                for (int i = 0; i < hw; i++) {
                    sum += xs[base + i];
                }
                ys[p] = sum / hw;
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new GlobalAvgPool(inputs[0], output, c, hw);
        }

        @Override
        public String describe() {
            return "global_avgpool " + c + "x" + hw;
        }
    }

    static final class ZeroPad extends Unary {
        private final int c;
        private final int h;
        private final int w;
        private final int left;
        private final int top;
        private final int oh;
        private final int ow;

        ZeroPad(int in, int out, int c, int h, int w, int left, int top, int oh, int ow) {
            super(in, out);
            this.c = c;
            this.h = h;
            this.w = w;
            this.left = left;
            this.top = top;
            this.oh = oh;
            this.ow = ow;
        }

        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] xs = ws.buffer(in);
            float[] ys = ws.buffer(out);
            Arrays.fill(ys, 0, n * c * oh * ow, 0f);
            for (int p = 0; p < n * c; p++) {
                for (int r = 0; r < h; r++) {
                    System.arraycopy(xs, (p * h + r) * w, ys, (p * oh + r + top) * ow + left, w);
                }
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new ZeroPad(inputs[0], output, c, h, w, left, top, oh, ow);
        }

        @Override
        public String describe() {
            return "zeropad " + c + "x" + h + "x" + w + " -> " + oh + "x" + ow;
        }
    }

    /**
     * {@code y = x W^T + b} through the backend's SGEMM, as {@code Linear}. The weights are kept transposed
     * ({@code [in, out]}), so the product reads them as they are: with {@code W} itself the GEMM packs its transpose
     * on every call, which for a few images per call (vgg_small: 10 x 8192 weights) cost more than the product.
     */
    static final class Linear extends Unary {
        private final int inFeatures;
        private final int outFeatures;
        private final float[] weight;
        /** {@code weight^T} packed once as the SGEMM's B operand ({@link Packing#packB}). */
        private final float[] packedWeight;
        /** {@code weight^T} for {@link NarrowProduct} when the outputs fit one vector, else null. */
        private final float[] narrowWeight;
        private final float[] bias;

        Linear(int in, int out, int inFeatures, int outFeatures, float[] weight, float[] bias) {
            this(in, out, inFeatures, outFeatures, weight, packWeight(weight, inFeatures, outFeatures), bias);
        }

        private Linear(int in, int out, int inFeatures, int outFeatures, float[] weight, float[] packedWeight,
                       float[] bias) {
            super(in, out);
            this.inFeatures = inFeatures;
            this.outFeatures = outFeatures;
            this.weight = weight;
            this.packedWeight = packedWeight;
            this.narrowWeight = NarrowProduct.fits(outFeatures)
                    ? NarrowProduct.packWeights(weight, inFeatures, outFeatures) : null;
            this.bias = bias;
        }

        private static float[] packWeight(float[] weight, int inFeatures, int outFeatures) {
            float[] packed = new float[(outFeatures + NR - 1) / NR * NR * inFeatures];
            Packing.packB(true, weight, 0, inFeatures, 0, 0, inFeatures, outFeatures, packed, 0, inFeatures * NR);
            return packed;
        }

        /**
         * The products as the float simulation computes them ({@code Linear}'s {@code sgemm(false, true, ...)}): on
         * the SIMD backend by {@link #product} (the same SGEMM on weights packed once), else by the backend's own
         * SGEMM; then the bias.
         */
        @Override
        public void run(Workspace ws, int n, Execution exec) {
            float[] y = ws.buffer(out);
            if (exec.backend() instanceof SimdBackend) {
                product(ws.buffer(in), n, y);
            } else {
                exec.backend().sgemm(false, true, n, outFeatures, inFeatures, 1f, ws.buffer(in), 0, inFeatures, weight,
                        0, inFeatures, 0f, y, 0, outFeatures);
            }
            if (bias != null) {
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < outFeatures; o++) {
                        y[i * outFeatures + o] += bias[o];
                    }
                }
            }
        }

        /**
         * {@code y = x * weight^T} for the {@code n} rows of {@code x}, rounded exactly as {@code Sgemm.multiply}
         * rounds it (same blocking, same kernels), without packing the weights on every call: for 10 classes of
         * 8,192 features that packing took about 12 of the 14 us per image. {@code Sgemm.multiplyPacked} reads A in
         * whole slivers of {@code MR} rows; the rows past the last whole sliver go through a zero-padded copy.
         */
        void product(float[] x, int n, float[] y) {
            if (narrowWeight != null) {
                // A classifier's few outputs: lanes over outputs instead of the SGEMM's 32-wide tile, same floats.
                NarrowProduct.multiply(x, n, inFeatures, outFeatures, narrowWeight, y);
                return;
            }
            int full = n / MR * MR;
            Sgemm.multiplyPacked(full, outFeatures, inFeatures, 1f, x, 0, inFeatures, 1, MR * inFeatures,
                    packedWeight, 0, inFeatures * NR, 0f, y, 0, outFeatures);
            if (full < n) {
                float[] rows = ScratchArrays.get(ScratchArrays.Slot.GEMM_PACKED_A, MR * inFeatures);
                int copied = (n - full) * inFeatures;
                System.arraycopy(x, full * inFeatures, rows, 0, copied);
                Arrays.fill(rows, copied, MR * inFeatures, 0f);
                Sgemm.multiplyPacked(n - full, outFeatures, inFeatures, 1f, rows, 0, inFeatures, 1, MR * inFeatures,
                        packedWeight, 0, inFeatures * NR, 0f, y, full * outFeatures, outFeatures);
            }
        }

        @Override
        public Op withValues(int[] inputs, int output) {
            return new Linear(inputs[0], output, inFeatures, outFeatures, weight, packedWeight, bias);
        }

        @Override
        public String describe() {
            return "linear " + inFeatures + "->" + outFeatures;
        }
    }
}
