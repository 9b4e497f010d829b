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

    private static final ThreadLocal<double[]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    private ChannelKernels() {
    }

    /**
     * Per-channel mean and biased variance in one sequential pass over memory: each (image, channel) row's sum and
     * squared deviations around its own mean are taken while the row is in L1 (one task per range of rows), then
     * the rows of a channel are combined in image order with {@code sum((x - m)^2) = sum_rows(M2_r + hw (mu_r - m)^2)}
     * around the channel's float mean {@code m}, the reference's definition. (Walking a channel at a time instead
     * strides through memory one row per image, twice.)
     */
    public static void meanVariance(WorkerPool pool, float[] x, int n, int c, int hw, float[] mean, float[] variance) {
        int rows = n * c;
        double[] stats = rowScratch(2 * rows);
        forRows(pool, rows, hw, r -> {
            int off = r * hw;
            double s = sum(x, off, hw);
            float rowMean = (float) (s / hw);
            double mu = s / hw;
            // Deviations around the float row mean, corrected to the exact one.
            double d = mu - rowMean;
            stats[r] = s;
            stats[rows + r] = sumSquaredDeviation(x, off, hw, rowMean) - hw * d * d;
        });
        double count = (double) n * hw;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += stats[i * c + ch];
            }
            float m = (float) (sum / count);
            double squares = 0;
            for (int i = 0; i < n; i++) {
                int r = i * c + ch;
                double d = stats[r] / hw - m;
                squares += stats[rows + r] + hw * d * d;
            }
            mean[ch] = m;
            variance[ch] = (float) (squares / count);
        }
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

    /**
     * {@code xhat = x * scale[ch] + shift[ch]} and {@code y = xhat * gamma[ch] + beta[ch]} in one pass (the output of
     * training-mode batch normalisation), with the arithmetic of two {@link #affine} calls.
     */
    public static void affinePair(WorkerPool pool, float[] x, int n, int c, int hw, float[] scale, float[] shift,
                                  float[] gamma, float[] beta, float[] xhat, float[] y) {
        forRows(pool, n * c, hw, r -> {
            int ch = r % c;
            int off = r * hw;
            float s = scale[ch];
            float t = shift[ch];
            float gm = gamma[ch];
            float b = beta[ch];
            int i = 0;
            for (int upper = S.loopBound(hw); i < upper; i += S.length()) {
                FloatVector xh = FloatVector.fromArray(S, x, off + i).mul(s).add(t);
                xh.intoArray(xhat, off + i);
                xh.mul(gm).add(b).intoArray(y, off + i);
            }
            for (; i < hw; i++) {
                float xh = x[off + i] * s + t;
                xhat[off + i] = xh;
                y[off + i] = xh * gm + b;
            }
        });
    }

    /**
     * Backward of training-mode batch normalisation in two sequential passes over memory: per (image, channel) row
     * the sums of {@code dy} and {@code dy * xhat} (one task per range of rows), combined per channel in image
     * order; then {@code dx} row by row.
     */
    public static void batchNormBackward(WorkerPool pool, float[] dy, float[] xhat, int n, int c, int hw,
                                         float[] gamma, float[] invStd, float[] dgamma, float[] dbeta, float[] dx) {
        int rows = n * c;
        double[] stats = rowScratch(2 * rows + 3 * c);
        forRows(pool, rows, hw, r -> {
            int off = r * hw;
            stats[r] = sum(dy, off, hw);
            stats[rows + r] = dot(dy, xhat, off, hw);
        });
        float m = (float) n * hw;
        int coefficients = 2 * rows;
        for (int ch = 0; ch < c; ch++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                sumDy += stats[i * c + ch];
                sumDyXhat += stats[rows + i * c + ch];
            }
            dgamma[ch] += (float) sumDyXhat;
            dbeta[ch] += (float) sumDy;
            stats[coefficients + 3 * ch] = (float) sumDy;
            stats[coefficients + 3 * ch + 1] = (float) sumDyXhat;
            stats[coefficients + 3 * ch + 2] = gamma[ch] * invStd[ch] / m;
        }
        forRows(pool, rows, hw, r -> {
            int ch = r % c;
            int k = coefficients + 3 * ch;
            backwardRow(dy, xhat, dx, r * hw, hw, m, (float) stats[k], (float) stats[k + 1], (float) stats[k + 2]);
        });
    }

    private interface RowBody {
        void run(int row);
    }

    /** {@code body} for every row of {@code rows}, in contiguous ranges of rows per task. */
    private static void forRows(WorkerPool pool, int rows, int hw, RowBody body) {
        int threads = tasks(pool, (long) rows * hw, rows);
        // A few ranges per thread, so that one descheduled thread does not hold up the loop.
        int tasks = threads == 1 ? 1 : Math.min(rows, threads * 4);
        pool.parallelFor(tasks, t -> {
            int r1 = WorkerPool.splitPoint(rows, tasks, t + 1, 1);
            for (int r = WorkerPool.splitPoint(rows, tasks, t, 1); r < r1; r++) {
                body.run(r);
            }
        });
    }

    /** The calling thread's scratch of at least {@code length} doubles (per-row sums; tasks write disjoint parts). */
    private static double[] rowScratch(int length) {
        double[] a = ROW_SCRATCH.get();
        if (a.length < length) {
            a = new double[length];
            ROW_SCRATCH.set(a);
        }
        return a;
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
        // Lane by lane (a constant-length loop the JIT unrolls into lane extracts): no array per call.
        double s = 0;
        for (int i = 0; i < S.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    static double sum(float[] x, int off, int len) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int lanes = S.length();
        int i = 0;
        for (int upper = len - 2 * lanes; i <= upper; i += 2 * lanes) {
            acc0 = FloatVector.fromArray(S, x, off + i).add(acc0);
            acc1 = FloatVector.fromArray(S, x, off + i + lanes).add(acc1);
        }
        for (int upper = S.loopBound(len); i < upper; i += lanes) {
            acc0 = FloatVector.fromArray(S, x, off + i).add(acc0);
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
