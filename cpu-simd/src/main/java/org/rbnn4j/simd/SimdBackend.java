package org.rbnn4j.simd;

import java.util.function.IntConsumer;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.conv.BinaryConvolution;
import org.rbnn4j.simd.conv.Convolution;
import org.rbnn4j.simd.gemm.GemmBlocking;
import org.rbnn4j.simd.gemm.Sgemm;
import org.rbnn4j.simd.kernels.ChannelKernels;
import org.rbnn4j.simd.kernels.ElementwiseKernels;
import org.rbnn4j.simd.kernels.FilterRotationKernels;
import org.rbnn4j.simd.kernels.RunStandardisation;

/**
 * The Vector API implementation of the compute SPI: blocked SGEMM with an FMA register kernel, convolutions as GEMM
 * over im2col panels, vectorised normalisation and element-wise kernels, all spread over a fixed pool of worker
 * threads. Every operation is tested against {@link org.rbnn4j.core.compute.ScalarBackend}.
 *
 * <p>Thread safety: calls from several threads at once are safe (they share the pool; scratch buffers are
 * per-thread). {@link #close()} stops the pool; a closed backend runs everything on the calling thread.
 */
public final class SimdBackend implements ComputeBackend {
    private final WorkerPool pool;
    private final BinaryConvolution binaryConvolution;

    private SimdBackend(int threads) {
        this.pool = new WorkerPool(threads);
        this.binaryConvolution = new BinaryConvolution(pool);
    }

    /** A backend with {@code threads} threads (the caller included); below 1 means all available cores. */
    public static SimdBackend create(int threads) {
        return new SimdBackend(threads);
    }

    /** Lanes of the float vectors used (16 with AVX-512, 8 with AVX2). */
    public static int vectorLanes() {
        return GemmBlocking.LANES;
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Sgemm.multiply(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] y) {
        Convolution.forward(pool, g, x, w, y);
    }

    /** Packed XNOR/popcount ({@link BinaryConvolution}): exact, and several times faster than the float GEMM. */
    @Override
    public void binaryConv2dForward(ConvGeometry g, float[] signsX, float[] signsW, float[] y) {
        if (BinaryConvolution.supports(g)) {
            binaryConvolution.forward(g, signsX, signsW, y);
        } else {
            Convolution.forward(pool, g, signsX, signsW, y);
        }
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        Convolution.backwardData(pool, g, dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        Convolution.backwardWeights(pool, g, x, dy, dw);
    }

    @Override
    public void channelMeanVariance(float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        ChannelKernels.meanVariance(pool, x, n, c, hw, mean, variance);
    }

    @Override
    public void channelAffine(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        ChannelKernels.affine(pool, x, n, c, hw, scale, shift, y);
    }

    @Override
    public void batchNormOutput(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] gamma,
                                float[] beta, float[] xhat, float[] y) {
        ChannelKernels.affinePair(pool, x, n, c, hw, scale, shift, gamma, beta, xhat, y);
    }

    @Override
    public void batchNormBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma, float[] invStd,
                                  float[] dgamma, float[] dbeta, float[] dx) {
        ChannelKernels.batchNormBackward(pool, dy, xhat, n, c, hw, gamma, invStd, dgamma, dbeta, dx);
    }

    @Override
    public void hardtanhForward(float[] x, float[] y, int length) {
        ElementwiseKernels.hardtanhForward(pool, x, y, length);
    }

    @Override
    public void hardtanhBackward(float[] x, float[] dy, float[] dx, int length) {
        ElementwiseKernels.hardtanhBackward(pool, x, dy, dx, length);
    }

    @Override
    public void sgdUpdate(float[] w, float[] g, float[] velocity, int length, float lr, float momentum, float weightDecay) {
        ElementwiseKernels.sgdUpdate(pool, w, g, velocity, length, lr, momentum, weightDecay);
    }

    @Override
    public void standardiseRuns(float[] x, int runs, int len, float[] xhat, float[] signs, float[] invStd) {
        RunStandardisation.standardiseRuns(pool, x, runs, len, xhat, signs, invStd);
    }

    @Override
    public void standardiseRunsSignBackward(float[] xhat, int runs, int len, float[] invStd, float peak, float slope,
                                            float scale, float[] grad) {
        RunStandardisation.signBackward(pool, xhat, runs, len, invStd, peak, slope, scale, grad);
    }

    /**
     * The rotation every training forward applies to its filters, {@code R1^T X_j R2}, spread over the threads one
     * filter per task, each with the register-blocked {@link FilterRotationKernels#rotateFilter}, bit-identical to the
     * reference's. (The scalar loops, single-threaded, were 1.5% of a 2-thread epoch of resnet20_1w1a.)
     */
    @Override
    public void rotateFilters(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] out) {
        int n = a * b;
        // Every training batch of every binary layer comes here: the X_j R2 scratch is the thread's, not a new array.
        pool.parallelFor(filters, j -> FilterRotationKernels.rotateFilter(r1, r2, a, b, x, j * n,
                ScratchArrays.get(ScratchArrays.Slot.ROTATION, n), 0, out, j * n));
    }

    // Pooling: the reference kernels of PoolingReference (so the same floats), spread over the threads by planes.

    @Override
    public void maxPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, int padding, float[] y,
                                 int[] argmax) {
        overPlanes(planes, h * w, (p0, p1) ->
                PoolingReference.maxPoolPlanes(x, p0, p1, h, w, kernel, stride, padding, y, argmax));
    }

    @Override
    public void maxPool2dBackward(float[] dy, int[] argmax, int planes, int h, int w, int kernel, int stride,
                                  int padding, float[] dx) {
        overPlanes(planes, h * w, (p0, p1) ->
                PoolingReference.maxPoolGradPlanes(dy, argmax, p0, p1, h, w, kernel, stride, padding, dx));
    }

    @Override
    public void avgPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, float[] y) {
        overPlanes(planes, h * w, (p0, p1) -> PoolingReference.avgPoolPlanes(x, p0, p1, h, w, kernel, stride, y));
    }

    @Override
    public void avgPool2dBackward(float[] dy, int planes, int h, int w, int kernel, int stride, float[] dx) {
        overPlanes(planes, h * w, (p0, p1) ->
                PoolingReference.avgPoolGradPlanes(dy, p0, p1, h, w, kernel, stride, dx));
    }

    /** Planes {@code [p0, p1)}. */
    private interface PlaneRange {
        void run(int p0, int p1);
    }

    /** {@code body} over all planes in tasks of about 16K elements, so that a batch gives a few tasks per thread. */
    private void overPlanes(int planes, int planeSize, PlaneRange body) {
        int per = Math.max(1, (1 << 14) / Math.max(1, planeSize));
        pool.parallelFor((planes + per - 1) / per, t -> body.run(t * per, Math.min(planes, (t + 1) * per)));
    }

    @Override
    public void parallelFor(int tasks, IntConsumer body) {
        pool.parallelFor(tasks, body);
    }

    @Override
    public void close() {
        pool.close();
        binaryConvolution.close();
    }

    @Override
    public String toString() {
        return "SimdBackend[threads=" + threads() + ", lanes=" + vectorLanes() + "]";
    }
}
