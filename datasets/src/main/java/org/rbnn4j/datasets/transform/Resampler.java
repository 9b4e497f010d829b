package org.rbnn4j.datasets.transform;

import org.rbnn4j.datasets.FloatImage;

/**
 * Separable bilinear resampling with antialiasing, the scheme of PIL's {@code BILINEAR} resize (the
 * default of torchvision's {@code Resize} on images): a triangle filter whose support widens with the
 * downscale factor, so shrinking averages over all covered pixels instead of skipping them.
 */
final class Resampler {
    private Resampler() {
    }

    /** Filter taps for one axis: output {@code i} reads {@code count[i]} inputs from {@code start[i]}. */
    private record Taps(int[] start, int[] count, float[] weights, int maxTaps) {
    }

    /** Resizes the region (top, left, h, w) of {@code in} to {@code outH x outW}. */
    static FloatImage resize(FloatImage in, int top, int left, int h, int w, int outH, int outW) {
        if (outH <= 0 || outW <= 0 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        int c = in.channels();
        int iw = in.width();
        int ih = in.height();
        float[] src = in.data();
        Taps tx = taps(w, outW);
        Taps ty = taps(h, outH);
        // Horizontal pass over the h rows of the region, then vertical pass.
        float[] mid = new float[c * h * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int srcRow = (ch * ih + top + y) * iw + left;
                int dstRow = (ch * h + y) * outW;
                for (int x = 0; x < outW; x++) {
                    int s = tx.start[x];
                    int n = tx.count[x];
                    int wo = x * tx.maxTaps;
                    float acc = 0f;
                    for (int k = 0; k < n; k++) {
                        acc += src[srcRow + s + k] * tx.weights[wo + k];
                    }
                    mid[dstRow + x] = acc;
                }
            }
        }
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                int s = ty.start[y];
                int n = ty.count[y];
                int wo = y * ty.maxTaps;
                int dstRow = (ch * outH + y) * outW;
                for (int k = 0; k < n; k++) {
                    float wk = ty.weights[wo + k];
                    int midRow = (ch * h + s + k) * outW;
                    for (int x = 0; x < outW; x++) {
                        out[dstRow + x] += mid[midRow + x] * wk;
                    }
                }
            }
        }
        return new FloatImage(c, outH, outW, out);
    }

    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // triangle filter of radius 1, widened when shrinking
        int maxTaps = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        float[] weights = new float[outSize * maxTaps];
        double[] tmp = new double[maxTaps];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            int n = Math.min(xmax - xmin, maxTaps);
            double sum = 0;
            for (int k = 0; k < n; k++) {
                double t = Math.abs((xmin + k - center + 0.5) / filterScale);
                double wgt = t < 1 ? 1 - t : 0;
                tmp[k] = wgt;
                sum += wgt;
            }
            for (int k = 0; k < n; k++) {
                weights[i * maxTaps + k] = (float) (sum == 0 ? 0 : tmp[k] / sum);
            }
            start[i] = xmin;
            count[i] = n;
        }
        return new Taps(start, count, weights, maxTaps);
    }
}
