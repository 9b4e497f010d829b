package org.rbnn4j.simd.packed;

/**
 * The reference packed binary convolution: the definition with {@link Long#bitCount}, and the fallback on CPUs
 * without a vector popcount.
 *
 * <p>Unlike the vector kernel it does not read the border or use the correction table: padded taps are skipped
 * ({@link BorderMode#ZERO}) or add the tap's weight sum over input channels ({@link BorderMode#ONE}), and each
 * inside tap adds {@code Cin - 2 * popcount(a XOR w)} summed over its words. For each output pixel the filters of a
 * panel are visited innermost, so that the weights are read contiguously (see {@link PackedFilters}).
 */
final class ScalarBinaryConv {
    private ScalarBinaryConv() {
    }

    /**
     * Computes output pixels {@code [pixelFrom, pixelTo)} (flat index {@code (n * outH + oy) * outW + ox} over the
     * batch) for the filters of panels {@code [panelFrom, panelTo)}, storing image {@code n} as image
     * {@code n - firstImage} of {@code out}.
     */
    static void compute(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                        int panelFrom, int panelTo, float[] out, OutputLayout layout) {
        PackedFilters f = conv.filters();
        int[] act = in.bits();
        int cin = f.inChannels();
        int cout = f.outChannels();
        int kh = f.kernelH();
        int kw = f.kernelW();
        int words = f.wordsPerPixel();
        int panelWidth = f.panelWidth();
        int kWords = f.kWords();
        int outW = conv.outW();
        int outPixels = conv.outH() * outW;
        boolean onePadding = conv.border() == BorderMode.ONE;
        int[] sum = new int[panelWidth];
        for (int p = pixelFrom; p < pixelTo; p++) {
            int n = p / outPixels;
            int pix = p - n * outPixels;
            int oy = pix / outW;
            int ox = pix - oy * outW;
            int m = n - firstImage;
            for (int panel = panelFrom; panel < panelTo; panel++) {
                int co0 = panel * panelWidth;
                int lanes = Math.min(panelWidth, cout - co0);
                java.util.Arrays.fill(sum, 0);
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * conv.stride() - conv.padding() + ky;
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * conv.stride() - conv.padding() + kx;
                        if (iy < 0 || iy >= conv.inH() || ix < 0 || ix >= conv.inW()) {
                            if (onePadding) {
                                for (int l = 0; l < lanes; l++) {
                                    sum[l] += f.tapSum(co0 + l, ky, kx);
                                }
                            }
                            continue;
                        }
                        int a = in.offset(n, iy, ix);
                        int k = (ky * kw + kx) * words;
                        for (int l = 0; l < lanes; l++) {
                            sum[l] += cin;
                        }
                        // 64 channels at a time: two 32-bit channel words of the pixel and of each filter as one long
                        // (the second one 0 past the last word).
                        for (int g = 0; g < words; g += 2) {
                            boolean pair = g + 1 < words;
                            long aw = (act[a + g] & 0xFFFFFFFFL) | (pair ? (long) act[a + g + 1] << 32 : 0L);
                            int w0 = (panel * kWords + k + g) * panelWidth;
                            int w1 = w0 + panelWidth;
                            for (int l = 0; l < panelWidth; l++) {
                                long ww = (f.wordAt(w0 + l) & 0xFFFFFFFFL)
                                        | (pair ? (long) f.wordAt(w1 + l) << 32 : 0L);
                                sum[l] -= 2 * Long.bitCount(aw ^ ww);
                            }
                        }
                    }
                }
                for (int l = 0; l < lanes; l++) {
                    int co = co0 + l;
                    int idx = layout == OutputLayout.NHWC
                            ? (m * outPixels + pix) * cout + co
                            : (m * cout + co) * outPixels + pix;
                    out[idx] = sum[l];
                }
            }
        }
    }

    /**
     * The definition of {@link VectorBinaryConv#computeMax2x2}: each pooled row's two convolution rows by
     * {@link #compute}, then the largest of each 2 x 2 window's four results per filter.
     */
    static void computeMax2x2(PackedConv2d conv, PackedActivations in, int firstImage, int images, int rowFrom,
                              int rowTo, int panelFrom, int panelTo, float[] out, int outOff) {
        int cout = conv.outChannels();
        int outW = conv.outW();
        int outPixels = conv.outH() * outW;
        int pooledW = outW / 2;
        int pooledSize = conv.outH() / 2 * pooledW * cout;
        int c0 = panelFrom * conv.filters().panelWidth();
        int c1 = Math.min(cout, panelTo * conv.filters().panelWidth());
        float[] image = new float[conv.outputSizePerImage()];
        for (int i = 0; i < images; i++) {
            int n = firstImage + i;
            for (int py = rowFrom; py < rowTo; py++) {
                int first = n * outPixels + 2 * py * outW;
                compute(conv, in, n, first, first + 2 * outW, panelFrom, panelTo, image, OutputLayout.NHWC);
                for (int px = 0; px < pooledW; px++) {
                    int tl = (2 * py * outW + 2 * px) * cout;
                    int dst = outOff + i * pooledSize + (py * pooledW + px) * cout;
                    for (int c = c0; c < c1; c++) {
                        float max = Math.max(Math.max(image[tl + c], image[tl + cout + c]),
                                Math.max(image[tl + outW * cout + c], image[tl + (outW + 1) * cout + c]));
                        out[dst + c] = max;
                    }
                }
            }
        }
    }
}
