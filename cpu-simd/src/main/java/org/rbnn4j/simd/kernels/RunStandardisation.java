package org.rbnn4j.simd.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.compute.kernels.StandardisationReference;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * Vector versions of the run standardisation of the compute SPI ({@code standardiseRuns},
 * {@code standardiseRunsSignBackward}): the per-sample activation standardisation of binary layers, its
 * {@code sign}, and their backward with a clipped-linear surrogate. One task per run (a sample of {@code C*H*W}
 * values), so each run's passes stay in its core's cache.
 *
 * <p><b>Bit for bit equal to {@link StandardisationReference}.</b> The reference sums in double as eight partial
 * sums, element {@code i} into sum {@code i % 8}; here each float of a group of 8 is widened into its own double
 * lane (one 8-lane vector, or two 4-lane vectors with 256-bit registers), so every lane adds exactly the terms of
 * one reference partial sum in the same order, and the lanes are combined in the reference's order. Products are
 * formed and added without fused multiply-adds, element-wise expressions in the reference's operation order. Where
 * doubles have neither 8 nor 4 lanes the reference itself runs.
 */
public final class RunStandardisation {
    private static final VectorSpecies<Float> WIDE = GemmBlocking.SPECIES;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    /** Double lanes of the preferred shape: 8 (AVX-512), 4 (AVX2), or another count (reference fallback). */
    static final int DOUBLE_LANES = DoubleVector.SPECIES_PREFERRED.length();

    private RunStandardisation() {
    }

    /** {@code ComputeBackend.standardiseRuns} on the pool. */
    public static void standardiseRuns(WorkerPool pool, float[] x, int runs, int len, float[] xhat, float[] signs,
                                       float[] invStd) {
        pool.parallelFor(runs, r -> invStd[r] = standardise(DOUBLE_LANES, x, r * len, len, xhat, signs, r * len));
    }

    /** {@code ComputeBackend.standardiseRunsSignBackward} on the pool. */
    public static void signBackward(WorkerPool pool, float[] xhat, int runs, int len, float[] invStd, float peak,
                                    float slope, float scale, float[] grad) {
        pool.parallelFor(runs, r -> signBackward(DOUBLE_LANES, xhat, r * len, len, invStd[r], peak, slope, scale,
                grad, r * len));
    }

    /** {@link StandardisationReference#standardise} with sums in {@code lanes}-wide double vectors (8 or 4). */
    static float standardise(int lanes, float[] x, int off, int len, float[] xhat, float[] signs, int outOff) {
        if (lanes != 8 && lanes != 4) {
            return StandardisationReference.standardise(x, off, len, xhat, signs, outOff);
        }
        float mean = mean(lanes, x, off, len);
        float inv = invStd(lanes, x, off, len, mean);
        FloatVector one = FloatVector.broadcast(WIDE, 1f);
        FloatVector minusOne = FloatVector.broadcast(WIDE, -1f);
        int i = 0;
        for (int upper = WIDE.loopBound(len); i < upper; i += WIDE.length()) {
            FloatVector v = FloatVector.fromArray(WIDE, x, off + i).sub(mean).mul(inv);
            if (xhat != null && xhat != signs) {
                v.intoArray(xhat, outOff + i);
            }
            if (signs != null) {
                minusOne.blend(one, v.compare(VectorOperators.GE, 0f)).intoArray(signs, outOff + i);
            }
        }
        for (; i < len; i++) {
            float v = (x[off + i] - mean) * inv;
            if (xhat != null) {
                xhat[outOff + i] = v;
            }
            if (signs != null) {
                signs[outOff + i] = v >= 0f ? 1f : -1f;
            }
        }
        return inv;
    }

    /** {@link StandardisationReference#signBackward} with sums in {@code lanes}-wide double vectors (8 or 4). */
    static void signBackward(int lanes, float[] xhat, int xOff, int len, float invStd, float peak, float slope,
                             float scale, float[] grad, int gOff) {
        if (lanes != 8 && lanes != 4) {
            StandardisationReference.signBackward(xhat, xOff, len, invStd, peak, slope, scale, grad, gOff);
            return;
        }
        // Pass 1: g = grad * surrogate(xhat), stored back; sum(g) and sum(g * xhat) in double lanes.
        double[] sums = new double[16];
        int i;
        if (lanes == 8) {
            DoubleVector accG = DoubleVector.zero(D8);
            DoubleVector accP = DoubleVector.zero(D8);
            for (i = 0; i <= len - 8; i += 8) {
                FloatVector xh = FloatVector.fromArray(F8, xhat, xOff + i);
                FloatVector g = FloatVector.fromArray(F8, grad, gOff + i).mul(surrogate(xh, peak, slope, scale));
                g.intoArray(grad, gOff + i);
                DoubleVector gd = (DoubleVector) g.convertShape(VectorOperators.F2D, D8, 0);
                DoubleVector xd = (DoubleVector) xh.convertShape(VectorOperators.F2D, D8, 0);
                accG = gd.add(accG);
                accP = gd.mul(xd).add(accP);
            }
            accG.intoArray(sums, 0);
            accP.intoArray(sums, 8);
        } else {
            DoubleVector accG0 = DoubleVector.zero(D4);
            DoubleVector accG1 = DoubleVector.zero(D4);
            DoubleVector accP0 = DoubleVector.zero(D4);
            DoubleVector accP1 = DoubleVector.zero(D4);
            for (i = 0; i <= len - 8; i += 8) {
                FloatVector xh0 = FloatVector.fromArray(F4, xhat, xOff + i);
                FloatVector xh1 = FloatVector.fromArray(F4, xhat, xOff + i + 4);
                FloatVector g0 = FloatVector.fromArray(F4, grad, gOff + i).mul(surrogate(xh0, peak, slope, scale));
                FloatVector g1 = FloatVector.fromArray(F4, grad, gOff + i + 4).mul(surrogate(xh1, peak, slope, scale));
                g0.intoArray(grad, gOff + i);
                g1.intoArray(grad, gOff + i + 4);
                DoubleVector gd0 = (DoubleVector) g0.convertShape(VectorOperators.F2D, D4, 0);
                DoubleVector gd1 = (DoubleVector) g1.convertShape(VectorOperators.F2D, D4, 0);
                accG0 = gd0.add(accG0);
                accG1 = gd1.add(accG1);
                accP0 = gd0.mul((DoubleVector) xh0.convertShape(VectorOperators.F2D, D4, 0)).add(accP0);
                accP1 = gd1.mul((DoubleVector) xh1.convertShape(VectorOperators.F2D, D4, 0)).add(accP1);
            }
            accG0.intoArray(sums, 0);
            accG1.intoArray(sums, 4);
            accP0.intoArray(sums, 8);
            accP1.intoArray(sums, 12);
        }
        for (; i < len; i++) {
            float g = grad[gOff + i] * StandardisationReference.clippedLinear(xhat[xOff + i], peak, slope, scale);
            grad[gOff + i] = g;
            sums[0] += g;
            sums[8] += (double) g * xhat[xOff + i];
        }
        float meanG = (float) (combine(sums, 0) / len);
        float proj = (float) (combine(sums, 8) / (len - 1));
        // Pass 2: dL/dx = invStd * (g - mean(g) - xhat * proj).
        i = 0;
        for (int upper = WIDE.loopBound(len); i < upper; i += WIDE.length()) {
            FloatVector g = FloatVector.fromArray(WIDE, grad, gOff + i);
            FloatVector xh = FloatVector.fromArray(WIDE, xhat, xOff + i);
            g.sub(meanG).sub(xh.mul(proj)).mul(invStd).intoArray(grad, gOff + i);
        }
        for (; i < len; i++) {
            grad[gOff + i] = invStd * (grad[gOff + i] - meanG - xhat[xOff + i] * proj);
        }
    }

    /** {@code max(0, scale * (peak - slope * |x|))}, 0 where that is NaN, as {@link StandardisationReference#clippedLinear}. */
    private static FloatVector surrogate(FloatVector x, float peak, float slope, float scale) {
        FloatVector d = FloatVector.broadcast(x.species(), peak).sub(x.abs().mul(slope)).mul(scale);
        VectorMask<Float> positive = d.compare(VectorOperators.GT, 0f);
        return d.blend(0f, positive.not());
    }

    static float mean(int lanes, float[] x, int off, int len) {
        double[] sums = new double[8];
        int i = 0;
        if (lanes == 8) {
            DoubleVector acc = DoubleVector.zero(D8);
            for (; i <= len - 8; i += 8) {
                acc = ((DoubleVector) FloatVector.fromArray(F8, x, off + i)
                        .convertShape(VectorOperators.F2D, D8, 0)).add(acc);
            }
            acc.intoArray(sums, 0);
        } else {
            DoubleVector acc0 = DoubleVector.zero(D4);
            DoubleVector acc1 = DoubleVector.zero(D4);
            for (; i <= len - 8; i += 8) {
                acc0 = ((DoubleVector) FloatVector.fromArray(F4, x, off + i)
                        .convertShape(VectorOperators.F2D, D4, 0)).add(acc0);
                acc1 = ((DoubleVector) FloatVector.fromArray(F4, x, off + i + 4)
                        .convertShape(VectorOperators.F2D, D4, 0)).add(acc1);
            }
            acc0.intoArray(sums, 0);
            acc1.intoArray(sums, 4);
        }
        for (; i < len; i++) {
            sums[0] += x[off + i];
        }
        return (float) (combine(sums, 0) / len);
    }

    static float invStd(int lanes, float[] x, int off, int len, float mean) {
        double[] sums = new double[8];
        int i = 0;
        if (lanes == 8) {
            DoubleVector acc = DoubleVector.zero(D8);
            for (; i <= len - 8; i += 8) {
                DoubleVector d = (DoubleVector) FloatVector.fromArray(F8, x, off + i).sub(mean)
                        .convertShape(VectorOperators.F2D, D8, 0);
                acc = d.mul(d).add(acc);
            }
            acc.intoArray(sums, 0);
        } else {
            DoubleVector acc0 = DoubleVector.zero(D4);
            DoubleVector acc1 = DoubleVector.zero(D4);
            for (; i <= len - 8; i += 8) {
                DoubleVector d0 = (DoubleVector) FloatVector.fromArray(F4, x, off + i).sub(mean)
                        .convertShape(VectorOperators.F2D, D4, 0);
                DoubleVector d1 = (DoubleVector) FloatVector.fromArray(F4, x, off + i + 4).sub(mean)
                        .convertShape(VectorOperators.F2D, D4, 0);
                acc0 = d0.mul(d0).add(acc0);
                acc1 = d1.mul(d1).add(acc1);
            }
            acc0.intoArray(sums, 0);
            acc1.intoArray(sums, 4);
        }
        for (; i < len; i++) {
            double d = x[off + i] - mean;
            sums[0] += d * d;
        }
        double std = Math.sqrt(combine(sums, 0) / (len - 1));
        return std > 0 ? (float) (1.0 / std) : 0f;
    }

    /** The reference's combination of eight partial sums {@code s[from .. from+8)}. */
    private static double combine(double[] s, int from) {
        return ((s[from] + s[from + 1]) + (s[from + 2] + s[from + 3]))
                + ((s[from + 4] + s[from + 5]) + (s[from + 6] + s[from + 7]));
    }
}
