package org.rbnn4j.tornado.resident;

import java.util.List;
import java.util.function.IntConsumer;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.rbnn.SignGradient;
import org.rbnn4j.core.rbnn.SignGradientKernels;
import org.rbnn4j.tornado.TornadoBackend;
import org.rbnn4j.tornado.kernels.ArenaKernels;
import org.rbnn4j.tornado.kernels.ConvKernels;
import org.rbnn4j.tornado.kernels.GemmKernels;
import org.rbnn4j.tornado.kernels.NormKernels;
import org.rbnn4j.tornado.kernels.RotationDeviceKernels;
import org.rbnn4j.tornado.kernels.TiledConvKernels;
import uk.ac.manchester.tornado.api.KernelContext;

/**
 * The TornadoVM backend with arrays kept in device memory between operations ({@link DeviceArena}), following the
 * compute SPI's residency protocol: an array an arena operation wrote stays on the device until host code asks for it
 * ({@link #syncToHost}, {@link #synchronizeHost}), and host writes ({@link #markHostWritten}) are uploaded before the
 * next operation reads them.
 *
 * <p>Everything a training step of the zoo's CIFAR models computes runs on the arena: the convolution's three passes
 * (the weight gradient as per-sample tiled sums in a scratch region, then added over the samples), BatchNorm's batch
 * statistics, per-channel step, output and backward, hardtanh and its gradient, the residual add, the channel scale
 * and its gradient, the option-A shortcut, global average pooling, the binary layers' standardisation, rotation
 * {@code R1^T X R2}, blend and signs and their backward, the final linear layer's GEMM and bias, fill and the SGD
 * update; so a step moves only its batch in, its logits out and the loss gradient back in ({@code
 * ResidentTrainingTest}). The remaining operations (the rotation update's products once per epoch, whose sums the
 * host's SVDs need; max and average pooling; evaluation-mode BatchNorm's per-channel step; the weight gradient in
 * reproducible mode) fall back to the staged {@link TornadoBackend} (or its host default): the device's newer values
 * of their inputs (and of the outputs they accumulate into) are brought home first, and their outputs are marked
 * host-newer after. Every arena kernel runs the staged backend's per-element arithmetic (its kernels', or the host
 * default's for the per-channel and per-filter steps, in double with correctly rounded division and square root where
 * the reference uses double), so the results are those of the staged backend, whatever mix runs. Calls are
 * serialised.
 */
public final class ResidentTornadoBackend implements ComputeBackend {
    private static final int HARDTANH = 0;
    private static final int HARDTANH_BACKWARD = 1;
    private static final int ADD = 2;
    private static final int SCALE = 3;
    private static final int FILL = 4;
    private static final int SGD = 5;
    private static final int CONV_FORWARD = 6;
    private static final int CHANNEL_AFFINE = 7;
    private static final int PAD_SUBSAMPLE = 8;
    private static final int PAD_SUBSAMPLE_GRAD = 9;
    private static final int GLOBAL_AVG_POOL = 10;
    private static final int GLOBAL_AVG_POOL_BACKWARD = 11;
    private static final int STANDARDISE = 12;
    private static final int STANDARDISE_SIGN_BACKWARD = 13;
    private static final int SAMPLE_SUMS = 14;
    private static final int SAMPLE_SQUARED_DEVIATIONS = 15;
    private static final int CHANNEL_AVERAGES_A = 16;
    private static final int CHANNEL_AVERAGES_B = 17;
    private static final int CONV_BACKWARD_DATA = 18;
    private static final int CONV_WEIGHTS_PER_SAMPLE = 19;
    private static final int SUM_SAMPLES = 20;
    private static final int PLANE_DOTS = 21;
    private static final int ADD_PLANE_SUMS = 22;
    private static final int BN_SAMPLE_SUMS = 23;
    private static final int BN_GRADIENT_SUMS = 24;
    private static final int BN_INPUT_GRADIENT = 25;
    private static final int BN_STATISTICS = 26;
    private static final int BLEND_AND_SIGN = 27;
    private static final int BLEND_BACKWARD = 28;
    private static final int ROTATE_RIGHT = 29;
    private static final int ROTATE_LEFT = 30;
    private static final int SGEMM = 31;
    private static final int ADD_CHANNEL_BIAS = 32;
    private static final int CHANNEL_SUMS = 33;

    private static final List<DeviceArena.Kernel> KERNELS = List.of(
            new DeviceArena.Kernel("hardtanh", 1, (g, a) -> g.task("t0", ArenaKernels::hardtanhForward, (float[]) a[0],
                    (int[]) a[1])),
            new DeviceArena.Kernel("hardtanh_backward", 1, (g, a) -> g.task("t0", ArenaKernels::hardtanhBackward,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("add", 1, (g, a) -> g.task("t0", ArenaKernels::add, (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("channel_scale", 1, (g, a) -> g.task("t0", ArenaKernels::channelScale, (float[]) a[0],
                    (int[]) a[1])),
            new DeviceArena.Kernel("fill", 1, (g, a) -> g.task("t0", ArenaKernels::fill, (float[]) a[0], (int[]) a[1],
                    (float[]) a[2])),
            new DeviceArena.Kernel("sgd", 1, (g, a) -> g.task("t0", ArenaKernels::sgd, (float[]) a[0], (int[]) a[1],
                    (float[]) a[2])),
            // The tiled convolution with the arena as input, weights and output (offsets in its dims).
            new DeviceArena.Kernel("conv_forward", 2, (g, a) -> g.task("t0", TiledConvKernels::forward,
                    (KernelContext) a[3], (float[]) a[0], (float[]) a[0], (float[]) a[0], (int[]) a[1],
                    (float[]) a[2])),
            new DeviceArena.Kernel("channel_affine", 1, (g, a) -> g.task("t0", ArenaKernels::channelAffine,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("pad_subsample", 1, (g, a) -> g.task("t0", ArenaKernels::padSubsample,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("pad_subsample_grad", 1, (g, a) -> g.task("t0", ArenaKernels::padSubsampleGrad,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("global_avg_pool", 1, (g, a) -> g.task("t0", ArenaKernels::globalAvgPool,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("global_avg_pool_backward", 1, (g, a) -> g.task("t0",
                    ArenaKernels::globalAvgPoolBackward, (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("standardise", 1, (g, a) -> g.task("t0", ArenaKernels::standardise,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("standardise_sign_backward", 1, (g, a) -> g.task("t0", ArenaKernels::signBackward,
                    (float[]) a[0], (int[]) a[1], (float[]) a[2])),
            new DeviceArena.Kernel("sample_sums", 1, (g, a) -> g.task("t0", NormKernels::sampleSums, (float[]) a[0],
                    (double[]) a[4], (int[]) a[1])),
            new DeviceArena.Kernel("sample_squared_deviations", 1, (g, a) -> g.task("t0",
                    NormKernels::sampleSquaredDeviations, (float[]) a[0], (float[]) a[0], (double[]) a[5],
                    (int[]) a[1])),
            new DeviceArena.Kernel("channel_averages_a", 1, (g, a) -> g.task("t0", NormKernels::channelAverages,
                    (double[]) a[4], (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("channel_averages_b", 1, (g, a) -> g.task("t0", NormKernels::channelAverages,
                    (double[]) a[5], (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("conv_backward_data", 2, (g, a) -> g.task("t0", TiledConvKernels::backwardData,
                    (KernelContext) a[3], (float[]) a[0], (float[]) a[0], (float[]) a[0], (int[]) a[1])),
            // The weight gradient: per-sample partial sums into a scratch region, then the samples added into dw.
            new DeviceArena.Kernel("conv_weights_per_sample", 2, (g, a) -> g.task("t0",
                    TiledConvKernels::backwardWeightsPerSample, (KernelContext) a[3], (float[]) a[0], (float[]) a[0],
                    (float[]) a[0], (int[]) a[1], (float[]) a[2])),
            new DeviceArena.Kernel("sum_samples", 1, (g, a) -> g.task("t0", ConvKernels::sumSamples, (float[]) a[0],
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("plane_dots", 1, (g, a) -> g.task("t0", ArenaKernels::planeDots, (float[]) a[0],
                    (double[]) a[4], (int[]) a[1])),
            new DeviceArena.Kernel("add_plane_sums", 1, (g, a) -> g.task("t0", ArenaKernels::addPlaneSums,
                    (double[]) a[4], (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("bn_sample_sums", 1, (g, a) -> g.task("t0", NormKernels::sampleGradientSums,
                    (float[]) a[0], (float[]) a[0], (double[]) a[4], (double[]) a[5], (int[]) a[1])),
            new DeviceArena.Kernel("bn_gradient_sums", 1, (g, a) -> g.task("t0", ArenaKernels::batchNormGradientSums,
                    (double[]) a[4], (double[]) a[5], (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("bn_input_gradient", 1, (g, a) -> g.task("t0", ArenaKernels::batchNormInputGradient,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("bn_statistics", 1, (g, a) -> g.task("t0", ArenaKernels::batchNormStatistics,
                    (float[]) a[0], (int[]) a[1], (double[]) a[6])),
            new DeviceArena.Kernel("blend_and_sign", 1, (g, a) -> g.task("t0", ArenaKernels::blendAndSign,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("blend_backward", 1, (g, a) -> g.task("t0", ArenaKernels::blendBackward,
                    (float[]) a[0], (int[]) a[1], (float[]) a[2])),
            // The staged rotation products with the arena as filters, matrix and product (offsets in their dims).
            new DeviceArena.Kernel("rotate_right", 1, (g, a) -> g.task("t0", RotationDeviceKernels::rightMultiply,
                    (float[]) a[0], (float[]) a[0], (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("rotate_left", 1, (g, a) -> g.task("t0", RotationDeviceKernels::transposedLeftMultiply,
                    (float[]) a[0], (float[]) a[0], (float[]) a[0], (int[]) a[1])),
            // The staged backend's tiled GEMM with the arena as A, B and C (offsets in its dims).
            new DeviceArena.Kernel("sgemm", 2, (g, a) -> g.task("t0", GemmKernels::sgemm, (KernelContext) a[3],
                    (float[]) a[0], (float[]) a[0], (float[]) a[0], (int[]) a[1], (float[]) a[2])),
            new DeviceArena.Kernel("add_channel_bias", 1, (g, a) -> g.task("t0", ArenaKernels::addChannelBias,
                    (float[]) a[0], (int[]) a[1])),
            new DeviceArena.Kernel("channel_sums", 1, (g, a) -> g.task("t0", ArenaKernels::accumulateChannelSums,
                    (float[]) a[0], (int[]) a[1])));

    private final TornadoBackend staged;
    private final DeviceArena arena;
    /**
     * Host arrays that only give device-only intermediates a region (never uploaded, never marked device-newer, so they
     * never travel): the weight gradient's per-sample sums, BatchNorm's per-channel gradient sums and the rotation's
     * intermediate products {@code X_j R2}.
     */
    private float[] weightPartials = new float[0];
    private float[] channelSums = new float[0];
    private float[] rotationProducts = new float[0];

    /**
     * Arrays resident in an arena of {@code initialCapacity} floats that doubles when full up to
     * {@code maxCapacity} floats (beyond, a full arena sends everything home and starts over).
     */
    public ResidentTornadoBackend(TornadoBackend staged, int initialCapacity, long maxCapacity) {
        this.staged = staged;
        this.arena = new DeviceArena(staged.device(), initialCapacity, maxCapacity, KERNELS);
    }

    @Override
    public String name() {
        return "tornado";
    }

    /** Computes on the TornadoVM device. */
    @Override
    public boolean computesOnHost() {
        return false;
    }

    @Override
    public int threads() {
        return 1;
    }

    /**
     * {@code {uploads, downloads, floats up, floats down, arena kernel launches, flushes, regions reclaimed, arena
     * floats, most floats in regions at once}} so far.
     */
    public synchronized long[] arenaCounters() {
        return arena.counters();
    }

    // ------------------------------------------------------------------------------ residency protocol

    @Override
    public synchronized void syncToHost(float[]... arrays) {
        for (float[] a : arrays) {
            arena.toHost(a);
        }
        staged.syncToHost(arrays);
    }

    @Override
    public synchronized void markHostWritten(float[]... arrays) {
        for (float[] a : arrays) {
            arena.hostWrote(a);
        }
        staged.markHostWritten(arrays);
    }

    @Override
    public synchronized void synchronizeHost() {
        arena.synchronizeHost();
        staged.synchronizeHost();
    }

    /** Before a staged operation: its inputs (and accumulated outputs) as the newest values on the host. */
    private void home(float[]... arrays) {
        for (float[] a : arrays) {
            arena.toHost(a);
        }
    }

    /** After a staged operation: its outputs are newer on the host. */
    private void wroteOnHost(float[]... arrays) {
        for (float[] a : arrays) {
            arena.hostWrote(a);
        }
    }

    // ------------------------------------------------------------------------------ arena operations

    @Override
    public synchronized void hardtanhForward(float[] x, float[] y, int length) {
        int[] args = arena.bindArgs(new float[][] {x}, new float[][] {y});
        args[2] = length;
        arena.launch(HARDTANH, length);
        arena.deviceWrote(y);
    }

    @Override
    public synchronized void hardtanhBackward(float[] x, float[] dy, float[] dx, int length) {
        int[] args = arena.bindArgs(new float[][] {x, dy}, new float[][] {dx});
        args[3] = length;
        arena.launch(HARDTANH_BACKWARD, length);
        arena.deviceWrote(dx);
    }

    @Override
    public synchronized void add(float[] x, float[] y, float[] z, int length) {
        int[] args = arena.bindArgs(new float[][] {x, y}, new float[][] {z});
        args[3] = length;
        arena.launch(ADD, length);
        arena.deviceWrote(z);
    }

    @Override
    public synchronized void channelScale(float[] x, int n, int c, int hw, float[] scale, float[] y) {
        int[] args = arena.bindArgs(new float[][] {x, scale}, new float[][] {y});
        args[3] = n * c * hw;
        args[4] = c;
        args[5] = hw;
        arena.launch(SCALE, (long) n * c * hw);
        arena.deviceWrote(y);
    }

    @Override
    public synchronized void fill(float[] a, float value) {
        int[] args = arena.bindArgs(new float[0][], new float[][] {a});
        args[1] = a.length;
        arena.scalars()[0] = value;
        arena.launch(FILL, a.length);
        arena.deviceWrote(a);
    }

    /** On the arena: weights, gradients and velocities stay on the device from step to step. */
    @Override
    public synchronized void sgdUpdate(float[] w, float[] g, float[] velocity, int length, float lr, float momentum,
                                       float weightDecay) {
        int[] args = arena.bindArgs(new float[][] {w, g, velocity}, new float[][] {w, velocity});
        args[3] = length;
        float[] s = arena.scalars();
        s[0] = lr;
        s[1] = momentum;
        s[2] = weightDecay;
        arena.launch(SGD, length);
        arena.deviceWrote(w);
        arena.deviceWrote(velocity);
    }

    // ------------------------------------------------------------------------------ staged operations

    /** On the arena: the staged backend's tiled GEMM, on regions. */
    @Override
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                   int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
                                   int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        // As the reference, beta == 0 never reads C; but a C the product writes only part of (an offset, a wider row
        // stride, a longer array) must come in whole, or its other values would leave the device as garbage.
        boolean whole = cOff == 0 && ldc == n && (long) m * n == c.length;
        int[] o = arena.bind(new float[][] {a, b, beta == 0f && whole ? null : c}, new float[][] {c});
        int[] args = arena.args();
        GemmKernels.describe(transA, transB, m, n, k, lda, ldb, ldc, args);
        args[GemmKernels.A_OFFSET] = o[0] + aOff;
        args[GemmKernels.B_OFFSET] = o[1] + bOff;
        args[GemmKernels.C_OFFSET] = o[3] + cOff;
        float[] sc = arena.scalars();
        sc[0] = alpha;
        sc[1] = beta;
        arena.launch(SGEMM, GemmKernels.roundUp(n), GemmKernels.roundUp(m), GemmKernels.TILE, GemmKernels.TILE);
        arena.deviceWrote(c);
    }

    /** On the arena: the tiled implicit GEMM of the staged backend, reading and writing regions. */
    @Override
    public synchronized void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] y) {
        int[] o = arena.bind(new float[][] {x, w}, new float[][] {y});
        int[] args = arena.args();
        ConvKernels.describe(g, args);
        args[ConvKernels.X_OFFSET] = o[0];
        args[ConvKernels.W_OFFSET] = o[1];
        args[ConvKernels.Y_OFFSET] = o[2];
        arena.scalars()[0] = g.padValue();
        long pixels = (long) g.batch() * g.outH() * g.outW();
        arena.launch(CONV_FORWARD, TiledConvKernels.roundUp(pixels), TiledConvKernels.roundUp(g.outChannels()),
                TiledConvKernels.TILE, TiledConvKernels.TILE);
        arena.deviceWrote(y);
    }

    /** On the arena: the staged backend's tiled kernel (rows Cin, columns the input pixels), on regions. */
    @Override
    public synchronized void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int[] o = arena.bind(new float[][] {dy, w}, new float[][] {dx});
        int[] args = arena.args();
        ConvKernels.describe(g, args);
        args[ConvKernels.X_OFFSET] = o[0];
        args[ConvKernels.W_OFFSET] = o[1];
        args[ConvKernels.Y_OFFSET] = o[2];
        long pixels = (long) g.batch() * g.inH() * g.inW();
        arena.launch(CONV_BACKWARD_DATA, TiledConvKernels.roundUp(pixels), TiledConvKernels.roundUp(g.inChannels()),
                TiledConvKernels.TILE, TiledConvKernels.TILE);
        arena.deviceWrote(dx);
    }

    /**
     * On the arena, as the staged backend's default (parallel) form: each sample's gradient as a tiled GEMM into a
     * scratch region, then the samples added in order into {@code dw}. In reproducible mode (the reference's summation
     * order) it falls back to the staged backend.
     */
    @Override
    public synchronized void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        if (staged.reproducible()) {
            home(x, dy, dw);
            staged.conv2dBackwardWeights(g, x, dy, dw);
            wroteOnHost(dw);
            return;
        }
        int weights = g.weightSize();
        int partials = Math.multiplyExact(weights, g.batch());
        if (weightPartials.length < partials) {
            weightPartials = new float[partials];
        }
        int[] o = arena.bind(new float[][] {x, dy, dw}, new float[][] {weightPartials});
        int[] args = arena.args();
        ConvKernels.describe(g, args);
        args[ConvKernels.X_OFFSET] = o[0];
        args[ConvKernels.Y_OFFSET] = o[1];
        args[ConvKernels.W_OFFSET] = o[2];
        args[ConvKernels.PARTIAL_OFFSET] = o[3];
        arena.scalars()[0] = g.padValue();
        long columns = (long) g.inChannels() * g.kernelH() * g.kernelW();
        arena.launch(CONV_WEIGHTS_PER_SAMPLE, TiledConvKernels.roundUp(columns),
                TiledConvKernels.roundUp(g.outChannels()) * g.batch(), TiledConvKernels.TILE, TiledConvKernels.TILE);
        arena.launch(SUM_SAMPLES, weights);
        arena.deviceWrote(dw);
    }

    /** The convolution of signs: integers, exact in any order, so the float convolution on the arena. */
    @Override
    public synchronized void binaryConv2dForward(ConvGeometry g, float[] signsX, float[] signsW, float[] y) {
        conv2dForward(g, signsX, signsW, y);
    }

    /**
     * On the arena, as the staged operation: per (channel, sample) sums into device scratch, per-channel means, squared
     * deviations around them, per-channel variances ({@code NormKernels}, one launch each).
     */
    @Override
    public synchronized void channelMeanVariance(float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        arena.ensureScratch(n * c);
        int[] o = arena.bind(new float[][] {x}, new float[][] {mean, variance});
        int[] args = arena.args();
        args[NormKernels.N] = n;
        args[NormKernels.C] = c;
        args[NormKernels.HW] = hw;
        args[NormKernels.X_OFFSET] = o[0];
        args[NormKernels.MEAN_OFFSET] = o[1];
        arena.launch(SAMPLE_SUMS, (long) c * n);
        args[NormKernels.OUT_OFFSET] = o[1];
        arena.launch(CHANNEL_AVERAGES_A, c);
        arena.launch(SAMPLE_SQUARED_DEVIATIONS, (long) c * n);
        args[NormKernels.OUT_OFFSET] = o[2];
        arena.launch(CHANNEL_AVERAGES_B, c);
        arena.deviceWrote(mean);
        arena.deviceWrote(variance);
    }

    @Override
    public synchronized void channelAffine(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        int[] args = arena.bindArgs(new float[][] {x, scale, shift}, new float[][] {y});
        args[4] = n * c * hw;
        args[5] = c;
        args[6] = hw;
        arena.launch(CHANNEL_AFFINE, (long) n * c * hw);
        arena.deviceWrote(y);
    }

    /** As the staged backend (the SPI's default): two channel affine maps, here on the arena. */
    @Override
    public synchronized void batchNormOutput(float[] x, int n, int c, int hw, float[] scale, float[] shift,
                                             float[] gamma, float[] beta, float[] xhat, float[] y) {
        channelAffine(x, n, c, hw, scale, shift, xhat);
        channelAffine(xhat, n, c, hw, gamma, beta, y);
    }

    /**
     * On the arena, as the staged operation: per (channel, sample) sums of {@code dy} and {@code dy * xhat} into device
     * scratch, per-channel sums (accumulated into {@code dgamma}, {@code dbeta}), then the input gradient.
     */
    @Override
    public synchronized void batchNormBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma,
                                               float[] invStd, float[] dgamma, float[] dbeta, float[] dx) {
        if ((long) n * c * hw == 0) {
            return;
        }
        arena.ensureScratch(n * c);
        if (channelSums.length < 2 * c) {
            channelSums = new float[2 * c];
        }
        int[] o = arena.bind(new float[][] {dy, xhat, gamma, invStd, dgamma, dbeta}, new float[][] {dx, channelSums});
        int[] args = arena.args();
        args[NormKernels.N] = n;
        args[NormKernels.C] = c;
        args[NormKernels.HW] = hw;
        args[NormKernels.X_OFFSET] = o[0];
        args[NormKernels.XHAT_OFFSET] = o[1];
        arena.launch(BN_SAMPLE_SUMS, (long) c * n);
        args[0] = o[4];
        args[1] = o[5];
        args[2] = o[7];
        args[3] = n;
        args[4] = c;
        arena.launch(BN_GRADIENT_SUMS, c);
        args[0] = o[0];
        args[1] = o[1];
        args[2] = o[2];
        args[3] = o[3];
        args[4] = o[7];
        args[5] = o[6];
        args[6] = n;
        args[7] = c;
        args[8] = hw;
        arena.launch(BN_INPUT_GRADIENT, (long) n * c * hw);
        arena.deviceWrote(dgamma);
        arena.deviceWrote(dbeta);
        arena.deviceWrote(dx);
    }

    /** On the arena: the per-channel step after the batch statistics, one work item per channel. */
    @Override
    public synchronized void batchNormStatistics(float[] mean, float[] variance, int c, long count, double eps,
                                                 double factor, float[] invStd, float[] shift, float[] runningMean,
                                                 float[] runningVar) {
        int[] o = arena.bind(new float[][] {mean, variance, runningMean, runningVar},
                new float[][] {invStd, shift, runningMean, runningVar});
        int[] args = arena.args();
        args[0] = o[0];
        args[1] = o[1];
        args[2] = o[4];
        args[3] = o[5];
        args[4] = o[2];
        args[5] = o[3];
        args[6] = c;
        double[] d = arena.doubles();
        d[0] = eps;
        d[1] = factor;
        d[2] = (double) count / (count - 1);
        arena.launch(BN_STATISTICS, c);
        arena.deviceWrote(invStd);
        arena.deviceWrote(shift);
        arena.deviceWrote(runningMean);
        arena.deviceWrote(runningVar);
    }

    @Override
    public synchronized void batchNormEvalAffine(float[] gamma, float[] beta, float[] runningMean, float[] runningVar,
                                                 int c, double eps, float[] invStd, float[] scale, float[] shift) {
        home(gamma, beta, runningMean, runningVar);
        staged.batchNormEvalAffine(gamma, beta, runningMean, runningVar, c, eps, invStd, scale, shift);
        wroteOnHost(invStd, scale, shift);
    }

    /**
     * On the arena, as the staged operation: per-plane sums of {@code x * dy} into device scratch, {@code dx = dy *
     * scale} (may be in place: the sums are taken first), then the per-channel sums added to {@code scaleGrad}.
     */
    @Override
    public synchronized void channelScaleBackward(float[] x, float[] dy, int n, int c, int hw, float[] scale,
                                                  float[] scaleGrad, float[] dx) {
        if ((long) n * c * hw == 0) {
            return;
        }
        arena.ensureScratch(n * c);
        int[] o = arena.bind(new float[][] {x, dy, scale, scaleGrad}, new float[][] {dx});
        int[] args = arena.args();
        args[0] = o[0];
        args[1] = o[1];
        args[2] = n;
        args[3] = c;
        args[4] = hw;
        arena.launch(PLANE_DOTS, (long) n * c);
        args[0] = o[1];
        args[1] = o[2];
        args[2] = o[4];
        args[3] = n * c * hw;
        args[4] = c;
        args[5] = hw;
        arena.launch(SCALE, (long) n * c * hw);
        args[0] = o[3];
        args[1] = n;
        args[2] = c;
        arena.launch(ADD_PLANE_SUMS, c);
        arena.deviceWrote(dx);
        arena.deviceWrote(scaleGrad);
    }

    /** On the arena: {@code y += bias[ch]}, one work item per element. */
    @Override
    public synchronized void addChannelBias(float[] y, int n, int c, int hw, float[] bias) {
        int size = n * c * hw;
        if (size == 0) {
            return;
        }
        int[] args = arena.bindArgs(new float[][] {y, bias}, new float[][] {y});
        args[2] = size;
        args[3] = c;
        args[4] = hw;
        arena.launch(ADD_CHANNEL_BIAS, size);
        arena.deviceWrote(y);
    }

    /** On the arena: per-channel sums in the reference's order, one work item per channel. */
    @Override
    public synchronized void accumulateChannelSums(float[] x, int n, int c, int hw, float[] sums) {
        if (c == 0) {
            return;
        }
        int[] args = arena.bindArgs(new float[][] {x, sums}, new float[][] {sums});
        args[2] = n;
        args[3] = c;
        args[4] = hw;
        arena.launch(CHANNEL_SUMS, c);
        arena.deviceWrote(sums);
    }

    @Override
    public synchronized void padSubsample(float[] x, int n, int cin, int h, int w, int cout, int padFront, int stride,
                                          float[] y) {
        arena.bindArgs(new float[][] {x}, new float[][] {y});
        shortcutArgs(n, cin, h, w, cout, padFront, stride);
        arena.launch(PAD_SUBSAMPLE, (long) n * cout * ((h + stride - 1) / stride) * ((w + stride - 1) / stride));
        arena.deviceWrote(y);
    }

    @Override
    public synchronized void padSubsampleBackward(float[] dy, int n, int cin, int h, int w, int cout, int padFront,
                                                  int stride, float[] dx) {
        arena.bindArgs(new float[][] {dy}, new float[][] {dx});
        shortcutArgs(n, cin, h, w, cout, padFront, stride);
        arena.launch(PAD_SUBSAMPLE_GRAD, (long) n * cin * h * w);
        arena.deviceWrote(dx);
    }

    /** The shortcut's shape after its two offsets (set by {@code bindArgs}). */
    private void shortcutArgs(int n, int cin, int h, int w, int cout, int padFront, int stride) {
        int[] args = arena.args();
        args[2] = n;
        args[3] = cin;
        args[4] = h;
        args[5] = w;
        args[6] = cout;
        args[7] = padFront;
        args[8] = stride;
    }

    /** On the arena: blend and signs, one work item per weight. */
    @Override
    public synchronized void blendAndSign(float[] standardised, float[] rotated, float[] theta, int filters, int len,
                                          float[] blend, float[] blended, float[] signs) {
        if (filters == 0) {
            return;
        }
        int[] args = arena.bindArgs(new float[][] {standardised, rotated, theta},
                new float[][] {blend, blended, signs});
        args[6] = filters;
        args[7] = len;
        arena.launch(BLEND_AND_SIGN, (long) filters * len);
        arena.deviceWrote(blend);
        arena.deviceWrote(blended);
        arena.deviceWrote(signs);
    }

    /** On the arena: the blend's and the standardisation's backward, one work item per filter. */
    @Override
    public synchronized void blendBackward(float[] grad, float[] blended, float[] standardised, float[] rotated,
                                           float[] blend, float[] theta, float[] invStd, int filters, int len,
                                           SignGradient surrogate, float t, float k, float[] thetaGrad,
                                           float[] weightGrad) {
        if (filters == 0) {
            return;
        }
        int[] args = arena.bindArgs(new float[][] {grad, blended, standardised, rotated, blend, theta, invStd,
                thetaGrad, weightGrad}, new float[][] {grad, thetaGrad, weightGrad});
        args[9] = filters;
        args[10] = len;
        args[11] = surrogate.ordinal();
        float[] sc = arena.scalars();
        sc[0] = (float) (SignGradientKernels.SQRT2 * t); // as SignGradient.scaleBySurrogate
        sc[1] = t * t;
        sc[2] = t;
        sc[3] = k;
        arena.launch(BLEND_BACKWARD, filters);
        arena.deviceWrote(grad);
        arena.deviceWrote(thetaGrad);
        arena.deviceWrote(weightGrad);
    }

    @Override
    public synchronized void maxPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, int padding,
                                              float[] y, int[] argmax) {
        home(x);
        staged.maxPool2dForward(x, planes, h, w, kernel, stride, padding, y, argmax);
        wroteOnHost(y);
    }

    @Override
    public synchronized void maxPool2dBackward(float[] dy, int[] argmax, int planes, int h, int w, int kernel,
                                               int stride, int padding, float[] dx) {
        home(dy);
        staged.maxPool2dBackward(dy, argmax, planes, h, w, kernel, stride, padding, dx);
        wroteOnHost(dx);
    }

    @Override
    public synchronized void avgPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, float[] y) {
        home(x);
        staged.avgPool2dForward(x, planes, h, w, kernel, stride, y);
        wroteOnHost(y);
    }

    @Override
    public synchronized void avgPool2dBackward(float[] dy, int planes, int h, int w, int kernel, int stride,
                                               float[] dx) {
        home(dy);
        staged.avgPool2dBackward(dy, planes, h, w, kernel, stride, dx);
        wroteOnHost(dx);
    }

    @Override
    public synchronized void globalAvgPoolForward(float[] x, int planes, int hw, float[] y) {
        int[] args = arena.bindArgs(new float[][] {x}, new float[][] {y});
        args[2] = planes;
        args[3] = hw;
        arena.launch(GLOBAL_AVG_POOL, planes);
        arena.deviceWrote(y);
    }

    @Override
    public synchronized void globalAvgPoolBackward(float[] dy, int planes, int hw, float[] dx) {
        int[] args = arena.bindArgs(new float[][] {dy}, new float[][] {dx});
        args[2] = planes;
        args[3] = hw;
        arena.launch(GLOBAL_AVG_POOL_BACKWARD, (long) planes * hw);
        arena.deviceWrote(dx);
    }

    @Override
    public synchronized void standardiseRuns(float[] x, int runs, int len, float[] xhat, float[] signs,
                                             float[] invStd) {
        int[] args = arena.bindArgs(new float[][] {x}, new float[][] {xhat, signs, invStd});
        args[4] = runs;
        args[5] = len;
        args[6] = xhat != null ? 1 : 0;
        args[7] = signs != null ? 1 : 0;
        arena.launch(STANDARDISE, runs);
        arena.deviceWrote(xhat);
        arena.deviceWrote(signs);
        arena.deviceWrote(invStd);
    }

    @Override
    public synchronized void standardiseRunsSignBackward(float[] xhat, int runs, int len, float[] invStd, float peak,
                                                         float slope, float scale, float[] grad) {
        int[] args = arena.bindArgs(new float[][] {xhat, invStd, grad}, new float[][] {grad});
        args[3] = runs;
        args[4] = len;
        float[] s = arena.scalars();
        s[0] = peak;
        s[1] = slope;
        s[2] = scale;
        arena.launch(STANDARDISE_SIGN_BACKWARD, runs);
        arena.deviceWrote(grad);
    }

    @Override
    public synchronized void rotationSigns(float[] x, float[] r1, float[] r2, int filters, int a, int b,
                                           float[] signs, double[] d1) {
        home(x, r1, r2);
        staged.rotationSigns(x, r1, r2, filters, a, b, signs, d1);
        wroteOnHost(signs);
    }

    @Override
    public synchronized void rotationRightCorrelation(float[] x, float[] r1, float[] signs, int filters, int a, int b,
                                                      double[] d2) {
        home(x, r1, signs);
        staged.rotationRightCorrelation(x, r1, signs, filters, a, b, d2);
    }

    /** On the arena: {@code out_j = R1^T (X_j R2)}, the product {@code X_j R2} in a scratch region. */
    @Override
    public synchronized void rotateFilters(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] out) {
        int size = filters * a * b;
        if (size == 0) {
            return;
        }
        if (rotationProducts.length < size) {
            rotationProducts = new float[size];
        }
        int[] o = arena.bind(new float[][] {x, r1, r2}, new float[][] {rotationProducts, out});
        int[] args = arena.args();
        args[RotationDeviceKernels.FILTERS] = filters;
        args[RotationDeviceKernels.ROWS] = a;
        args[RotationDeviceKernels.COLS] = b;
        args[RotationDeviceKernels.X_OFFSET] = o[0];
        args[RotationDeviceKernels.R_OFFSET] = o[2];
        args[RotationDeviceKernels.OUT_OFFSET] = o[3];
        arena.launch(ROTATE_RIGHT, size);
        args[RotationDeviceKernels.X_OFFSET] = o[3];
        args[RotationDeviceKernels.R_OFFSET] = o[1];
        args[RotationDeviceKernels.OUT_OFFSET] = o[4];
        arena.launch(ROTATE_LEFT, size);
        arena.deviceWrote(out);
    }

    @Override
    public String profile() {
        long[] c = arenaCounters();
        return staged.profile() + String.format(java.util.Locale.ROOT,
                "  arena: %d uploads (%.1f MB), %d downloads (%.1f MB), %d kernel launches, %d flushes, %d regions of"
                        + " collected arrays reclaimed; %.1f MB, at most %.1f MB in use%n",
                c[0], c[2] * 4e-6, c[1], c[3] * 4e-6, c[4], c[5], c[6], c[7] * 4e-6, c[8] * 4e-6);
    }

    /** Host code runs on the calling thread (the layers announce its reads and writes). */
    @Override
    public void parallelFor(int tasks, IntConsumer body) {
        staged.parallelFor(tasks, body);
    }

    /** Brings every array home, then frees the arena and the staged operations. */
    @Override
    public synchronized void close() {
        try {
            arena.close();
        } finally {
            staged.close();
        }
    }
}
