package org.rbnn4j.core.compute;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.rbnn4j.core.rbnn.SignGradient;

/**
 * A backend that behaves like the most eager device backend the residency protocol of {@link ComputeBackend} allows,
 * so that tests can check that layers, optimiser and trainer keep the protocol, on the CPU.
 *
 * <p>Every array an operation touches gets a "device copy" here (a shadow array); operations run the delegate's
 * arithmetic on the shadows, and every {@code float[]} / {@code int[]} an operation writes is left newer on the
 * "device": its host array is filled with poison ({@link #POISON}, a NaN; {@link #INT_POISON}) until
 * {@link #syncToHost}. New device copies start as poison too, as device memory holds nothing meaningful. So:
 * <ul>
 *   <li>a caller that keeps the protocol gets the delegate's results bit for bit;</li>
 *   <li>host code that reads an array without {@link #syncToHost} reads NaNs, which the tests see in the results;</li>
 *   <li>host code that writes an array an operation then reads, without {@link #markHostWritten}, is caught by that
 *       operation ({@link ProtocolViolation}): the host copy no longer equals the device copy (or is no longer all
 *       poison).</li>
 * </ul>
 * {@code double[]} results are written to the host directly, as the protocol says. Not thread-safe (tests).
 */
public final class ResidencyCheckingBackend implements ComputeBackend {
    /** The host value of a float whose newest value is on the "device": a NaN with a recognisable payload. */
    public static final float POISON = Float.intBitsToFloat(0x7fc0dead);
    /** The host value of an int whose newest value is on the "device". */
    public static final int INT_POISON = Integer.MIN_VALUE + 0xdead;

    /** Thrown when host code wrote an array that an operation reads, without telling the backend. */
    public static final class ProtocolViolation extends IllegalStateException {
        ProtocolViolation(String message) {
            super(message);
        }
    }

    private enum State { IN_SYNC, HOST_NEWER, DEVICE_NEWER }

    private static final class Copy {
        final Object device;
        State state;

        Copy(Object device, State state) {
            this.device = device;
            this.state = state;
        }
    }

    private final ComputeBackend delegate;
    private final Map<Object, Copy> copies = new IdentityHashMap<>();
    private long uploads;
    private long downloads;

    public ResidencyCheckingBackend(ComputeBackend delegate) {
        this.delegate = delegate;
    }

    /** {@code {uploads, downloads}} so far (arrays copied host to device, device to host). */
    public long[] transfers() {
        return new long[] {uploads, downloads};
    }

    // ---------------------------------------------------------------- residency bookkeeping

    /** The device copy of an array an operation reads: uploaded if the host is newer, checked if both should agree. */
    private <T> T in(T host, String what) {
        if (host == null) {
            return null;
        }
        Copy c = copies.get(host);
        if (c == null) {
            c = new Copy(clone(host), State.IN_SYNC);
            copies.put(host, c);
            uploads++;
        } else if (c.state == State.HOST_NEWER) {
            System.arraycopy(host, 0, c.device, 0, length(host));
            c.state = State.IN_SYNC;
            uploads++;
        } else if (c.state == State.IN_SYNC && !sameBits(host, c.device)) {
            throw new ProtocolViolation(what + ": the host changed an array an operation reads without markHostWritten");
        } else if (c.state == State.DEVICE_NEWER && !allPoison(host)) {
            throw new ProtocolViolation(what + ": the host wrote an array whose newest values are on the device"
                    + " without syncToHost before and markHostWritten after");
        }
        @SuppressWarnings("unchecked")
        T device = (T) c.device;
        return device;
    }

    /** The device copy of an array an operation only writes (nothing is uploaded; a new copy holds poison). */
    private <T> T out(T host) {
        if (host == null) {
            return null;
        }
        Copy c = copies.get(host);
        if (c == null) {
            Object device = clone(host);
            poison(device);
            c = new Copy(device, State.IN_SYNC);
            copies.put(host, c);
        }
        @SuppressWarnings("unchecked")
        T device = (T) c.device;
        return device;
    }

    /** After an operation wrote {@code host}'s device copy: the device is newer, the host copy is poison. */
    private void wrote(Object host) {
        if (host == null) {
            return;
        }
        copies.get(host).state = State.DEVICE_NEWER;
        poison(host);
    }

    @Override
    public void syncToHost(float[]... arrays) {
        for (float[] a : arrays) {
            download(a);
        }
    }

    @Override
    public void markHostWritten(float[]... arrays) {
        for (float[] a : arrays) {
            Copy c = a == null ? null : copies.get(a);
            if (c != null) {
                c.state = State.HOST_NEWER;
            }
        }
    }

    @Override
    public void synchronizeHost() {
        for (Object host : copies.keySet()) {
            download(host);
        }
    }

    private void download(Object host) {
        Copy c = host == null ? null : copies.get(host);
        if (c != null && c.state == State.DEVICE_NEWER) {
            System.arraycopy(c.device, 0, host, 0, length(host));
            c.state = State.IN_SYNC;
            downloads++;
        }
    }

    private static Object clone(Object a) {
        if (a instanceof float[] f) {
            return f.clone();
        }
        if (a instanceof int[] i) {
            return i.clone();
        }
        throw new IllegalArgumentException("not a float[] or int[]: " + a.getClass());
    }

    private static int length(Object a) {
        return a instanceof float[] f ? f.length : ((int[]) a).length;
    }

    private static void poison(Object a) {
        if (a instanceof float[] f) {
            Arrays.fill(f, POISON);
        } else {
            Arrays.fill((int[]) a, INT_POISON);
        }
    }

    private static boolean allPoison(Object a) {
        if (a instanceof float[] f) {
            int bits = Float.floatToRawIntBits(POISON);
            for (float v : f) {
                if (Float.floatToRawIntBits(v) != bits) {
                    return false;
                }
            }
            return true;
        }
        for (int v : (int[]) a) {
            if (v != INT_POISON) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameBits(Object host, Object device) {
        if (host instanceof float[] f) {
            float[] d = (float[]) device;
            for (int i = 0; i < f.length; i++) {
                if (Float.floatToRawIntBits(f[i]) != Float.floatToRawIntBits(d[i])) {
                    return false;
                }
            }
            return true;
        }
        return Arrays.equals((int[]) host, (int[]) device);
    }

    // ---------------------------------------------------------------- operations

    @Override
    public String name() {
        return "checked-" + delegate.name();
    }

    @Override
    public int threads() {
        return delegate.threads();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        float[] da = in(a, "sgemm A");
        float[] db = in(b, "sgemm B");
        float[] dc = beta == 0 ? out(c) : in(c, "sgemm C");
        delegate.sgemm(transA, transB, m, n, k, alpha, da, aOff, lda, db, bOff, ldb, beta, dc, cOff, ldc);
        wrote(c);
    }

    @Override
    public void conv2dForward(ConvGeometry g, float[] x, float[] w, float[] y) {
        float[] dx = in(x, "conv2dForward x");
        float[] dw = in(w, "conv2dForward w");
        delegate.conv2dForward(g, dx, dw, out(y));
        wrote(y);
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        float[] ddy = in(dy, "conv2dBackwardData dy");
        float[] dw = in(w, "conv2dBackwardData w");
        delegate.conv2dBackwardData(g, ddy, dw, out(dx));
        wrote(dx);
    }

    @Override
    public void conv2dBackwardWeights(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        float[] dx = in(x, "conv2dBackwardWeights x");
        float[] ddy = in(dy, "conv2dBackwardWeights dy");
        delegate.conv2dBackwardWeights(g, dx, ddy, in(dw, "conv2dBackwardWeights dw (accumulated)"));
        wrote(dw);
    }

    @Override
    public void channelMeanVariance(float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        float[] dx = in(x, "channelMeanVariance x");
        delegate.channelMeanVariance(dx, n, c, hw, out(mean), out(variance));
        wrote(mean);
        wrote(variance);
    }

    @Override
    public void channelAffine(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        float[] dx = in(x, "channelAffine x");
        float[] ds = in(scale, "channelAffine scale");
        float[] dt = in(shift, "channelAffine shift");
        delegate.channelAffine(dx, n, c, hw, ds, dt, out(y));
        wrote(y);
    }

    @Override
    public void batchNormOutput(float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] gamma,
                                float[] beta, float[] xhat, float[] y) {
        float[] dx = in(x, "batchNormOutput x");
        float[] ds = in(scale, "batchNormOutput scale");
        float[] dt = in(shift, "batchNormOutput shift");
        float[] dg = in(gamma, "batchNormOutput gamma");
        float[] db = in(beta, "batchNormOutput beta");
        delegate.batchNormOutput(dx, n, c, hw, ds, dt, dg, db, out(xhat), out(y));
        wrote(xhat);
        wrote(y);
    }

    @Override
    public void batchNormBackward(float[] dy, float[] xhat, int n, int c, int hw, float[] gamma, float[] invStd,
                                  float[] dgamma, float[] dbeta, float[] dx) {
        float[] ddy = in(dy, "batchNormBackward dy");
        float[] dxhat = in(xhat, "batchNormBackward xhat");
        float[] dg = in(gamma, "batchNormBackward gamma");
        float[] di = in(invStd, "batchNormBackward invStd");
        float[] ddg = in(dgamma, "batchNormBackward dgamma (accumulated)");
        float[] ddb = in(dbeta, "batchNormBackward dbeta (accumulated)");
        delegate.batchNormBackward(ddy, dxhat, n, c, hw, dg, di, ddg, ddb, out(dx));
        wrote(dgamma);
        wrote(dbeta);
        wrote(dx);
    }

    @Override
    public void hardtanhForward(float[] x, float[] y, int length) {
        float[] dx = in(x, "hardtanhForward x");
        delegate.hardtanhForward(dx, out(y), length);
        wrote(y);
    }

    @Override
    public void hardtanhBackward(float[] x, float[] dy, float[] dx, int length) {
        float[] ddx = in(x, "hardtanhBackward x");
        float[] ddy = in(dy, "hardtanhBackward dy");
        delegate.hardtanhBackward(ddx, ddy, out(dx), length);
        wrote(dx);
    }

    @Override
    public void sgdUpdate(float[] w, float[] g, float[] velocity, int length, float lr, float momentum,
                          float weightDecay) {
        float[] dw = in(w, "sgdUpdate weights");
        float[] dg = in(g, "sgdUpdate gradient");
        float[] dv = in(velocity, "sgdUpdate velocity");
        delegate.sgdUpdate(dw, dg, dv, length, lr, momentum, weightDecay);
        wrote(w);
        wrote(velocity);
    }

    @Override
    public void maxPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, int padding, float[] y,
                                 int[] argmax) {
        float[] dx = in(x, "maxPool2dForward x");
        delegate.maxPool2dForward(dx, planes, h, w, kernel, stride, padding, out(y), out(argmax));
        wrote(y);
        wrote(argmax);
    }

    @Override
    public void maxPool2dBackward(float[] dy, int[] argmax, int planes, int h, int w, int kernel, int stride,
                                  int padding, float[] dx) {
        float[] ddy = in(dy, "maxPool2dBackward dy");
        int[] da = in(argmax, "maxPool2dBackward argmax");
        delegate.maxPool2dBackward(ddy, da, planes, h, w, kernel, stride, padding, out(dx));
        wrote(dx);
    }

    @Override
    public void avgPool2dForward(float[] x, int planes, int h, int w, int kernel, int stride, float[] y) {
        float[] dx = in(x, "avgPool2dForward x");
        delegate.avgPool2dForward(dx, planes, h, w, kernel, stride, out(y));
        wrote(y);
    }

    @Override
    public void avgPool2dBackward(float[] dy, int planes, int h, int w, int kernel, int stride, float[] dx) {
        float[] ddy = in(dy, "avgPool2dBackward dy");
        delegate.avgPool2dBackward(ddy, planes, h, w, kernel, stride, out(dx));
        wrote(dx);
    }

    @Override
    public void globalAvgPoolForward(float[] x, int planes, int hw, float[] y) {
        float[] dx = in(x, "globalAvgPoolForward x");
        delegate.globalAvgPoolForward(dx, planes, hw, out(y));
        wrote(y);
    }

    @Override
    public void globalAvgPoolBackward(float[] dy, int planes, int hw, float[] dx) {
        float[] ddy = in(dy, "globalAvgPoolBackward dy");
        delegate.globalAvgPoolBackward(ddy, planes, hw, out(dx));
        wrote(dx);
    }

    @Override
    public void add(float[] x, float[] y, float[] z, int length) {
        float[] dx = in(x, "add x");
        float[] dy = in(y, "add y");
        delegate.add(dx, dy, out(z), length);
        wrote(z);
    }

    @Override
    public void channelScale(float[] x, int n, int c, int hw, float[] scale, float[] y) {
        float[] dx = in(x, "channelScale x");
        float[] ds = in(scale, "channelScale scale");
        delegate.channelScale(dx, n, c, hw, ds, out(y));
        wrote(y);
    }

    @Override
    public void channelScaleBackward(float[] x, float[] dy, int n, int c, int hw, float[] scale, float[] scaleGrad,
                                     float[] dx) {
        float[] ddx = in(x, "channelScaleBackward x");
        float[] ddy = in(dy, "channelScaleBackward dy");
        float[] ds = in(scale, "channelScaleBackward scale");
        float[] dg = in(scaleGrad, "channelScaleBackward scaleGrad (accumulated)");
        delegate.channelScaleBackward(ddx, ddy, n, c, hw, ds, dg, out(dx));
        wrote(scaleGrad);
        wrote(dx);
    }

    @Override
    public void addChannelBias(float[] y, int n, int c, int hw, float[] bias) {
        float[] dy = in(y, "addChannelBias y (in place)");
        delegate.addChannelBias(dy, n, c, hw, in(bias, "addChannelBias bias"));
        wrote(y);
    }

    @Override
    public void accumulateChannelSums(float[] x, int n, int c, int hw, float[] sums) {
        float[] dx = in(x, "accumulateChannelSums x");
        delegate.accumulateChannelSums(dx, n, c, hw, in(sums, "accumulateChannelSums sums (accumulated)"));
        wrote(sums);
    }

    @Override
    public void padSubsample(float[] x, int n, int cin, int h, int w, int cout, int padFront, int stride, float[] y) {
        float[] dx = in(x, "padSubsample x");
        delegate.padSubsample(dx, n, cin, h, w, cout, padFront, stride, out(y));
        wrote(y);
    }

    @Override
    public void padSubsampleBackward(float[] dy, int n, int cin, int h, int w, int cout, int padFront, int stride,
                                     float[] dx) {
        float[] ddy = in(dy, "padSubsampleBackward dy");
        delegate.padSubsampleBackward(ddy, n, cin, h, w, cout, padFront, stride, out(dx));
        wrote(dx);
    }

    @Override
    public void fill(float[] a, float value) {
        delegate.fill(out(a), value);
        wrote(a);
    }

    @Override
    public void batchNormStatistics(float[] mean, float[] variance, int c, long count, double eps, double factor,
                                    float[] invStd, float[] shift, float[] runningMean, float[] runningVar) {
        float[] dm = in(mean, "batchNormStatistics mean");
        float[] dv = in(variance, "batchNormStatistics variance");
        float[] drm = in(runningMean, "batchNormStatistics running mean");
        float[] drv = in(runningVar, "batchNormStatistics running variance");
        delegate.batchNormStatistics(dm, dv, c, count, eps, factor, out(invStd), out(shift), drm, drv);
        wrote(invStd);
        wrote(shift);
        wrote(runningMean);
        wrote(runningVar);
    }

    @Override
    public void batchNormEvalAffine(float[] gamma, float[] beta, float[] runningMean, float[] runningVar, int c,
                                    double eps, float[] invStd, float[] scale, float[] shift) {
        float[] dg = in(gamma, "batchNormEvalAffine gamma");
        float[] db = in(beta, "batchNormEvalAffine beta");
        float[] drm = in(runningMean, "batchNormEvalAffine running mean");
        float[] drv = in(runningVar, "batchNormEvalAffine running variance");
        delegate.batchNormEvalAffine(dg, db, drm, drv, c, eps, out(invStd), out(scale), out(shift));
        wrote(invStd);
        wrote(scale);
        wrote(shift);
    }

    @Override
    public void blendAndSign(float[] standardised, float[] rotated, float[] theta, int filters, int len,
                             float[] blend, float[] blended, float[] signs) {
        float[] ds = in(standardised, "blendAndSign standardised");
        float[] dr = in(rotated, "blendAndSign rotated");
        float[] dt = in(theta, "blendAndSign theta");
        delegate.blendAndSign(ds, dr, dt, filters, len, out(blend), out(blended), out(signs));
        wrote(blend);
        wrote(blended);
        wrote(signs);
    }

    @Override
    public void blendBackward(float[] grad, float[] blended, float[] standardised, float[] rotated, float[] blend,
                              float[] theta, float[] invStd, int filters, int len, SignGradient surrogate, float t,
                              float k, float[] thetaGrad, float[] weightGrad) {
        float[] dg = in(grad, "blendBackward grad");
        float[] db = in(blended, "blendBackward blended");
        float[] ds = in(standardised, "blendBackward standardised");
        float[] dr = in(rotated, "blendBackward rotated");
        float[] dbl = in(blend, "blendBackward blend");
        float[] dt = in(theta, "blendBackward theta");
        float[] di = in(invStd, "blendBackward invStd");
        float[] dtg = in(thetaGrad, "blendBackward thetaGrad (accumulated)");
        float[] dwg = in(weightGrad, "blendBackward weightGrad (accumulated)");
        delegate.blendBackward(dg, db, ds, dr, dbl, dt, di, filters, len, surrogate, t, k, dtg, dwg);
        wrote(grad);
        wrote(thetaGrad);
        wrote(weightGrad);
    }

    @Override
    public void binaryConv2dForward(ConvGeometry g, float[] signsX, float[] signsW, float[] y) {
        float[] dx = in(signsX, "binaryConv2dForward signs of x");
        float[] dw = in(signsW, "binaryConv2dForward signs of w");
        delegate.binaryConv2dForward(g, dx, dw, out(y));
        wrote(y);
    }

    @Override
    public void standardiseRuns(float[] x, int runs, int len, float[] xhat, float[] signs, float[] invStd) {
        float[] dx = in(x, "standardiseRuns x");
        delegate.standardiseRuns(dx, runs, len, out(xhat), out(signs), out(invStd));
        wrote(xhat);
        if (signs != xhat) {
            wrote(signs);
        }
        wrote(invStd);
    }

    @Override
    public void standardiseRunsSignBackward(float[] xhat, int runs, int len, float[] invStd, float peak, float slope,
                                            float scale, float[] grad) {
        float[] dxhat = in(xhat, "standardiseRunsSignBackward xhat");
        float[] di = in(invStd, "standardiseRunsSignBackward invStd");
        delegate.standardiseRunsSignBackward(dxhat, runs, len, di, peak, slope, scale,
                in(grad, "standardiseRunsSignBackward grad (in place)"));
        wrote(grad);
    }

    @Override
    public void rotationSigns(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] signs, double[] d1) {
        float[] dx = in(x, "rotationSigns x");
        float[] d1r = in(r1, "rotationSigns r1");
        float[] d2r = in(r2, "rotationSigns r2");
        delegate.rotationSigns(dx, d1r, d2r, filters, a, b, out(signs), d1);
        wrote(signs);
    }

    @Override
    public void rotationRightCorrelation(float[] x, float[] r1, float[] signs, int filters, int a, int b, double[] d2) {
        float[] dx = in(x, "rotationRightCorrelation x");
        float[] d1r = in(r1, "rotationRightCorrelation r1");
        float[] ds = in(signs, "rotationRightCorrelation signs");
        delegate.rotationRightCorrelation(dx, d1r, ds, filters, a, b, d2);
    }

    @Override
    public void rotateFilters(float[] x, float[] r1, float[] r2, int filters, int a, int b, float[] outArray) {
        float[] dx = in(x, "rotateFilters x");
        float[] d1r = in(r1, "rotateFilters r1");
        float[] d2r = in(r2, "rotateFilters r2");
        delegate.rotateFilters(dx, d1r, d2r, filters, a, b, out(outArray));
        wrote(outArray);
    }

    /** Host code: runs as the delegate runs it (it must keep the protocol for the arrays it touches). */
    @Override
    public void parallelFor(int tasks, IntConsumer body) {
        delegate.parallelFor(tasks, body);
    }

    @Override
    public void close() {
        synchronizeHost();
        delegate.close();
    }
}
