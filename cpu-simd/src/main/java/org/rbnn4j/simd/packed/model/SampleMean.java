package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.rbnn.StandardisationKernels;

/**
 * The per-image mean a binary layer thresholds at, equal bit for bit to {@link StandardisationKernels#mean} of the
 * image in NCHW order, computed from the image in any order (NHWC, as the fused layers leave it).
 *
 * <p>{@code StandardisationKernels.mean} sums the floats in double in some order and returns
 * {@code (float) (sum / len)}. Any double summation of {@code n} terms is within {@code (n - 1) u sum|x|} of the exact
 * sum ({@code u = 2^-53}), whatever its order, so its result and ours (a vector sum in another order) both lie in an
 * interval around ours of half-width {@code err} (bounded below with a factor of 2 to spare). Rounding to float is
 * monotone: when both ends of the interval round to the same float, so do both sums, and that float is the mean.
 * Only when a float rounding boundary falls inside the interval (rarely: the interval is about
 * {@code 4 n u mean|x|} wide, a small fraction of a float step unless the mean is tiny next to {@code mean|x|}), or
 * for non-finite values, does {@link #of} transpose the image to NCHW and call {@code StandardisationKernels.mean}
 * itself. So the result is exact by construction, and stays so whatever order the reference sums in.
 */
final class SampleMean {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * Floats with as many lanes as {@link #D}, half its width: each load widens in one conversion of the whole vector
     * (converting the upper half of a full-width float vector was measured much slower).
     */
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, D.vectorBitSize() / 2)));

    private SampleMean() {
    }

    /**
     * {@code StandardisationKernels.mean} of an image held NHWC ({@code hw} pixels of {@code c} channels at
     * {@code x[off ..]}), bit for bit; {@code scratch} holds at least {@code c * hw} floats for the rare fallback.
     */
    static float ofNhwc(float[] x, int off, int c, int hw, float[] scratch) {
        int len = c * hw;
        float fast = decided(x, off, len);
        if (!Float.isNaN(fast)) {
            return fast;
        }
        LayoutOps.nhwcToNchw(x, off, scratch, 0, c, hw);
        return StandardisationKernels.mean(scratch, 0, len);
    }

    /**
     * The mean of {@code x[off .. off + len)} if every double summation order gives the same float result, else NaN
     * (undecided: near a float rounding boundary, or non-finite values).
     */
    static float decided(float[] x, int off, int len) {
        if (F.length() != D.length() || len < 2) {
            return Float.NaN;
        }
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int lanes = F.length();
        int i = 0;
        for (int bound = len - 2 * lanes; i <= bound; i += 2 * lanes) {
            DoubleVector lo = (DoubleVector) FloatVector.fromArray(F, x, off + i)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector hi = (DoubleVector) FloatVector.fromArray(F, x, off + i + lanes)
                    .convertShape(VectorOperators.F2D, D, 0);
            s0 = s0.add(lo);
            s1 = s1.add(hi);
            a0 = a0.add(lo.abs());
            a1 = a1.add(hi.abs());
        }
        double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        double abs = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += x[off + i];
            abs += Math.abs(x[off + i]);
        }
        return decide(sum, abs, len);
    }

    /**
     * The mean from a double sum {@code sum} of {@code len} floats (in any order) and the sum {@code abs} of their
     * magnitudes, if every double summation order gives the same float mean; else NaN.
     */
    static float decide(double sum, double abs, int len) {
        if (!Double.isFinite(sum) || !Double.isFinite(abs) || len < 2) {
            return Float.NaN;
        }
        double mean = sum / len;
        // Each of the two sums is within (len - 1) u abs of the exact sum, each division adds u |mean|: 4 (len + 2) u
        // abs / len bounds the distance between the two means twice over, which also absorbs the rounding of abs
        // and of mean +- err themselves.
        double err = abs / len * (len + 2.0) * 0x1p-51;
        float lo = (float) (mean - err);
        float hi = (float) (mean + err);
        // (-0f == 0f: a tiny mean whose interval straddles zero has an undecided sign bit, so leave it to the
        // reference; with err == 0 every value is a zero and both sums are +0.)
        return lo == hi && (lo != 0f || err == 0) ? lo : Float.NaN;
    }
}
