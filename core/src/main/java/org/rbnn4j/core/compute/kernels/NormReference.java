package org.rbnn4j.core.compute.kernels;

/** Scalar reference kernels of batch normalisation over {@code [n, c, hw]}, one channel per call. */
public final class NormReference {
    private NormReference() {
    }

    /** Mean of channel {@code ch}. */
    public static float channelMean(float[] x, int n, int c, int hw, int ch) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int base = (i * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                sum += x[base + p];
            }
        }
        return (float) (sum / ((double) n * hw));
    }

    /** Biased variance of channel {@code ch} around {@code mean}. */
    public static float channelVariance(float[] x, int n, int c, int hw, int ch, float mean) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int base = (i * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                double d = x[base + p] - mean;
                sum += d * d;
            }
        }
        return (float) (sum / ((double) n * hw));
    }

    /**
     * Backward of {@code y = gamma * xhat + beta} for channel {@code ch}: accumulates dgamma/dbeta and writes
     * {@code dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))}.
     */
    public static void channelBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma, float[] invStd,
                                       float[] dgamma, float[] dbeta, float[] dx, int ch) {
        double sumDy = 0;
        double sumDyXhat = 0;
        for (int i = 0; i < n; i++) {
            int base = (i * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                sumDy += dy[base + p];
                sumDyXhat += (double) dy[base + p] * xhat[base + p];
            }
        }
        dgamma[ch] += (float) sumDyXhat;
        dbeta[ch] += (float) sumDy;
        float m = (float) n * hw;
        float meanDy = (float) sumDy;
        float meanDyXhat = (float) sumDyXhat;
        for (int i = 0; i < n; i++) {
            int base = (i * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                dx[base + p] = inputGradientAt(dy[base + p], xhat[base + p], gamma[ch], invStd[ch], m, meanDy,
                        meanDyXhat);
            }
        }
    }

    /**
     * One element of the input gradient: {@code gamma * invStd / M * (M * dy - sumDy - xhat * sumDyXhat)} for a channel
     * of {@code M} values whose sums of {@code dy} and {@code dy * xhat}, rounded to float, are given.
     */
    public static float inputGradientAt(float dy, float xhat, float gamma, float invStd, float m, float sumDy,
                                        float sumDyXhat) {
        float k = gamma * invStd / m;
        return k * (m * dy - sumDy - xhat * sumDyXhat);
    }
}
