package org.rbnn4j.tornado;

import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.kernels.ChannelReference;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.tornado.kernels.PoolingKernels;
import org.rbnn4j.tornado.ops.BatchNormBackwardOp;
import org.rbnn4j.tornado.ops.ChannelAffineOp;
import org.rbnn4j.tornado.ops.ChannelOps;
import org.rbnn4j.tornado.ops.ChannelStatisticsOp;
import org.rbnn4j.tornado.ops.ConvBackwardDataOp;
import org.rbnn4j.tornado.ops.ConvBackwardWeightsOp;
import org.rbnn4j.tornado.ops.ConvForwardOp;
import org.rbnn4j.tornado.ops.DeviceOperation;
import org.rbnn4j.tornado.ops.ElementwiseOps;
import org.rbnn4j.tornado.ops.PoolingOps;
import org.rbnn4j.tornado.ops.ResidentSgd;
import org.rbnn4j.tornado.ops.RotationOps;
import org.rbnn4j.tornado.ops.SgemmOp;
import org.rbnn4j.tornado.ops.StandardisationOps;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * The compute SPI on a TornadoVM device (a GPU, or any OpenCL device such as PoCL on a CPU).
 *
 * <p>Every operation is a {@link DeviceOperation}: one task graph per operation, compiled on first use and re-run for
 * every call, whose kernels ({@code org.rbnn4j.tornado.kernels}) wrap the scalar reference kernels of {@code core}.
 * The SPI hands over host {@code float[]} arrays, so each call transfers its inputs to the device and its outputs
 * back. That keeps the backend a drop-in replacement for the CPU ones, at the price of one host-device round trip
 * per operation. The optimiser's state is the exception: {@link #sgdStep} keeps the velocities of all parameters on
 * the device from step to step ({@link ResidentSgd}; one launch per step, only weights and gradients travel), and
 * {@link #synchronizeHost} / {@link #syncToHost} bring them back when the host reads them (checkpoints; {@code Sgd}
 * asks for it).
 *
 * <p>The layers keep the SPI's residency protocol (they announce every host read and write of an array between
 * operations; {@code ResidencyProtocolTest} in {@code core} checks it on whole training runs), so this backend may keep
 * any array on the device. It does not yet for parameters, gradients and activations: that needs the operations to
 * share device buffers, which TornadoVM allows only between the task graphs of one execution plan.
 *
 * <p>Calls are serialised ({@code synchronized}): a TornadoVM execution plan must not run concurrently with itself.
 */
public final class TornadoBackend implements ComputeBackend {
    private final TornadoDevice device;
    private final boolean reproducible;
    private final SgemmOp sgemm;
    private final ConvForwardOp convForward;
    private final ConvBackwardDataOp convBackwardData;
    private final ConvBackwardWeightsOp convBackwardWeights;
    private final ChannelStatisticsOp channelStatistics;
    private final ChannelAffineOp channelAffine;
    private final BatchNormBackwardOp batchNormBackward;
    private final ElementwiseOps.HardtanhForward hardtanhForward;
    private final ElementwiseOps.HardtanhBackward hardtanhBackward;
    private final ElementwiseOps.Sgd sgd;
    private final ResidentSgd residentSgd;
    private final RotationOps.Signs rotationSigns;
    private final RotationOps.RightCorrelation rotationRightCorrelation;
    private final RotationOps.Rotate rotate;
    private final StandardisationOps.Standardise standardise;
    private final StandardisationOps.SignBackward standardiseSignBackward;
    private final PoolingOps.MaxForward maxPoolForward;
    private final PoolingOps.MaxBackward maxPoolBackward;
    private final PoolingOps.PlaneMap avgPoolForward;
    private final PoolingOps.PlaneMap avgPoolBackward;
    private final PoolingOps.PlaneMap globalAvgPool;
    private final PoolingOps.PlaneMap globalAvgPoolBackward;
    private final PoolingOps.Add add;
    private final ChannelOps.Scale channelScale;
    private final ChannelOps.ScaleBackward channelScaleBackward;
    private final ChannelOps.PadSubsample padSubsample;
    private final ChannelOps.PadSubsample padSubsampleBackward;
    private final DeviceOperation[] operations;

    /**
     * A backend on {@code device} (see {@link TornadoDevices#select}), reproducible if the system property
     * {@value TornadoSettings#REPRODUCIBLE_PROPERTY} says so. Kernels compile lazily, on first use.
     */
    public TornadoBackend(TornadoDevice device) {
        this(device, TornadoSettings.reproducible());
    }

    /**
     * A backend on {@code device}; {@code reproducible} sums weight gradients in the reference's order (see
     * {@link TornadoSettings}; fused multiply-adds are a JVM-wide TornadoVM setting, not chosen here).
     */
    public TornadoBackend(TornadoDevice device, boolean reproducible) {
        this.device = device;
        this.reproducible = reproducible;
        sgemm = new SgemmOp(device);
        convForward = new ConvForwardOp(device);
        convBackwardData = new ConvBackwardDataOp(device);
        convBackwardWeights = new ConvBackwardWeightsOp(device, reproducible);
        channelStatistics = new ChannelStatisticsOp(device);
        channelAffine = new ChannelAffineOp(device);
        batchNormBackward = new BatchNormBackwardOp(device);
        hardtanhForward = new ElementwiseOps.HardtanhForward(device);
        hardtanhBackward = new ElementwiseOps.HardtanhBackward(device);
        sgd = new ElementwiseOps.Sgd(device);
        residentSgd = new ResidentSgd(device);
        rotationSigns = new RotationOps.Signs(device);
        rotationRightCorrelation = new RotationOps.RightCorrelation(device);
        rotate = new RotationOps.Rotate(device);
        standardise = new StandardisationOps.Standardise(device);
        standardiseSignBackward = new StandardisationOps.SignBackward(device);
        maxPoolForward = new PoolingOps.MaxForward(device);
        maxPoolBackward = new PoolingOps.MaxBackward(device);
        avgPoolForward = new PoolingOps.PlaneMap(device, "avg_pool_forward", PoolingKernels::avgPoolForward);
        avgPoolBackward = new PoolingOps.PlaneMap(device, "avg_pool_backward", PoolingKernels::avgPoolBackward);
        globalAvgPool = new PoolingOps.PlaneMap(device, "global_avg_pool", PoolingKernels::globalAvgPool);
        globalAvgPoolBackward = new PoolingOps.PlaneMap(device, "global_avg_pool_backward",
                PoolingKernels::globalAvgPoolBackward);
        add = new PoolingOps.Add(device);
        channelScale = new ChannelOps.Scale(device);
        channelScaleBackward = new ChannelOps.ScaleBackward(device);
        padSubsample = new ChannelOps.PadSubsample(device, true);
        padSubsampleBackward = new ChannelOps.PadSubsample(device, false);
        operations = new DeviceOperation[] {sgemm, convForward, convBackwardData, convBackwardWeights, channelStatistics,
                channelAffine, batchNormBackward, hardtanhForward, hardtanhBackward, sgd, rotationSigns,
                rotationRightCorrelation, rotate, standardise, standardiseSignBackward, maxPoolForward, maxPoolBackward,
                avgPoolForward, avgPoolBackward, globalAvgPool, globalAvgPoolBackward, add, channelScale,
                channelScaleBackward, padSubsample, padSubsampleBackward};
    }

    @Override
    public String name() {
        return "tornado-staged";
    }

    /** Host threads: one (the device does the parallel work). */
    /** Computes on the TornadoVM device. */
    @Override
    public boolean computesOnHost() {
        return false;
    }

    @Override
    public int threads() {
        return 1;
    }

    /** Whether weight gradients are summed in the reference's order (see {@link TornadoSettings}). */
    public boolean reproducible() {
        return reproducible;
    }

    /** The device this backend runs on. */
    public TornadoDevice device() {
        return device;
    }

    /** The device this backend runs on, as TornadoVM names it. */
    public String deviceName() {
        return device.getPhysicalDevice().getDeviceName();
    }

    /** How many device compilations the operations have needed so far (one per operation, plus one per growth). */
    public synchronized long compilations() {
        long sum = 0;
        for (DeviceOperation op : operations) {
            sum += op.rebuilds();
        }
        return sum + residentSgd.counters()[0];
    }

    @Override
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                                   int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        long start = System.nanoTime();
        sgemm.run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        sgemm.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] y) {
        long start = System.nanoTime();
        convForward.run(g, x, w, y);
        convForward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        long start = System.nanoTime();
        convBackwardData.run(g, dy, w, dx);
        convBackwardData.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        long start = System.nanoTime();
        convBackwardWeights.run(g, x, dy, dw);
        convBackwardWeights.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void channelMeanVariance(float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        if (n * c * hw == 0) {
            return;
        }
        long start = System.nanoTime();
        channelStatistics.run(x, n, c, hw, mean, variance);
        channelStatistics.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void channelAffine(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        if (n * c * hw == 0) {
            return;
        }
        long start = System.nanoTime();
        channelAffine.run(x, n, c, hw, scale, shift, y);
        channelAffine.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void batchNormBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma, float[] invStd,
                                               float[] dgamma, float[] dbeta, float[] dx) {
        if (n * c * hw == 0) {
            return;
        }
        long start = System.nanoTime();
        batchNormBackward.run(dy, xhat, n, c, hw, gamma, invStd, dgamma, dbeta, dx);
        batchNormBackward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void hardtanhForward(float[] x, float[] y, int length) {
        if (length == 0) {
            return;
        }
        long start = System.nanoTime();
        hardtanhForward.run(x, y, length);
        hardtanhForward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void hardtanhBackward(float[] x, float[] dy, float[] dx, int length) {
        if (length == 0) {
            return;
        }
        long start = System.nanoTime();
        hardtanhBackward.run(x, dy, dx, length);
        hardtanhBackward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void sgdUpdate(float[] w, float[] g, float[] velocity, int length, float lr, float momentum,
                                       float weightDecay) {
        if (length == 0) {
            return;
        }
        long start = System.nanoTime();
        sgd.run(w, g, velocity, length, lr, momentum, weightDecay);
        sgd.recordCall(System.nanoTime() - start);
    }

    /** All parameters in one launch, their velocities resident on the device (see {@link ResidentSgd}). */
    @Override
    public synchronized void sgdStep(float[][] weights, float[][] grads, float[][] velocities, float lr, float momentum,
                                     float weightDecay) {
        residentSgd.step(weights, grads, velocities, lr, momentum, weightDecay);
    }

    /** Copies the resident velocities of the last {@link #sgdStep} back to their host arrays if they changed. */
    @Override
    public synchronized void synchronizeHost() {
        residentSgd.synchronizeHost();
    }

    /**
     * Brings home the resident velocities among {@code arrays} (the only arrays this backend keeps on its device from
     * one call to the next; all others come back from every operation).
     */
    @Override
    public synchronized void syncToHost(float[]... arrays) {
        residentSgd.syncToHost(arrays);
    }

    /** If the host wrote resident velocities, the next {@link #sgdStep} uploads them first. */
    @Override
    public synchronized void markHostWritten(float[]... arrays) {
        residentSgd.markHostWritten(arrays);
    }

    /**
     * {@code {steps, uploads of the velocities, downloads of the velocities}} of {@link #sgdStep} since this backend
     * was created.
     */
    public synchronized long[] residentSgdTransfers() {
        long[] c = residentSgd.counters();
        return new long[] {c[1], c[2], c[3]};
    }

    @Override
    public synchronized void channelScale(float[] x, int n, int c, int hw, float[] scale, float[] y) {
        if (n * c * hw == 0) {
            return;
        }
        long start = System.nanoTime();
        channelScale.run(x, n, c, hw, scale, y);
        channelScale.recordCall(System.nanoTime() - start);
    }

    /** The products and per-plane sums on the device; the per-channel sums of the plane sums on the host, in order. */
    @Override
    public synchronized void channelScaleBackward(float[] x, float[] dy, int n, int c, int hw, float[] scale,
                                                  float[] scaleGrad, float[] dx) {
        if (n * c * hw == 0) {
            return;
        }
        long start = System.nanoTime();
        double[] sums = new double[n * c];
        channelScaleBackward.run(x, dy, n, c, hw, scale, dx, sums);
        ChannelReference.addPlaneSums(sums, n, c, scaleGrad);
        channelScaleBackward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void padSubsample(float[] x, int n, int cin, int h, int w, int cout, int padFront, int stride,
                                          float[] y) {
        if (n * cout == 0) {
            return;
        }
        long start = System.nanoTime();
        padSubsample.run(x, n, cin, h, w, cout, padFront, stride, y);
        padSubsample.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void padSubsampleBackward(float[] dy, int n, int cin, int h, int w, int cout, int padFront,
                                                  int stride, float[] dx) {
        if (n * cin * h * w == 0) {
            return;
        }
        long start = System.nanoTime();
        padSubsampleBackward.run(dy, n, cin, h, w, cout, padFront, stride, dx);
        padSubsampleBackward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void maxPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, int padding,
                                              float[] y, int[] argmax) {
        if (planes == 0) {
            return;
        }
        long start = System.nanoTime();
        maxPoolForward.run(x, planes, h, w, kernel, stride, padding, y, argmax);
        maxPoolForward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void maxPool2dBackward(float[] dy, int[] argmax, int planes, int h, int w, int kernel,
                                               int stride, int padding, float[] dx) {
        if (planes == 0) {
            return;
        }
        long start = System.nanoTime();
        maxPoolBackward.run(dy, argmax, planes, h, w, kernel, stride, padding, dx);
        maxPoolBackward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void avgPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, float[] y) {
        if (planes == 0) {
            return;
        }
        long start = System.nanoTime();
        avgPoolForward.run(x, planes * h * w, y, avgPoolOutputs(planes, h, w, kernel, stride), planes, h, w, kernel,
                stride);
        avgPoolForward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void avgPool2dBackward(float[] dy, int planes, int h, int w, int kernel, int stride,
                                               float[] dx) {
        if (planes == 0) {
            return;
        }
        long start = System.nanoTime();
        avgPoolBackward.run(dy, avgPoolOutputs(planes, h, w, kernel, stride), dx, planes * h * w, planes, h, w, kernel,
                stride);
        avgPoolBackward.recordCall(System.nanoTime() - start);
    }

    private static int avgPoolOutputs(int planes, int h, int w, int kernel, int stride) {
        return planes * PoolingReference.outputSize(h, kernel, stride, 0) * PoolingReference.outputSize(w, kernel, stride, 0);
    }

    @Override
    public synchronized void globalAvgPoolForward(float[] x, int planes, int hw, float[] y) {
        if (planes == 0) {
            return;
        }
        long start = System.nanoTime();
        globalAvgPool.run(x, planes * hw, y, planes, planes, hw, 1, 1, 1);
        globalAvgPool.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void globalAvgPoolBackward(float[] dy, int planes, int hw, float[] dx) {
        if (planes == 0) {
            return;
        }
        long start = System.nanoTime();
        globalAvgPoolBackward.run(dy, planes, dx, planes * hw, planes, hw, 1, 1, 1);
        globalAvgPoolBackward.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void add(float[] x, float[] y, float[] z, int length) {
        if (length == 0) {
            return;
        }
        long start = System.nanoTime();
        add.run(x, y, z, length);
        add.recordCall(System.nanoTime() - start);
    }

    /** Per-run standardisation of a binary layer's samples or filters, one work item per run. */
    @Override
    public synchronized void standardiseRuns(float[] x, int runs, int len, float[] xhat, float[] signs, float[] invStd) {
        if (runs == 0) {
            return;
        }
        long start = System.nanoTime();
        standardise.run(x, runs, len, xhat, signs, invStd);
        standardise.recordCall(System.nanoTime() - start);
    }

    @Override
    public synchronized void standardiseRunsSignBackward(float[] xhat, int runs, int len, float[] invStd, float peak,
                                                         float slope, float scale, float[] grad) {
        if (runs == 0) {
            return;
        }
        long start = System.nanoTime();
        standardiseSignBackward.run(xhat, runs, len, invStd, peak, slope, scale, grad);
        standardiseSignBackward.recordCall(System.nanoTime() - start);
    }

    // ---- The bi-rotation's batched products (BiRotation calls them on the current backend; SVDs stay on the host) ----

    /**
     * For {@code filters} matrices {@code X_j} ({@code a x b}, consecutive in {@code x}): {@code B_j = sign(R1^T X_j R2)}
     * into {@code signs} and {@code D1 = sum_j B_j (X_j R2)^T} ({@code a x a}) into {@code d1}.
     */
    @Override
    public synchronized void rotationSigns(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] signs,
                                           double[] d1) {
        long start = System.nanoTime();
        rotationSigns.run(x, r1, r2, filters, a, b, signs, d1);
        rotationSigns.recordCall(System.nanoTime() - start);
    }

    /** {@code D2 = sum_j X_j^T (R1 B_j)} ({@code b x b}) into {@code d2}. */
    @Override
    public synchronized void rotationRightCorrelation(float[] x, float[] r1, float[] signs, int filters, int a, int b,
                                                      double[] d2) {
        long start = System.nanoTime();
        rotationRightCorrelation.run(x, r1, signs, filters, a, b, d2);
        rotationRightCorrelation.recordCall(System.nanoTime() - start);
    }

    /** {@code out_j = R1^T X_j R2} for every filter. */
    @Override
    public synchronized void rotateFilters(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] out) {
        long start = System.nanoTime();
        rotate.run(x, r1, r2, filters, a, b, out);
        rotate.recordCall(System.nanoTime() - start);
    }

    /**
     * Time spent per operation since this backend was created: calls, whole-call milliseconds (host staging copies
     * included) and milliseconds in the TornadoVM plan (transfers, kernels and first-call compilation), one line each.
     */
    @Override
    public synchronized String profile() {
        StringBuilder sb = new StringBuilder();
        for (DeviceOperation op : operations) {
            long[] p = op.profile();
            if (p[0] > 0) {
                sb.append(String.format(java.util.Locale.ROOT, "%-28s %6d calls %10.1f ms %10.1f ms in plan%n", op.kind(), p[0],
                        p[1] / 1e6, p[2] / 1e6));
            }
        }
        long[] r = residentSgd.counters();
        if (r[1] > 0) {
            sb.append(String.format(java.util.Locale.ROOT,
                    "%-28s %6d calls %10.1f ms %10.1f ms in plan (velocities resident: %d uploads, %d downloads)%n",
                    "sgd_resident", r[1], r[4] / 1e6, r[5] / 1e6, r[2], r[3]));
        }
        return sb.toString();
    }

    /** Brings resident velocities back to their host arrays, then frees the device memory of every operation. */
    @Override
    public synchronized void close() {
        try {
            residentSgd.close();
        } finally {
            for (DeviceOperation op : operations) {
                op.close();
            }
        }
    }

    @Override
    public String toString() {
        return "TornadoBackend[" + deviceName() + "]";
    }
}
