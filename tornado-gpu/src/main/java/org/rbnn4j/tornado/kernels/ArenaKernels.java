package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.ChannelReference;
import org.rbnn4j.core.compute.kernels.ElementwiseReference;
import org.rbnn4j.core.compute.kernels.NormReference;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.core.compute.kernels.StandardisationReference;
import org.rbnn4j.core.rbnn.BlendKernels;
import org.rbnn4j.core.rbnn.SignGradientKernels;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Kernels over the resident arena of {@code org.rbnn4j.tornado.resident.DeviceArena}: one device buffer holding every
 * array at its region's offset. {@code args} holds the offsets and sizes of one call (documented per kernel),
 * {@code scalars} its float parameters; the per-element arithmetic is the reference's ({@code ElementwiseReference},
 * and for the channel scale {@code ChannelReference.scaleAt}'s one product).
 *
 * <p>Why copies of some staged kernels instead of the staged kernels with offsets (as the convolution and the batch
 * statistics use): passing the arena as several <em>written</em> parameters of one task hangs TornadoVM 5.2 (seen on
 * PoCL with the standardisation, arena as xhat, signs and invStd, and with BatchNorm's channel gradient sums); one
 * written alias (the convolution's output) works. So a kernel that writes several regions takes the arena once.
 */
public final class ArenaKernels {
    private ArenaKernels() {
    }

    /** The task of the graph that first sends the arena: leaves it as it is. */
    public static void keep(float[] arena) {
        for (@Parallel int i = 0; i < 1; i++) {
            arena[i] = arena[i];
        }
    }

    /** {@code arena[args[0] + i] = staging[i]}, {@code i < args[1]}. */
    public static void copyIn(float[] staging, float[] arena, int[] args) {
        int off = args[0];
        int len = args[1];
        for (@Parallel int i = 0; i < len; i++) {
            arena[off + i] = staging[i];
        }
    }

    /** {@code staging[i] = arena[args[0] + i]}, {@code i < args[1]}. */
    public static void copyOut(float[] arena, float[] staging, int[] args) {
        int off = args[0];
        int len = args[1];
        for (@Parallel int i = 0; i < len; i++) {
            staging[i] = arena[off + i];
        }
    }

    /** {@code args = {x, y, length}}: {@code y = hardtanh(x)}. */
    public static void hardtanhForward(float[] arena, int[] args) {
        int x = args[0];
        int y = args[1];
        int len = args[2];
        for (@Parallel int i = 0; i < len; i++) {
            arena[y + i] = ElementwiseReference.hardtanh(arena[x + i]);
        }
    }

    /** {@code args = {x, dy, dx, length}}: {@code dx = dy} on {@code [-1, 1]}, else 0. */
    public static void hardtanhBackward(float[] arena, int[] args) {
        int x = args[0];
        int dy = args[1];
        int dx = args[2];
        int len = args[3];
        for (@Parallel int i = 0; i < len; i++) {
            arena[dx + i] = ElementwiseReference.hardtanhGrad(arena[x + i], arena[dy + i]);
        }
    }

    /** {@code args = {x, y, z, length}}: {@code z = x + y}. */
    public static void add(float[] arena, int[] args) {
        int x = args[0];
        int y = args[1];
        int z = args[2];
        int len = args[3];
        for (@Parallel int i = 0; i < len; i++) {
            arena[z + i] = arena[x + i] + arena[y + i];
        }
    }

    /** {@code args = {x, scale, y, n * c * hw, c, hw}}: {@code y = x * scale[ch]}. */
    public static void channelScale(float[] arena, int[] args) {
        int x = args[0];
        int scale = args[1];
        int y = args[2];
        int size = args[3];
        int c = args[4];
        int hw = args[5];
        for (@Parallel int i = 0; i < size; i++) {
            arena[y + i] = arena[x + i] * arena[scale + (i / hw) % c];
        }
    }

    /**
     * {@code args = {x, scale, shift, y, n * c * hw, c, hw}}: {@code y = x * scale[ch] + shift[ch]}, the expression of
     * {@link NormKernels#channelAffine}.
     */
    public static void channelAffine(float[] arena, int[] args) {
        int x = args[0];
        int scale = args[1];
        int shift = args[2];
        int y = args[3];
        int size = args[4];
        int c = args[5];
        int hw = args[6];
        for (@Parallel int i = 0; i < size; i++) {
            int ch = (i / hw) % c;
            arena[y + i] = arena[x + i] * arena[scale + ch] + arena[shift + ch];
        }
    }

    /** {@code args = {x, y, n, cin, h, w, cout, padFront, stride}}: the option-A shortcut, one item per output. */
    public static void padSubsample(float[] arena, int[] args) {
        int x = args[0];
        int y = args[1];
        int cin = args[3];
        int h = args[4];
        int w = args[5];
        int cout = args[6];
        int stride = args[8];
        int size = args[2] * cout * ((h + stride - 1) / stride) * ((w + stride - 1) / stride);
        for (@Parallel int i = 0; i < size; i++) {
            arena[y + i] = ChannelReference.padSubsampleAt(arena, x, cin, h, w, cout, args[7], stride, i);
        }
    }

    /** {@code args = {dy, dx, n, cin, h, w, cout, padFront, stride}}: the shortcut's gradient, one item per input. */
    public static void padSubsampleGrad(float[] arena, int[] args) {
        int dy = args[0];
        int dx = args[1];
        int cin = args[3];
        int h = args[4];
        int w = args[5];
        int size = args[2] * cin * h * w;
        for (@Parallel int i = 0; i < size; i++) {
            arena[dx + i] = ChannelReference.padSubsampleGradAt(arena, dy, cin, h, w, args[6], args[7], args[8], i);
        }
    }

    /** {@code args = {x, y, planes, hw}}: {@code y[p]} = mean of plane {@code p}, one item per plane. */
    public static void globalAvgPool(float[] arena, int[] args) {
        int x = args[0];
        int y = args[1];
        int planes = args[2];
        int hw = args[3];
        for (@Parallel int p = 0; p < planes; p++) {
            arena[y + p] = PoolingReference.globalAvgAt(arena, x + p * hw, hw);
        }
    }

    /** {@code args = {dy, dx, planes, hw}}: {@code dx[i] = dy[plane of i] / hw}. */
    public static void globalAvgPoolBackward(float[] arena, int[] args) {
        int dy = args[0];
        int dx = args[1];
        int hw = args[3];
        int total = args[2] * hw;
        for (@Parallel int i = 0; i < total; i++) {
            arena[dx + i] = PoolingReference.globalAvgGradAt(arena[dy + i / hw], hw);
        }
    }

    /**
     * {@code args = {x, xhat, signs, invStd, runs, len, writeXhat, writeSigns}}: {@link StandardisationKernels#standardise}
     * on regions, one item per run.
     */
    public static void standardise(float[] arena, int[] args) {
        int x = args[0];
        int xhat = args[1];
        int signs = args[2];
        int invStd = args[3];
        int runs = args[4];
        int len = args[5];
        boolean writeXhat = args[6] != 0;
        boolean writeSigns = args[7] != 0;
        for (@Parallel int r = 0; r < runs; r++) {
            int off = r * len;
            float mean = StandardisationReference.mean(arena, x + off, len);
            float inv = StandardisationReference.invStd(arena, x + off, len, mean);
            arena[invStd + r] = inv;
            for (int i = 0; i < len; i++) {
                float v = (arena[x + off + i] - mean) * inv;
                if (writeXhat) {
                    arena[xhat + off + i] = v;
                }
                if (writeSigns) {
                    arena[signs + off + i] = ElementwiseReference.sign(v);
                }
            }
        }
    }

    /**
     * {@code args = {xhat, invStd, grad, runs, len}}, {@code scalars = {peak, slope, scale}}:
     * {@link StandardisationKernels#signBackward} on regions, one item per run.
     */
    public static void signBackward(float[] arena, int[] args, float[] scalars) {
        int xhat = args[0];
        int invStd = args[1];
        int grad = args[2];
        int runs = args[3];
        int len = args[4];
        float peak = scalars[0];
        float slope = scalars[1];
        float scale = scalars[2];
        for (@Parallel int r = 0; r < runs; r++) {
            int off = r * len;
            StandardisationReference.signBackward(arena, xhat + off, len, arena[invStd + r], peak, slope, scale, arena,
                    grad + off);
        }
    }

    /** {@code args = {a, length}}: {@code a = scalars[0]}. */
    public static void fill(float[] arena, int[] args, float[] scalars) {
        int a = args[0];
        int len = args[1];
        float v = scalars[0];
        for (@Parallel int i = 0; i < len; i++) {
            arena[a + i] = v;
        }
    }

    /** {@code args = {w, g, v, length}}, {@code scalars = {lr, momentum, weightDecay}}: one SGD step. */
    public static void sgd(float[] arena, int[] args, float[] scalars) {
        int w = args[0];
        int g = args[1];
        int v = args[2];
        int len = args[3];
        float lr = scalars[0];
        float momentum = scalars[1];
        float weightDecay = scalars[2];
        for (@Parallel int i = 0; i < len; i++) {
            float wi = arena[w + i];
            float vel = ElementwiseReference.sgdVelocity(wi, arena[g + i], arena[v + i], momentum, weightDecay);
            arena[v + i] = vel;
            arena[w + i] = ElementwiseReference.sgdWeight(wi, vel, lr);
        }
    }

    /**
     * {@code args = {x, dy, n, c, hw}}: {@code sums[plane] = sum x * dy} over each of the {@code n * c} planes, one
     * item per plane ({@code ChannelReference.dot}, the channel scale's gradient before its per-channel sums).
     */
    public static void planeDots(float[] arena, double[] sums, int[] args) {
        int x = args[0];
        int dy = args[1];
        int hw = args[4];
        int planes = args[2] * args[3];
        for (@Parallel int plane = 0; plane < planes; plane++) {
            sums[plane] = ChannelReference.dot(arena, x + plane * hw, arena, dy + plane * hw, hw);
        }
    }

    /** {@code args = {grad, n, c}}: {@code grad[ch] += (float) sum_i sums[i * c + ch]}, one item per channel. */
    public static void addPlaneSums(double[] sums, float[] arena, int[] args) {
        int grad = args[0];
        int n = args[1];
        int c = args[2];
        for (@Parallel int ch = 0; ch < c; ch++) {
            arena[grad + ch] += (float) ChannelReference.channelPlaneSum(sums, n, c, ch);
        }
    }

    /**
     * {@code args = {dgamma, dbeta, sums, n, c}}: {@link NormKernels#channelGradientSums} with the arena taken once
     * (it writes three regions): per channel, the sample sums of {@code dy} and {@code dy * xhat} added in sample
     * order, accumulated into {@code dgamma}, {@code dbeta} and kept as floats in {@code sums[2ch]}, {@code sums[2ch+1]}.
     */
    public static void batchNormGradientSums(double[] sumDy, double[] sumDyXhat, float[] arena, int[] args) {
        int dgamma = args[0];
        int dbeta = args[1];
        int out = args[2];
        int n = args[3];
        int c = args[4];
        for (@Parallel int ch = 0; ch < c; ch++) {
            double s = 0;
            double sx = 0;
            for (int i = 0; i < n; i++) {
                s += sumDy[ch * n + i];
                sx += sumDyXhat[ch * n + i];
            }
            arena[dgamma + ch] += (float) sx;
            arena[dbeta + ch] += (float) s;
            arena[out + 2 * ch] = (float) s;
            arena[out + 2 * ch + 1] = (float) sx;
        }
    }

    /**
     * {@code args = {dy, xhat, gamma, invStd, sums, dx, n, c, hw}}: BatchNorm's input gradient
     * ({@code NormReference.inputGradientAt}) with the channel sums of {@link #batchNormGradientSums}.
     */
    public static void batchNormInputGradient(float[] arena, int[] args) {
        int dy = args[0];
        int xhat = args[1];
        int gamma = args[2];
        int invStd = args[3];
        int sums = args[4];
        int dx = args[5];
        int c = args[7];
        int hw = args[8];
        int total = args[6] * c * hw;
        float m = (float) args[6] * hw;
        for (@Parallel int i = 0; i < total; i++) {
            int ch = (i / hw) % c;
            arena[dx + i] = NormReference.inputGradientAt(arena[dy + i], arena[xhat + i], arena[gamma + ch],
                    arena[invStd + ch], m, arena[sums + 2 * ch], arena[sums + 2 * ch + 1]);
        }
    }

    /**
     * {@code args = {mean, variance, invStd, shift, runningMean, runningVar, c}}, {@code doubles = {eps, factor,
     * unbias}}: BatchNorm's per-channel step after the batch statistics ({@code ChannelReference.batchNormStatistics}),
     * one item per channel.
     */
    public static void batchNormStatistics(float[] arena, int[] args, double[] doubles) {
        int mean = args[0];
        int variance = args[1];
        int invStd = args[2];
        int shift = args[3];
        int runningMean = args[4];
        int runningVar = args[5];
        int c = args[6];
        double eps = doubles[0];
        double factor = doubles[1];
        double unbias = doubles[2];
        for (@Parallel int ch = 0; ch < c; ch++) {
            float m = arena[mean + ch];
            float v = arena[variance + ch];
            float inv = ChannelReference.invStd(v, eps);
            arena[invStd + ch] = inv;
            arena[shift + ch] = -m * inv;
            arena[runningMean + ch] = ChannelReference.runningMean(arena[runningMean + ch], m, factor);
            arena[runningVar + ch] = ChannelReference.runningVariance(arena[runningVar + ch], v, factor, unbias);
        }
    }

    /**
     * {@code args = {standardised, rotated, theta, blend, blended, signs, filters, len}} ({@code rotated} and
     * {@code theta} -1 without rotation): a binary layer's blend and binarisation ({@code BlendKernels.blendAndSign}),
     * one item per weight; the first weight of each filter also writes its {@code blend}. Every item computes its
     * filter's {@code |sin theta|} itself: one sine per weight costs less than a second launch (a per-filter kernel
     * first) on a device where a launch is a TornadoVM graph execution, and a per-filter loop would leave a GPU idle.
     */
    public static void blendAndSign(float[] arena, int[] args) {
        int standardised = args[0];
        int rotated = args[1];
        int theta = args[2];
        int blend = args[3];
        int blended = args[4];
        int signs = args[5];
        int len = args[7];
        int total = args[6] * len;
        for (@Parallel int i = 0; i < total; i++) {
            int j = i / len;
            float w2 = arena[standardised + i];
            float v = w2;
            float s = 0f;
            if (rotated >= 0) {
                s = BlendKernels.blend(arena[theta + j]);
                v = BlendKernels.blendAt(w2, arena[rotated + i], s);
            }
            if (i == j * len) {
                arena[blend + j] = s;
            }
            arena[blended + i] = v;
            arena[signs + i] = ElementwiseReference.sign(v);
        }
    }

    /**
     * {@code args = {grad, blended, standardised, rotated, blend, theta, invStd, thetaGrad, weightGrad, filters, len,
     * surrogate}} ({@code rotated}, {@code theta}, {@code thetaGrad} -1 where absent; {@code surrogate} the
     * {@code SignGradient} ordinal), {@code scalars = {peak, tSquared, t, k}}: {@code BlendKernels.blendBackward}, one
     * item per filter (its sums run over the filter's weights in order).
     */
    public static void blendBackward(float[] arena, int[] args, float[] scalars) {
        int grad = args[0];
        int blended = args[1];
        int standardised = args[2];
        int rotated = args[3];
        int blend = args[4];
        int theta = args[5];
        int invStd = args[6];
        int thetaGrad = args[7];
        int weightGrad = args[8];
        int filters = args[9];
        int len = args[10];
        int surrogate = args[11];
        float peak = scalars[0];
        float tSquared = scalars[1];
        float t = scalars[2];
        float k = scalars[3];
        for (@Parallel int j = 0; j < filters; j++) {
            int off = j * len;
            for (int i = 0; i < len; i++) {
                float d = SignGradientKernels.derivative(surrogate, arena[blended + off + i], peak, tSquared, t, k);
                arena[grad + off + i] = arena[grad + off + i] * d;
            }
            if (rotated >= 0) {
                float s = arena[blend + j];
                if (thetaGrad >= 0) {
                    double sum = 0;
                    for (int i = 0; i < len; i++) {
                        sum += (double) arena[grad + off + i] * (arena[rotated + off + i] - arena[standardised + off + i]);
                    }
                    arena[thetaGrad + j] += BlendKernels.thetaGradient(sum, arena[theta + j]);
                }
                for (int i = 0; i < len; i++) {
                    float gi = arena[grad + off + i];
                    arena[grad + off + i] = gi - s * gi;
                }
            }
            StandardisationReference.backward(arena, grad + off, arena, standardised + off, len, arena[invStd + j],
                    arena, grad + off);
            for (int i = 0; i < len; i++) {
                arena[weightGrad + off + i] += arena[grad + off + i];
            }
        }
    }

    /** {@code args = {y, bias, n * c * hw, c, hw}}: {@code y += bias[ch]}, one item per element. */
    public static void addChannelBias(float[] arena, int[] args) {
        int y = args[0];
        int bias = args[1];
        int size = args[2];
        int c = args[3];
        int hw = args[4];
        for (@Parallel int i = 0; i < size; i++) {
            arena[y + i] = arena[y + i] + arena[bias + (i / hw) % c];
        }
    }

    /** {@code args = {x, sums, n, c, hw}}: {@code sums[ch] += (float) ChannelReference.channelSum}, one item per channel. */
    public static void accumulateChannelSums(float[] arena, int[] args) {
        int x = args[0];
        int sums = args[1];
        int n = args[2];
        int c = args[3];
        int hw = args[4];
        for (@Parallel int ch = 0; ch < c; ch++) {
            arena[sums + ch] += (float) ChannelReference.channelSum(arena, x, n, c, hw, ch);
        }
    }
}
