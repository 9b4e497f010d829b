package org.rbnn4j.simd.packed;

/**
 * The reference packed binary convolution: the definition, one output at a time, with {@link Long#bitCount}.
 *
 * <p>Unlike the vector kernel it does not read the border or use the correction table: padded taps are skipped
 * ({@link BorderMode#ZERO}) or add the tap's weight sum ({@link BorderMode#ONE}), and each inside tap adds
 * {@code Cin - 2 * popcount(a XOR w)}. It is the oracle the fast kernel is tested against and the fallback on CPUs
 * without a vector popcount (one scalar {@code POPCNT} per 64 bit-MACs).
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
        long[] act = in.bits();
        int cin = f.inChannels();
        int cout = f.outChannels();
        int kh = f.kernelH();
        int kw = f.kernelW();
        int words = f.wordsPerPixel();
        int outH = conv.outH();
        int outW = conv.outW();
        int outPixels = outH * outW;
        int coFrom = panelFrom * f.panelWidth();
        int coTo = Math.min(cout, panelTo * f.panelWidth());
        boolean onePadding = conv.border() == BorderMode.ONE;
        for (int p = pixelFrom; p < pixelTo; p++) {
            int n = p / outPixels;
            int pix = p - n * outPixels;
            int oy = pix / outW;
            int ox = pix - oy * outW;
            for (int co = coFrom; co < coTo; co++) {
                int sum = 0;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * conv.stride() - conv.padding() + ky;
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * conv.stride() - conv.padding() + kx;
                        if (iy < 0 || iy >= conv.inH() || ix < 0 || ix >= conv.inW()) {
                            if (onePadding) {
                                sum += f.tapSum(co, ky, kx);
                            }
                            continue;
                        }
                        int a = in.offset(n, iy, ix);
                        int disagree = 0;
                        for (int g = 0; g < words; g++) {
                            disagree += Long.bitCount(act[a + g] ^ f.word(co, ky, kx, g));
                        }
                        sum += cin - 2 * disagree;
                    }
                }
                int m = n - firstImage;
                int idx = layout == OutputLayout.NHWC
                        ? (m * outPixels + pix) * cout + co
                        : (m * cout + co) * outPixels + pix;
                out[idx] = sum;
            }
        }
    }
}
