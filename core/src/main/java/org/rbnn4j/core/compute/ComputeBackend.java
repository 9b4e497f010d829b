package org.rbnn4j.core.compute;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.rbnn4j.core.compute.kernels.ChannelReference;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.core.compute.kernels.StandardisationReference;
import org.rbnn4j.core.rbnn.BlendKernels;
import org.rbnn4j.core.rbnn.RotationKernels;
import org.rbnn4j.core.rbnn.SignGradient;

/**
 * The compute SPI: the heavy operations layers need, over primitive arrays.
 *
 * <p>{@link ScalarBackend} in this module is the reference that defines every operation; faster
 * implementations (Vector API in {@code cpu-simd}, TornadoVM in {@code tornado-gpu}) are found with
 * {@link java.util.ServiceLoader} through {@link ComputeBackendProvider} and tested against it.
 *
 * <p>Layouts are row-major; images are NCHW; convolution weights are {@code [Cout, Cin, kh, kw]}.
 * Methods that "accumulate" add into their output; the others overwrite it.
 *
 * <h2>Residency</h2>
 * A backend with its own memory (a GPU) may keep the newest values of the {@code float[]} and {@code int[]} arrays
 * its operations write in that memory, and read them there in later operations, so that a training step moves only
 * its batch in and its loss out. The host array is then out of date. Code that works on arrays between operations
 * keeps to one protocol, which costs nothing on the CPU backends (where both calls do nothing):
 * <ul>
 *   <li>before host code reads an array an operation may have written: {@link #syncToHost};</li>
 *   <li>after host code wrote an array an operation will read: {@link #markHostWritten} (if it wrote only part of
 *       it, {@link #syncToHost} first);</li>
 *   <li>{@code double[]} results (the rotation correlations) are always written to the host.</li>
 * </ul>
 * {@link #synchronizeHost} brings everything home (checkpoints, the end of training). Tests check the layers keep the
 * protocol with a backend that poisons every host array its device copy is newer than.
 */
public interface ComputeBackend extends AutoCloseable {

    /** Short name used to select the backend ({@code scalar}, {@code simd}, {@code tornado}). */
    String name();

    /** Worker threads this backend uses. */
    int threads();

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, {@code op(A)} is {@code m x k},
     * {@code op(B)} is {@code k x n}. With {@code beta == 0} C is overwritten (never read).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** {@code y = conv2d(x, w)} without bias; overwrites {@code y}. */
    void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] y);

    /** {@code dx = dL/dx} of the convolution; overwrites {@code dx}. Padded taps receive nothing. */
    void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx);

    /** Accumulates {@code dL/dw} of the convolution into {@code dw}. */
    void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw);

    /** Per-channel mean and biased variance of {@code x} viewed as {@code [n, c, hw]}. */
    void channelMeanVariance(float[] x, int n, int c, int hw, float[] mean, float[] variance);

    /** {@code y[i, ch, p] = x[i, ch, p] * scale[ch] + shift[ch]}; {@code y} may be {@code x}. */
    void channelAffine(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y);

    /**
     * The output of training-mode batch normalisation in one pass: {@code xhat = x * scale[ch] + shift[ch]} and
     * {@code y = xhat * gamma[ch] + beta[ch]}, both written, over {@code [n, c, hw]}; exactly the arithmetic of
     * {@link #channelAffine} into {@code xhat}, then from {@code xhat} into {@code y} (the default).
     */
    default void batchNormOutput(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] gamma,
                                 float[] beta, float[] xhat, float[] y) {
        channelAffine(x, n, c, hw, scale, shift, xhat);
        channelAffine(xhat, n, c, hw, gamma, beta, y);
    }

    /**
     * Backward of training-mode batch normalisation {@code y = gamma * xhat + beta} with
     * {@code xhat = (x - mean) * invStd}: accumulates {@code dgamma}, {@code dbeta}, overwrites {@code dx}.
     */
    void batchNormBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma, float[] invStd,
                           float[] dgamma, float[] dbeta, float[] dx);

    /** {@code y = clamp(x, -1, 1)}; {@code y} may be {@code x}. */
    void hardtanhForward(float[] x, float[] y, int length);

    /** {@code dx = dy} where {@code -1 <= x <= 1}, else 0 (PyTorch's boundary convention). */
    void hardtanhBackward(float[] x, float[] dy, float[] dx, int length);

    /**
     * One SGD step with PyTorch semantics: {@code g += wd * w; v = momentum * v + g; w -= lr * v}.
     * {@code g} is not modified.
     */
    void sgdUpdate(float[] w, float[] g, float[] velocity, int length, float lr, float momentum, float weightDecay);

    /**
     * One SGD step of every parameter of an optimiser: {@link #sgdUpdate} of {@code weights[i]}, {@code grads[i]},
     * {@code velocities[i]} (whole arrays) for each {@code i} (the default, in order). A device backend may do it in
     * one launch and keep weights and velocities on its device (see Residency above).
     */
    default void sgdStep(float[][] weights, float[][] grads, float[][] velocities, float lr, float momentum,
                         float weightDecay) {
        for (int i = 0; i < weights.length; i++) {
            sgdUpdate(weights[i], grads[i], velocities[i], weights[i].length, lr, momentum, weightDecay);
        }
    }

    /**
     * Copies back to their host arrays all values this backend keeps newer in device memory (see Residency above),
     * so that the host can read any of them (checkpoints, the end of training). The default has nothing to copy.
     */
    default void synchronizeHost() {
    }

    /**
     * Makes the host arrays hold the newest values of {@code arrays}, which operations of this backend may have
     * written in device memory (see Residency above); arrays it does not know are left as they are. The default has
     * nothing to copy.
     */
    default void syncToHost(float[]... arrays) {
    }

    /**
     * Tells the backend that the host has written {@code arrays}: copies of them in device memory are stale and are
     * replaced from the host before an operation reads them. The default keeps no copies.
     */
    default void markHostWritten(float[]... arrays) {
    }

    /**
     * Max pooling of {@code planes} NCHW planes of {@code h x w} (PyTorch's {@code MaxPool2d(kernel, stride, padding)},
     * floor rounding, padded taps never win): writes {@code y} and, per output, the index into {@code x} of the element
     * it took ({@code argmax}). The default is {@link PoolingReference#maxPoolArgmax} per output.
     */
    default void maxPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, int padding, float[] y,
                                  int[] argmax) {
        PoolingReference.maxPoolPlanes(x, 0, planes, h, w, kernel, stride, padding, y, argmax);
    }

    /**
     * Backward of {@link #maxPool2dForward}: overwrites {@code dx} (the input's shape) with the sum of the output
     * gradients of the outputs that took each element. The default is {@link PoolingReference#maxPoolGradAt}.
     */
    default void maxPool2dBackward(float[] dy, int[] argmax, int planes, int h, int w, int kernel, int stride,
                                   int padding, float[] dx) {
        PoolingReference.maxPoolGradPlanes(dy, argmax, 0, planes, h, w, kernel, stride, padding, dx);
    }

    /**
     * Average pooling without padding ({@code AvgPool2d(kernel, stride)}) of {@code planes} planes of {@code h x w}.
     * The default is {@link PoolingReference#avgPoolAt} per output.
     */
    default void avgPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, float[] y) {
        PoolingReference.avgPoolPlanes(x, 0, planes, h, w, kernel, stride, y);
    }

    /** Backward of {@link #avgPool2dForward}; overwrites {@code dx}. The default is {@link PoolingReference#avgPoolGradAt}. */
    default void avgPool2dBackward(float[] dy, int planes, int h, int w, int kernel, int stride, float[] dx) {
        PoolingReference.avgPoolGradPlanes(dy, 0, planes, h, w, kernel, stride, dx);
    }

    /** {@code y[p]} = mean of plane {@code p} ({@code hw} floats). The default is {@link PoolingReference#globalAvgAt}. */
    default void globalAvgPoolForward(float[] x, int planes, int hw, float[] y) {
        for (int p = 0; p < planes; p++) {
            y[p] = PoolingReference.globalAvgAt(x, p * hw, hw);
        }
    }

    /**
     * Backward of {@link #globalAvgPoolForward}: every element of plane {@code p} gets {@code dy[p] / hw}; overwrites
     * {@code dx}. The default is {@link PoolingReference#globalAvgGradAt}.
     */
    default void globalAvgPoolBackward(float[] dy, int planes, int hw, float[] dx) {
        for (int p = 0; p < planes; p++) {
            float g = PoolingReference.globalAvgGradAt(dy[p], hw);
            Arrays.fill(dx, p * hw, (p + 1) * hw, g);
        }
    }

    /**
     * {@code z = x + y} element-wise (residual connections); {@code z} may be {@code x} or {@code y}. The default adds
     * in fixed chunks of 65,536 elements through {@link #parallelFor}.
     */
    default void add(float[] x, float[] y, float[] z, int length) {
        int chunk = 1 << 16;
        parallelFor((length + chunk - 1) / chunk, c -> {
            int end = Math.min(length, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) {
                z[i] = x[i] + y[i];
            }
        });
    }

    /**
     * {@code y[i, ch, p] = x[i, ch, p] * scale[ch]} over {@code [n, c, hw]} (a binary layer's {@code alpha});
     * {@code y} may be {@code x}. The default is {@link ChannelReference#scalePlane} per plane, images spread over
     * {@link #parallelFor}.
     */
    default void channelScale(float[] x, int n, int c, int hw, float[] scale, float[] y) {
        parallelFor(n, i -> {
            for (int ch = 0; ch < c; ch++) {
                ChannelReference.scalePlane(x, c, hw, scale, y, i * c + ch);
            }
        });
    }

    /**
     * Backward of {@link #channelScale} with input {@code x}: {@code dx = dy * scale[ch]} (overwrites; {@code dx} may
     * be {@code dy}) and {@code scaleGrad[ch] += sum x * dy} over images and positions: one double sum per plane
     * ({@link ChannelReference#scalePlaneBackward}), the planes of a channel added in image order, so the result does not
     * depend on how planes are spread over threads (the default: ranges of planes through {@link #parallelFor}).
     */
    default void channelScaleBackward(float[] x, float[] dy, int n, int c, int hw, float[] scale, float[] scaleGrad,
                                      float[] dx) {
        int planes = n * c;
        double[] sums = new double[planes];
        int tasks = Math.min(planes, 16); // a few ranges per thread; the sums do not depend on the split
        parallelFor(tasks, task -> {
            int end = (int) ((long) planes * (task + 1) / tasks);
            for (int r = (int) ((long) planes * task / tasks); r < end; r++) {
                sums[r] = ChannelReference.scalePlaneBackward(x, dy, c, hw, scale, dx, r);
            }
        });
        ChannelReference.addPlaneSums(sums, n, c, scaleGrad);
    }

    /** {@code y[i, ch, p] += bias[ch]} over {@code [n, c, hw]}. The default is {@link ChannelReference#addBiasPlane}. */
    default void addChannelBias(float[] y, int n, int c, int hw, float[] bias) {
        for (int plane = 0; plane < n * c; plane++) {
            ChannelReference.addBiasPlane(y, c, hw, bias, plane);
        }
    }

    /**
     * {@code sums[ch] += sum of x[., ch, .]} (a bias gradient), one double sum per channel in image then position
     * order ({@link ChannelReference#channelSum}).
     */
    default void accumulateChannelSums(float[] x, int n, int c, int hw, float[] sums) {
        for (int ch = 0; ch < c; ch++) {
            sums[ch] += (float) ChannelReference.channelSum(x, n, c, hw, ch);
        }
    }

    /**
     * ResNet's "option A" shortcut: {@code y = pad_channels(x[:, :, ::s, ::s])}, {@code x} {@code [n, cin, h, w]},
     * {@code y} {@code [n, cout, ceil(h / s), ceil(w / s)]}, {@code padFront} zero planes in front; per element
     * {@link ChannelReference#padSubsampleAt} (what device kernels run), here as plane copies (the same values).
     */
    default void padSubsample(float[] x, int n, int cin, int h, int w, int cout, int padFront, int stride, float[] y) {
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        Arrays.fill(y, 0, n * cout * oh * ow, 0f);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < cin; c++) {
                int src = (i * cin + c) * h * w;
                int dst = (i * cout + padFront + c) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int row = src + oy * stride * w;
                    for (int ox = 0; ox < ow; ox++) {
                        y[dst++] = x[row + ox * stride];
                    }
                }
            }
        }
    }

    /**
     * Backward of {@link #padSubsample}: overwrites {@code dx}; per element {@link ChannelReference#padSubsampleGradAt},
     * here as a zero fill and plane copies (the same values).
     */
    default void padSubsampleBackward(float[] dy, int n, int cin, int h, int w, int cout, int padFront, int stride,
                                      float[] dx) {
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        Arrays.fill(dx, 0, n * cin * h * w, 0f);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < cin; c++) {
                int dst = (i * cin + c) * h * w;
                int src = (i * cout + padFront + c) * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int row = dst + oy * stride * w;
                    for (int ox = 0; ox < ow; ox++) {
                        dx[row + ox * stride] = dy[src++];
                    }
                }
            }
        }
    }

    /** Every element of {@code a} becomes {@code value} (zeroing gradients). */
    default void fill(float[] a, float value) {
        Arrays.fill(a, value);
    }

    /**
     * Training-mode batch normalisation's per-channel step between {@link #channelMeanVariance} and
     * {@link #batchNormOutput}: {@code invStd}, {@code shift} and the running statistics of {@code c} channels from the
     * batch's {@code mean} and {@code variance} over {@code count} values ({@link ChannelReference#batchNormStatistics}).
     */
    default void batchNormStatistics(float[] mean, float[] variance, int c, long count, double eps, double factor,
                                     float[] invStd, float[] shift, float[] runningMean, float[] runningVar) {
        for (int ch = 0; ch < c; ch++) {
            ChannelReference.batchNormStatistics(mean, variance, count, eps, factor, invStd, shift, runningMean,
                    runningVar, ch);
        }
    }

    /**
     * Evaluation-mode batch normalisation as one affine map per channel ({@link ChannelReference#batchNormEvalAffine}):
     * {@code invStd}, {@code scale} and {@code shift} of {@code c} channels.
     */
    default void batchNormEvalAffine(float[] gamma, float[] beta, float[] runningMean, float[] runningVar, int c,
                                     double eps, float[] invStd, float[] scale, float[] shift) {
        for (int ch = 0; ch < c; ch++) {
            ChannelReference.batchNormEvalAffine(gamma, beta, runningMean, runningVar, eps, invStd, scale, shift, ch);
        }
    }

    /**
     * A binary layer's blend and binarisation of {@code filters} filters of {@code len} values
     * ({@link BlendKernels#blendAndSign}): {@code blend[j] = |sin theta_j|}, {@code blended = w2 + s (Rw2 - w2)},
     * {@code signs = sign(blended)}; {@code rotated} and {@code theta} null without rotation ({@code blended = w2}).
     */
    default void blendAndSign(float[] standardised, float[] rotated, float[] theta, int filters, int len,
                              float[] blend, float[] blended, float[] signs) {
        for (int j = 0; j < filters; j++) {
            BlendKernels.blendAndSign(standardised, rotated, theta, len, blend, blended, signs, j);
        }
    }

    /**
     * Backward of {@link #blendAndSign} and of the weight standardisation before it ({@link BlendKernels#blendBackward}):
     * from {@code dL/dsigns} in {@code grad} (used as scratch) accumulates {@code thetaGrad} (if not null) and
     * {@code weightGrad}, the gradient of the latent weights.
     */
    default void blendBackward(float[] grad, float[] blended, float[] standardised, float[] rotated, float[] blend,
                               float[] theta, float[] invStd, int filters, int len, SignGradient surrogate, float t,
                               float k, float[] thetaGrad, float[] weightGrad) {
        for (int j = 0; j < filters; j++) {
            BlendKernels.blendBackward(grad, blended, standardised, rotated, blend, theta, invStd, len, surrogate, t, k,
                    thetaGrad, weightGrad, j);
        }
    }

    /**
     * {@code y = conv2d(x, w)} where every element of {@code x} and {@code w} is {@code +1} or {@code -1} (the
     * convolution of a binary layer: {@code sign} of its activations and weights); padded taps hold
     * {@code g.padValue()} as in {@link #conv2dForward}. The results are integers of magnitude at most
     * {@code patchSize}, exact in float whatever the order of summation, so a backend may compute them with
     * XNOR/popcount on packed bits; they must equal {@link #conv2dForward} of the same arrays exactly. Overwrites
     * {@code y}. The default is {@link #conv2dForward}.
     */
    default void binaryConv2dForward(ConvGeometry g, float[] signsX, float[] signsW, float[] y) {
        conv2dForward(g, signsX, signsW, y);
    }

    /**
     * Standardises {@code runs} consecutive runs of {@code len} values of {@code x} (the per-sample activation
     * standardisation of a binary layer): {@code xhat = (x - mean) * invStd} with the unbiased std, {@code invStd[r]}
     * for run {@code r} (0 for a constant run), and {@code signs = sign(xhat)} ({@code +1} for {@code >= 0}).
     * {@code xhat} or {@code signs} may be null (not written); {@code signs} may be {@code xhat} (only the signs
     * remain). The arithmetic is {@link StandardisationReference#standardise}'s, summation order included; the CPU
     * backends match it bit for bit.
     */
    default void standardiseRuns(float[] x, int runs, int len, float[] xhat, float[] signs, float[] invStd) {
        for (int r = 0; r < runs; r++) {
            invStd[r] = StandardisationReference.standardise(x, r * len, len, xhat, signs, r * len);
        }
    }

    /**
     * The backward of {@code signs = sign(standardise(x))} per run ({@link #standardiseRuns}) with the clipped-linear
     * surrogate derivative {@code max(0, scale * (peak - slope * |xhat|))} of {@code sign}
     * ({@link StandardisationReference#clippedLinear}: RBNN's with {@code sqrt(2) t, t^2, k}; the identity with
     * {@code 1, 0, 1}). In place: {@code grad} holds {@code dL/dsigns} on entry and {@code dL/dx} on return. As
     * {@link StandardisationReference#signBackward}, matched bit for bit by the CPU backends.
     */
    default void standardiseRunsSignBackward(float[] xhat, int runs, int len, float[] invStd,
                                             float peak, float slope, float scale, float[] grad) {
        for (int r = 0; r < runs; r++) {
            StandardisationReference.signBackward(xhat, r * len, len, invStd[r], peak, slope, scale, grad, r * len);
        }
    }

    /**
     * The batched products of the first half of an alternating bi-rotation step (DESIGN.md §1 step 4) over
     * {@code filters} matrices {@code X_j} ({@code a x b}, consecutive in {@code x}): {@code B_j = sign(R1^T X_j R2)}
     * into {@code signs} and {@code D1 = sum_j B_j (X_j R2)^T} ({@code a x a}, double) into {@code d1}. The SVD that
     * follows stays on the host. The default is {@link RotationKernels#signsAndLeftCorrelation}; a device backend
     * runs it where the filters are. Rotation runs once per epoch, so the default allocates its scratch per call.
     */
    default void rotationSigns(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] signs, double[] d1) {
        RotationKernels.signsAndLeftCorrelation(x, r1, r2, filters, a, b, new float[filters * a * b], signs, d1);
    }

    /**
     * The second half of an alternating step with the new {@code R1}: {@code D2 = sum_j X_j^T (R1 B_j)}
     * ({@code b x b}) into {@code d2}. The default is {@link RotationKernels#rightCorrelationOfSigns}.
     */
    default void rotationRightCorrelation(float[] x, float[] r1, float[] signs, int filters, int a, int b, double[] d2) {
        RotationKernels.rightCorrelationOfSigns(x, r1, signs, filters, a, b, new float[filters * a * b],
                new float[b * b], d2);
    }

    /** {@code out_j = R1^T X_j R2} for every filter (step 5). The default is {@link RotationKernels#rotateFilters}. */
    default void rotateFilters(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] out) {
        RotationKernels.rotateFilters(x, r1, r2, filters, a, b, new float[filters * a * b], out);
    }

    /**
     * Whether this backend computes in host memory (the CPU backends) rather than on a device. Host code that uses a
     * backend only as a calculator (the packed model's float layers) needs one that does: on a device backend every
     * result would have to be brought home. The default is {@code true}.
     */
    default boolean computesOnHost() {
        return true;
    }

    /**
     * Time per operation since this backend was created, one line per operation used, for backends that keep such a
     * profile (a device backend: calls, time in whole calls, time in device plans); empty otherwise.
     */
    default String profile() {
        return "";
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, tasks)} on this backend's CPU threads and returns
     * when all are done; the first exception thrown by a task is rethrown. For the loops of layers that are not worth
     * an operation of their own (per-sample standardisation, per-channel scales): tasks must be independent (write
     * disjoint data), and each must compute its values in a fixed order, so that results do not depend on how tasks
     * are spread over threads. A call from inside a task runs inline. The default runs the tasks in order on the
     * calling thread.
     */
    default void parallelFor(int tasks, IntConsumer body) {
        for (int i = 0; i < tasks; i++) {
            body.accept(i);
        }
    }

    @Override
    default void close() {
    }
}
