package org.rbnn4j.simd.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * Per-channel kernels of batch normalisation over {@code [n, c, hw]} (the vector versions of
 * {@link org.rbnn4j.core.compute.kernels.NormReference}). Sums run in float vector lanes along each contiguous row
 * of {@code hw} values and are added up in double across rows, which keeps them within float rounding of the
 * double-precision reference; the element-wise parts use the reference's operation order, so they agree with it
 * bit for bit given the same sums.
 */
public final class ChannelKernels {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;
    /** Below this many elements a call stays on one thread. */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 15;

    private ChannelKernels() {
    }

    public static void meanVariance(WorkerPool pool, float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        double count = (double) n * hw;
        forChannels(pool, n, c, hw, ch -> {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += sum(x, (i * c + ch) * hw, hw);
            }
            float m = (float) (sum / count);
            double squares = 0;
            for (int i = 0; i < n; i++) {
                squares += sumSquaredDeviation(x, (i * c + ch) * hw, hw, m);
            }
            mean[ch] = m;
            variance[ch] = (float) (squares / count);
        });
    }

    public static void affine(WorkerPool pool, float[] x, int n, int c, int hw, float[] scale, float[] shift, float[] y) {
        int rows = n * c;
        int tasks = tasks(pool, (long) rows * hw, rows);
        pool.parallelFor(tasks, t -> {
            int r1 = WorkerPool.splitPoint(rows, tasks, t + 1, 1);
            for (int r = WorkerPool.splitPoint(rows, tasks, t, 1); r < r1; r++) {
                int ch = r % c;
                affineRow(x, y, r * hw, hw, scale[ch], shift[ch]);
            }
        });
    }

    public static void batchNormBackward(WorkerPool pool, float[] dy, float[] xhat, int n, int c, int hw,
                                         float[] gamma, float[] invStd, float[] dgamma, float[] dbeta, float[] dx) {
        float m = (float) n * hw;
        forChannels(pool, n, c, hw, ch -> {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * c + ch) * hw;
                sumDy += sum(dy, base, hw);
                sumDyXhat += dot(dy, xhat, base, hw);
            }
            dgamma[ch] += (float) sumDyXhat;
            dbeta[ch] += (float) sumDy;
            float k = gamma[ch] * invStd[ch] / m;
            float sDy = (float) sumDy;
            float sDyXhat = (float) sumDyXhat;
            for (int i = 0; i < n; i++) {
                backwardRow(dy, xhat, dx, (i * c + ch) * hw, hw, m, sDy, sDyXhat, k);
            }
        });
    }

    private interface ChannelBody {
        void run(int channel);
    }

    private static void forChannels(WorkerPool pool, int n, int c, int hw, ChannelBody body) {
        int tasks = tasks(pool, (long) n * c * hw, c);
        pool.parallelFor(tasks, t -> {
            int c1 = WorkerPool.splitPoint(c, tasks, t + 1, 1);
            for (int ch = WorkerPool.splitPoint(c, tasks, t, 1); ch < c1; ch++) {
                body.run(ch);
            }
        });
    }

    private static int tasks(WorkerPool pool, long elements, int units) {
        if (elements < PARALLEL_MIN_ELEMENTS) {
            return Math.min(1, units);
        }
        return Math.min(pool.effectiveThreads(), units);
    }

    /**
     * The lanes of {@code v} added in lane order. {@code reduceLanes(ADD)} leaves the order unspecified, and the
     * interpreter and the JIT-compiled intrinsic do use different orders: the same input would give different sums
     * before and after compilation, and training would not repeat bit for bit.
     */
    static double laneSum(FloatVector v) {
        float[] lanes = new float[S.length()];
        v.intoArray(lanes, 0);
        double s = 0;
        for (float f : lanes) {
            s += f;
        }
        return s;
    }

    static double sum(float[] x, int off, int len) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int lanes = S.length();
        int i = 0;
        for (int upper = len - 2 * lanes; i <= upper; i += 2 * lanes) {
            acc0 = acc0.add(FloatVector.fromArray(S, x, off + i));
            acc1 = acc1.add(FloatVector.fromArray(S, x, off + i + lanes));
        }
        for (int upper = S.loopBound(len); i < upper; i += lanes) {
            acc0 = acc0.add(FloatVector.fromArray(S, x, off + i));
        }
        double s = laneSum(acc0.add(acc1));
        for (; i < len; i++) {
            s += x[off + i];
        }
        return s;
    }

    static double sumSquaredDeviation(float[] x, int off, int len, float mean) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(mean);
            acc = d.fma(d, acc);
        }
        double s = laneSum(acc);
        for (; i < len; i++) {
            double d = x[off + i] - mean;
            s += d * d;
        }
        return s;
    }

    static double dot(float[] a, float[] b, int off, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            acc = FloatVector.fromArray(S, a, off + i).fma(FloatVector.fromArray(S, b, off + i), acc);
        }
        double s = laneSum(acc);
        for (; i < len; i++) {
            s += (double) a[off + i] * b[off + i];
        }
        return s;
    }

    private static void affineRow(float[] x, float[] y, int off, int len, float scale, float shift) {
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, off + i).mul(scale).add(shift).intoArray(y, off + i);
        }
        for (; i < len; i++) {
            y[off + i] = x[off + i] * scale + shift;
        }
    }

    private static void backwardRow(float[] dy, float[] xhat, float[] dx, int off, int len,
                                    float m, float sumDy, float sumDyXhat, float k) {
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dy, off + i);
            FloatVector xh = FloatVector.fromArray(S, xhat, off + i);
            d.mul(m).sub(sumDy).sub(xh.mul(sumDyXhat)).mul(k).intoArray(dx, off + i);
        }
        for (; i < len; i++) {
            dx[off + i] = k * (m * dy[off + i] - sumDy - xhat[off + i] * sumDyXhat);
        }
    }
}
