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
 * <p>{@code StandardisationKernels.mean} sums the floats in double and returns {@code (float) (sum / len)}. Any
 * summation of {@code n} terms in which no term takes part in more than {@code d} additions is within
 * {@code gamma_d sum|x|} of the exact sum ({@code gamma_d = d u / (1 - d u)}, {@code u = 2^-53}; Higham, <i>Accuracy
 * and Stability of Numerical Algorithms</i>, eq. 4.3). The reference's eight interleaved partial sums give
 * {@code d <= len/8 + 10}; ours (vector lanes, then a reduction) pass their own depth to {@link #decide}. So both
 * results lie in an interval around ours whose half-width {@code err} follows from the two depths (with a factor of 2
 * to spare, which also absorbs the divisions and the rounding of {@code err} itself). Rounding to float is monotone:
 * when both ends of the interval round to the same float, so do both sums, and that float is the mean. Only when a
 * float rounding boundary falls inside the interval (rarely: its half-width is about {@code (3/8) len u mean|x|} when
 * our lanes hold {@code len/16} terms each), or for non-finite values, does {@link #reference} repeat
 * {@code StandardisationKernels.mean}'s own summation, in its order. So the result is exact by construction.
 *
 * <p>The depth bound, not the generic {@code (n - 1) u sum|x|}, matters for images whose mean is small next to
 * their mean magnitude (balanced hardtanh outputs): the generic bound gives a half-width of about
 * {@code 4 len u mean|x|}, and with it vgg_small_1w1a's second binary layer
 * (65,536 values, mean about 1e-3, mean magnitude 0.4) fell back to the reference for one image in eight.
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
     * {@code x[off ..]}), bit for bit.
     */
    static float ofNhwc(float[] x, int off, int c, int hw) {
        float fast = decided(x, off, c * hw);
        return Float.isNaN(fast) ? reference(x, off, c, hw) : fast;
    }

    /**
     * {@code StandardisationKernels.mean} of the NHWC image as if it were NCHW, bit for bit, read in place: for callers
     * whose own sums left the mean undecided. The reference sums in double into eight running sums, NCHW index
     * {@code i = ch * hw + p} into sum {@code i % 8} (the last {@code len % 8} into sum 0), in index order, and returns
     * {@code (float) (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) / len)}; walking channels outer and pixels inner
     * gives every sum its terms in that order.
     *
     * <p>Scalar on purpose: this runs for a few images in a hundred, so it is often still interpreted or in C1's first
     * tier, where Vector API code costs milliseconds per call. The transpose to NCHW (vector blocks) and the reference
     * it replaced took 65 ms on its first call, 2-4 ms on the next ones and about 0.1 ms once compiled, for 65,536
     * floats.
     */
    static float reference(float[] x, int off, int c, int hw) {
        int len = c * hw;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        if (hw % 8 == 0) {
            // i % 8 = p % 8 for every channel, and no tail.
            for (int ch = 0; ch < c; ch++) {
                int base = off + ch;
                for (int p = 0; p < hw; p += 8) {
                    int q = base + p * c;
                    s0 += x[q];
                    s1 += x[q + c];
                    s2 += x[q + 2 * c];
                    s3 += x[q + 3 * c];
                    s4 += x[q + 4 * c];
                    s5 += x[q + 5 * c];
                    s6 += x[q + 6 * c];
                    s7 += x[q + 7 * c];
                }
            }
        } else {
            double[] s = new double[8];
            int main = len - len % 8;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0, i = ch * hw; p < hw; p++, i++) {
                    s[i < main ? i & 7 : 0] += x[off + p * c + ch];
                }
            }
            s0 = s[0];
            s1 = s[1];
            s2 = s[2];
            s3 = s[3];
            s4 = s[4];
            s5 = s[5];
            s6 = s[6];
            s7 = s[7];
        }
        return (float) ((((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) / len);
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
            // The new terms receive the running sums, never the other way round (ProfileFreeJitTest).
            s0 = lo.add(s0);
            s1 = hi.add(s1);
            a0 = lo.abs().add(a0);
            a1 = hi.abs().add(a1);
        }
        double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        double abs = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            sum += x[off + i];
            abs += Math.abs(x[off + i]);
        }
        // Lanes of len / (2 lanes) terms, s0 + s1, a reduction of the lanes, fewer than 2 lanes tail terms.
        return decide(sum, abs, len, len / (2 * lanes) + 3 * lanes + 1);
    }

    /**
     * {@link #ofNhwc} for values of magnitude at most {@code bound} (a hardtanh's output): their sum only, decided by
     * {@link #decideBounded} (the magnitudes are summed only if the bound leaves the mean undecided), else the
     * reference. The loop counts vectors by one, so that C2 compiles it as a counted loop without a range check per
     * load (see {@code FusedBinaryConv.finishChunk}).
     */
    static float ofNhwcBounded(float[] x, int off, int c, int hw, float bound) {
        int len = c * hw;
        int lanes = F.length();
        if (lanes != D.length() || len < 2) {
            return ofNhwc(x, off, c, hw);
        }
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        int vectors = len / (2 * lanes);
        for (int k = 0; k < vectors; k++) {
            int i = off + k * 2 * lanes;
            // The new terms receive the running sums, never the other way round (ProfileFreeJitTest).
            s0 = ((DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0)).add(s0);
            s1 = ((DoubleVector) FloatVector.fromArray(F, x, i + lanes).convertShape(VectorOperators.F2D, D, 0))
                    .add(s1);
        }
        double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (int i = vectors * 2 * lanes; i < len; i++) {
            sum += x[off + i];
        }
        // As decided: lanes of len / (2 lanes) terms, s0 + s1, a reduction of the lanes, fewer than 2 lanes tail terms.
        float t = decideBounded(sum, bound, x, off, len, len / (2 * lanes) + 3 * lanes + 1);
        return Float.isNaN(t) ? reference(x, off, c, hw) : t;
    }

    /**
     * {@code sum |x[off + i]|} over {@code len} floats in double (any order: {@link #decide} takes it as a bound on the
     * magnitudes, with room for its rounding).
     */
    static double magnitudeSum(float[] x, int off, int len) {
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        int lanes = F.length();
        int i = 0;
        if (F.length() == D.length()) {
            for (int bound = len - 2 * lanes; i <= bound; i += 2 * lanes) {
                a0 = ((DoubleVector) FloatVector.fromArray(F, x, off + i)
                        .convertShape(VectorOperators.F2D, D, 0)).abs().add(a0);
                a1 = ((DoubleVector) FloatVector.fromArray(F, x, off + i + lanes)
                        .convertShape(VectorOperators.F2D, D, 0)).abs().add(a1);
            }
        }
        double abs = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            abs += Math.abs(x[off + i]);
        }
        return abs;
    }

    /**
     * {@link #decide} for {@code len} values of magnitude at most {@code bound} held at {@code x[off ..]}: first with
     * {@code len * bound} as the bound on their magnitudes (no pass over them: their sum of magnitudes need not be
     * gathered), then, only if that leaves the mean undecided, with their {@link #magnitudeSum}.
     */
    static float decideBounded(double sum, float bound, float[] x, int off, int len, int depth) {
        float t = decide(sum, (double) len * bound, len, depth);
        return Float.isNaN(t) ? decide(sum, magnitudeSum(x, off, len), len, depth) : t;
    }

    /** Most additions any term of {@link StandardisationKernels#mean}'s sum takes part in, for {@code len} terms. */
    static int referenceDepth(int len) {
        // Eight running sums of len/8 terms, up to 7 tail terms added to the first, then a tree of depth 3.
        return len / 8 + 10;
    }

    /**
     * The mean from a double sum {@code sum} of {@code len} floats and the sum {@code abs} of their magnitudes (or an
     * upper bound of it), if every double summation of depth at most {@code depth} (ours) or
     * {@link #referenceDepth} (the reference's) gives the same float mean; else NaN. {@code depth} is the most
     * additions any term took part in on the caller's side.
     */
    static float decide(double sum, double abs, int len, int depth) {
        if (!Double.isFinite(sum) || !Double.isFinite(abs) || len < 2) {
            return Float.NaN;
        }
        double mean = sum / len;
        // |ours - reference| <= (gamma_depth + gamma_refDepth) abs; each division adds u |mean|. Twice that (2u = 2^-52,
        // 4u = 2^-51) bounds the distance between the two means, the rounding of err and of mean +- err included.
        double depths = (double) depth + referenceDepth(len);
        double err = abs / len * depths * 0x1p-52 + Math.abs(mean) * 0x1p-51;
        float lo = (float) (mean - err);
        float hi = (float) (mean + err);
        // (-0f == 0f: a tiny mean whose interval straddles zero has an undecided sign bit, so leave it to the
        // reference; with err == 0 every value is a zero and both sums are +0.)
        return lo == hi && (lo != 0f || err == 0) ? lo : Float.NaN;
    }
}
