package org.rbnn4j.core.compute.kernels;

/**
 * Scalar reference kernels of per-channel maps over {@code [n, c, hw]} tensors (a layer's scale {@code alpha}, a bias)
 * and of batch normalisation's per-channel statistics, written in the style device kernels compile: static methods
 * over primitive arrays and indices, one plane, channel or element per call.
 */
public final class ChannelReference {
    private ChannelReference() {
    }

    /** {@code y = x * scale[ch]} over plane {@code plane} ({@code = image * c + ch}) of {@code hw} values. */
    public static void scalePlane(float[] x, int c, int hw, float[] scale, float[] y, int plane) {
        int base = plane * hw;
        float s = scale[plane % c];
        for (int p = 0; p < hw; p++) {
            y[base + p] = x[base + p] * s;
        }
    }

    /** Element {@code index} of {@link #scalePlane}'s result: {@code x[index] * scale[ch]} (a device kernel's form). */
    public static float scaleAt(float[] x, int c, int hw, float[] scale, int index) {
        return x[index] * scale[(index / hw) % c];
    }

    /**
     * {@code sum x[off + i] * y[off + i]} over {@code len} values, in double, as four interleaved partial sums added in
     * a fixed order (one running sum would make every addition wait for the previous one).
     */
    public static double dot(float[] a, float[] b, int off, int len) {
        return dot(a, off, b, off, len);
    }

    /** {@link #dot(float[], float[], int, int)} of {@code a} from {@code aOff} and {@code b} from {@code bOff}. */
    public static double dot(float[] a, int aOff, float[] b, int bOff, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i <= len - 4; i += 4) {
            int p = aOff + i;
            int q = bOff + i;
            s0 += (double) a[p] * b[q];
            s1 += (double) a[p + 1] * b[q + 1];
            s2 += (double) a[p + 2] * b[q + 2];
            s3 += (double) a[p + 3] * b[q + 3];
        }
        for (; i < len; i++) {
            s0 += (double) a[aOff + i] * b[bOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Backward of {@link #scalePlane} for one plane: returns {@code sum x * dy} over the plane ({@link #dot}) and writes
     * {@code dx = dy * scale[ch]} ({@code dx} may be {@code dy}: the sum is taken first).
     */
    public static double scalePlaneBackward(float[] x, float[] dy, int c, int hw, float[] scale, float[] dx, int plane) {
        int base = plane * hw;
        double sum = dot(x, dy, base, hw);
        float s = scale[plane % c];
        for (int p = 0; p < hw; p++) {
            dx[base + p] = dy[base + p] * s;
        }
        return sum;
    }

    /**
     * {@code grad[ch] += (float) sum_i planeSums[i * c + ch]}: the per-plane sums of {@link #scalePlaneBackward} added
     * per channel in image order (in double), so the result does not depend on how the planes were computed.
     */
    public static void addPlaneSums(double[] planeSums, int n, int c, float[] grad) {
        for (int ch = 0; ch < c; ch++) {
            grad[ch] += (float) channelPlaneSum(planeSums, n, c, ch);
        }
    }

    /** {@code sum_i planeSums[i * c + ch]} in image order: channel {@code ch}'s term of {@link #addPlaneSums}. */
    public static double channelPlaneSum(double[] planeSums, int n, int c, int ch) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += planeSums[i * c + ch];
        }
        return sum;
    }

    /** {@code y += bias[ch]} over plane {@code plane} ({@code = image * c + ch}). */
    public static void addBiasPlane(float[] y, int c, int hw, float[] bias, int plane) {
        int base = plane * hw;
        float v = bias[plane % c];
        for (int p = 0; p < hw; p++) {
            y[base + p] += v;
        }
    }

    /** The sum of channel {@code ch} over all images and positions, in double, images then positions in order. */
    public static double channelSum(float[] x, int n, int c, int hw, int ch) {
        return channelSum(x, 0, n, c, hw, ch);
    }

    /** {@link #channelSum(float[], int, int, int, int)} of the tensor starting at {@code xOff}. */
    public static double channelSum(float[] x, int xOff, int n, int c, int hw, int ch) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int base = xOff + (i * c + ch) * hw;
            for (int p = 0; p < hw; p++) {
                sum += x[base + p];
            }
        }
        return sum;
    }

    /**
     * Training-mode batch normalisation of channel {@code ch} from its batch statistics over {@code count} values:
     * {@code invStd = 1 / sqrt(variance + eps)}, {@code shift = -mean * invStd}, and the running statistics moved by
     * {@code factor} towards the batch's mean and unbiased variance.
     */
    public static void batchNormStatistics(float[] mean, float[] variance, long count, double eps, double factor,
                                           float[] invStd, float[] shift, float[] runningMean, float[] runningVar,
                                           int ch) {
        double unbias = (double) count / (count - 1);
        invStd[ch] = invStd(variance[ch], eps);
        shift[ch] = -mean[ch] * invStd[ch];
        runningMean[ch] = runningMean(runningMean[ch], mean[ch], factor);
        runningVar[ch] = runningVariance(runningVar[ch], variance[ch], factor, unbias);
    }

    /** {@code 1 / sqrt(variance + eps)}, in double, rounded to float. */
    public static float invStd(float variance, double eps) {
        return (float) (1.0 / Math.sqrt(variance + eps));
    }

    /** The running mean's update {@code (1 - factor) running + factor mean}, in double. */
    public static float runningMean(float running, float mean, double factor) {
        return (float) ((1 - factor) * running + factor * mean);
    }

    /** The running variance's update {@code (1 - factor) running + factor variance unbias}, in double. */
    public static float runningVariance(float running, float variance, double factor, double unbias) {
        return (float) ((1 - factor) * running + factor * variance * unbias);
    }

    /**
     * Evaluation-mode batch normalisation of channel {@code ch} as one affine map {@code y = x * scale + shift}:
     * {@code invStd = 1 / sqrt(runningVar + eps)}, {@code scale = gamma * invStd}, {@code shift = beta - runningMean *
     * scale}.
     */
    public static void batchNormEvalAffine(float[] gamma, float[] beta, float[] runningMean, float[] runningVar,
                                           double eps, float[] invStd, float[] scale, float[] shift, int ch) {
        invStd[ch] = (float) (1.0 / Math.sqrt(runningVar[ch] + eps));
        scale[ch] = gamma[ch] * invStd[ch];
        shift[ch] = beta[ch] - runningMean[ch] * scale[ch];
    }

    /**
     * Element {@code index} of {@code y = pad_channels(x[:, :, ::s, ::s])} (ResNet's "option A" shortcut):
     * {@code y[i, co, oy, ox] = x[i, co - padFront, oy * s, ox * s]} for {@code co - padFront} in {@code [0, cin)},
     * else 0; {@code y} is {@code [n, cout, ceil(h / s), ceil(w / s)]}.
     */
    public static float padSubsampleAt(float[] x, int cin, int h, int w, int cout, int padFront, int stride,
                                       int index) {
        return padSubsampleAt(x, 0, cin, h, w, cout, padFront, stride, index);
    }

    /** {@link #padSubsampleAt} of an {@code x} that starts at {@code xOff} (a device arena's region). */
    public static float padSubsampleAt(float[] x, int xOff, int cin, int h, int w, int cout, int padFront, int stride,
                                       int index) {
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        int ox = index % ow;
        int rest = index / ow;
        int oy = rest % oh;
        rest /= oh;
        int ci = rest % cout - padFront;
        int i = rest / cout;
        return ci >= 0 && ci < cin ? x[xOff + ((i * cin + ci) * h + oy * stride) * w + ox * stride] : 0f;
    }

    /**
     * Element {@code index} of the gradient of {@link #padSubsampleAt} with respect to {@code x}
     * ({@code [n, cin, h, w]}): the output gradient at the position that read it, 0 where none did.
     */
    public static float padSubsampleGradAt(float[] dy, int cin, int h, int w, int cout, int padFront, int stride,
                                           int index) {
        return padSubsampleGradAt(dy, 0, cin, h, w, cout, padFront, stride, index);
    }

    /** {@link #padSubsampleGradAt} of a {@code dy} that starts at {@code dyOff} (a device arena's region). */
    public static float padSubsampleGradAt(float[] dy, int dyOff, int cin, int h, int w, int cout, int padFront,
                                           int stride, int index) {
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        int ix = index % w;
        int rest = index / w;
        int iy = rest % h;
        rest /= h;
        int ci = rest % cin;
        int i = rest / cin;
        if (iy % stride != 0 || ix % stride != 0) {
            return 0f;
        }
        return dy[dyOff + ((i * cout + ci + padFront) * oh + iy / stride) * ow + ix / stride];
    }
}
