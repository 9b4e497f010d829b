package org.rbnn4j.simd.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * Element-wise kernels (vector versions of {@link org.rbnn4j.core.compute.kernels.ElementwiseReference}). They use
 * the reference's operations in the reference's order (no fused multiply-add), so results are bit-identical to it;
 * NaN and signed zeros behave alike too (comparisons and blends, not min/max).
 */
public final class ElementwiseKernels {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;
    /** Long arrays are split over the pool in chunks of at least this many elements. */
    private static final int PARALLEL_CHUNK = 1 << 16;

    private ElementwiseKernels() {
    }

    public static void hardtanhForward(WorkerPool pool, float[] x, float[] y, int length) {
        forRanges(pool, length, (from, to) -> {
            int i = from;
            for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                v = v.blend(-1f, v.compare(VectorOperators.LT, -1f));
                v = v.blend(1f, v.compare(VectorOperators.GT, 1f));
                v.intoArray(y, i);
            }
            for (; i < to; i++) {
                float v = x[i];
                y[i] = v < -1f ? -1f : (v > 1f ? 1f : v);
            }
        });
    }

    public static void hardtanhBackward(WorkerPool pool, float[] x, float[] dy, float[] dx, int length) {
        forRanges(pool, length, (from, to) -> {
            FloatVector zero = FloatVector.zero(S);
            int i = from;
            for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                VectorMask<Float> inside = v.compare(VectorOperators.GE, -1f).and(v.compare(VectorOperators.LE, 1f));
                zero.blend(FloatVector.fromArray(S, dy, i), inside).intoArray(dx, i);
            }
            for (; i < to; i++) {
                dx[i] = (x[i] >= -1f && x[i] <= 1f) ? dy[i] : 0f;
            }
        });
    }

    public static void sgdUpdate(WorkerPool pool, float[] w, float[] g, float[] velocity, int length,
                                 float lr, float momentum, float weightDecay) {
        forRanges(pool, length, (from, to) -> {
            int i = from;
            for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
                FloatVector wv = FloatVector.fromArray(S, w, i);
                FloatVector grad = FloatVector.fromArray(S, g, i).add(wv.mul(weightDecay));
                FloatVector vel = FloatVector.fromArray(S, velocity, i).mul(momentum).add(grad);
                vel.intoArray(velocity, i);
                wv.sub(vel.mul(lr)).intoArray(w, i);
            }
            for (; i < to; i++) {
                float grad = g[i] + weightDecay * w[i];
                float vel = momentum * velocity[i] + grad;
                velocity[i] = vel;
                w[i] -= lr * vel;
            }
        });
    }

    private interface RangeBody {
        void run(int from, int to);
    }

    private static void forRanges(WorkerPool pool, int length, RangeBody body) {
        // A few ranges per thread, taken dynamically: a descheduled thread does not hold up the loop.
        int tasks = Math.max(1, Math.min(4 * pool.effectiveThreads(), length / PARALLEL_CHUNK));
        if (tasks == 1) {
            body.run(0, length);
            return;
        }
        pool.parallelFor(tasks, t -> body.run(WorkerPool.splitPoint(length, tasks, t, S.length()),
                WorkerPool.splitPoint(length, tasks, t + 1, S.length())));
    }
}
