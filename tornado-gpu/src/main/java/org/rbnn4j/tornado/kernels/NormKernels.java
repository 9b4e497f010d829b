package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.NormReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Per-channel kernels of batch normalisation over {@code [n, c, hw]} ({@code dims = {n, c, hw}}).
 *
 * <p>The reductions follow {@code NormReference} but in two levels instead of one running sum: one work item per
 * (channel, sample) sums that sample's {@code hw} values in double, then one work item per channel adds the
 * {@code n} partial sums in sample order. The terms and their double precision are the reference's; only the
 * grouping of the double additions differs, far below float resolution. (Not {@code @Reduce}: TornadoVM's reductions
 * give wrong sums on PoCL for many sizes.) Partial sums are indexed {@code ch * n + i}.
 */
public final class NormKernels {
    public static final int N = 0;
    public static final int C = 1;
    public static final int HW = 2;
    /**
     * Where {@code x} (or {@code dy} of {@link #sampleGradientSums}) starts in its array, where the float output of
     * {@link #channelAverages} goes, where the {@code mean} of {@link #sampleSquaredDeviations} and the {@code xhat} of
     * {@link #sampleGradientSums} start: 0 for the staged operations, offsets into one device arena for the resident
     * backend.
     */
    public static final int X_OFFSET = 3;
    public static final int OUT_OFFSET = 4;
    public static final int MEAN_OFFSET = 5;
    public static final int XHAT_OFFSET = 6;
    /** Length of the {@code dims} array. */
    public static final int DIMS = 7;

    private NormKernels() {
    }

    /** {@code partial[ch*n + i] = sum_p x[i, ch, p]}; grid {@code c*n}. */
    public static void sampleSums(float[] x, double[] partial, int[] dims) {
        int n = dims[N];
        int c = dims[C];
        int hw = dims[HW];
        int total = c * n;
        int xOff = dims[X_OFFSET];
        for (@Parallel int t = 0; t < total; t++) {
            int ch = t / n;
            int i = t % n;
            int base = xOff + (i * c + ch) * hw;
            double sum = 0;
            for (int p = 0; p < hw; p++) {
                sum += x[base + p];
            }
            partial[t] = sum;
        }
    }

    /** {@code partial[ch*n + i] = sum_p (x[i, ch, p] - mean[ch])^2}, the difference taken in float as the reference; grid {@code c*n}. */
    public static void sampleSquaredDeviations(float[] x, float[] mean, double[] partial, int[] dims) {
        int n = dims[N];
        int c = dims[C];
        int hw = dims[HW];
        int total = c * n;
        int xOff = dims[X_OFFSET];
        int meanOff = dims[MEAN_OFFSET];
        for (@Parallel int t = 0; t < total; t++) {
            int ch = t / n;
            int i = t % n;
            int base = xOff + (i * c + ch) * hw;
            float m = mean[meanOff + ch];
            double sum = 0;
            for (int p = 0; p < hw; p++) {
                double d = x[base + p] - m;
                sum += d * d;
            }
            partial[t] = sum;
        }
    }

    /** {@code out[ch] = (float) (sum_i partial[ch*n + i] / (n*hw))}: the mean or the biased variance; grid {@code c}. */
    public static void channelAverages(double[] partial, float[] out, int[] dims) {
        int n = dims[N];
        int c = dims[C];
        int hw = dims[HW];
        int outOff = dims[OUT_OFFSET];
        for (@Parallel int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += partial[ch * n + i];
            }
            out[outOff + ch] = (float) (sum / ((double) n * hw));
        }
    }

    /** {@code y[i, ch, p] = x[i, ch, p] * scale[ch] + shift[ch]}; grid {@code n*c*hw}. */
    public static void channelAffine(float[] x, float[] scale, float[] shift, float[] y, int[] dims) {
        int c = dims[C];
        int hw = dims[HW];
        int total = dims[N] * c * hw;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int ch = (idx / hw) % c;
            y[idx] = x[idx] * scale[ch] + shift[ch];
        }
    }

    /** {@code sumDy[ch*n + i] = sum_p dy}, {@code sumDyXhat[ch*n + i] = sum_p dy * xhat} (double); grid {@code c*n}. */
    public static void sampleGradientSums(float[] dy, float[] xhat, double[] sumDy, double[] sumDyXhat, int[] dims) {
        int n = dims[N];
        int c = dims[C];
        int hw = dims[HW];
        int total = c * n;
        int dyOff = dims[X_OFFSET];
        int xhatOff = dims[XHAT_OFFSET];
        for (@Parallel int t = 0; t < total; t++) {
            int ch = t / n;
            int i = t % n;
            int base = (i * c + ch) * hw;
            double s = 0;
            double sx = 0;
            for (int p = 0; p < hw; p++) {
                float g = dy[dyOff + base + p];
                s += g;
                sx += (double) g * xhat[xhatOff + base + p];
            }
            sumDy[t] = s;
            sumDyXhat[t] = sx;
        }
    }

    /**
     * Per channel: adds the sample sums, accumulates {@code dgamma += sum(dy*xhat)}, {@code dbeta += sum(dy)} and keeps
     * both sums as float in {@code sums[2*ch]}, {@code sums[2*ch+1]} for {@link #batchNormInputGradient}; grid {@code c}.
     */
    public static void channelGradientSums(double[] sumDy, double[] sumDyXhat, float[] dgamma, float[] dbeta, float[] sums,
                                           int[] dims) {
        int n = dims[N];
        int c = dims[C];
        for (@Parallel int ch = 0; ch < c; ch++) {
            double s = 0;
            double sx = 0;
            for (int i = 0; i < n; i++) {
                s += sumDy[ch * n + i];
                sx += sumDyXhat[ch * n + i];
            }
            dgamma[ch] += (float) sx;
            dbeta[ch] += (float) s;
            sums[2 * ch] = (float) s;
            sums[2 * ch + 1] = (float) sx;
        }
    }

    /** {@code dx = gamma * invStd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))}, as the reference; grid {@code n*c*hw}. */
    public static void batchNormInputGradient(float[] dy, float[] xhat, float[] gamma, float[] invStd, float[] sums,
                                              float[] dx, int[] dims) {
        int n = dims[N];
        int c = dims[C];
        int hw = dims[HW];
        float m = (float) n * hw;
        int total = n * c * hw;
        for (@Parallel int idx = 0; idx < total; idx++) {
            int ch = (idx / hw) % c;
            dx[idx] = NormReference.inputGradientAt(dy[idx], xhat[idx], gamma[ch], invStd[ch], m, sums[2 * ch],
                    sums[2 * ch + 1]);
        }
    }
}
