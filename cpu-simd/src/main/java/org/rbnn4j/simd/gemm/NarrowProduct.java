package org.rbnn4j.simd.gemm;

import static org.rbnn4j.simd.gemm.GemmBlocking.KC;
import static org.rbnn4j.simd.gemm.GemmBlocking.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y = x * w^T} for at most one vector of outputs (a classifier's 10 classes), rounded exactly as
 * {@link Sgemm#multiply}{@code (false, true, ...)} with {@code alpha = 1, beta = 0} rounds it: for each depth block of
 * {@link GemmBlocking#KC} features, a chain of fused multiply-adds from zero in feature order; the first block's sum
 * stored, each later one added to the output ({@code fma(1, s, c)}, one rounding, as {@code Kernel8x2.accumulate}).
 *
 * <p>Why: the SGEMM's 8 x 32 register tile spends 22 of its 32 columns on padding for 10 outputs. Here the outputs of
 * one row lie in the lanes of one vector and four rows run side by side (four independent chains keep the
 * multiply-add pipes busy): per feature one load of the transposed weights, four broadcasts, four multiply-adds.
 */
public final class NarrowProduct {
    private static final VectorSpecies<Float> S = GemmBlocking.SPECIES;
    private static final int ROWS = 4;

    private NarrowProduct() {
    }

    /** Whether {@code outFeatures} outputs fit one vector. */
    public static boolean fits(int outFeatures) {
        return outFeatures >= 1 && outFeatures <= LANES;
    }

    /** {@code w} ({@code outFeatures x inFeatures}, row-major) transposed to {@code [inFeatures][LANES]}, zero-padded. */
    public static float[] packWeights(float[] w, int inFeatures, int outFeatures) {
        if (!fits(outFeatures)) {
            throw new IllegalArgumentException(outFeatures + " outputs do not fit one vector of " + LANES);
        }
        float[] packed = new float[inFeatures * LANES];
        for (int o = 0; o < outFeatures; o++) {
            for (int k = 0; k < inFeatures; k++) {
                packed[k * LANES + o] = w[o * inFeatures + k];
            }
        }
        return packed;
    }

    /**
     * {@code y[i][o] = sum_k x[i][k] * w[o][k]} for the {@code n} rows of {@code x} ({@code inFeatures} floats each),
     * {@code y} rows of {@code outFeatures} floats; {@code packed} from {@link #packWeights}.
     */
    public static void multiply(float[] x, int n, int inFeatures, int outFeatures, float[] packed, float[] y) {
        VectorMask<Float> outputs = S.indexInRange(0, outFeatures);
        int i = 0;
        for (; i + ROWS <= n; i += ROWS) {
            for (int pc = 0; pc < inFeatures; pc += KC) {
                rows4(x, i * inFeatures, inFeatures, pc, Math.min(inFeatures, pc + KC), packed, y, i * outFeatures,
                        outFeatures, outputs, pc > 0);
            }
        }
        for (; i < n; i++) {
            for (int pc = 0; pc < inFeatures; pc += KC) {
                row1(x, i * inFeatures, pc, Math.min(inFeatures, pc + KC), packed, y, i * outFeatures, outputs,
                        pc > 0);
            }
        }
    }

    /** Features {@code [k0, k1)} of rows {@code xOff / inFeatures ..} + 3 into their outputs (added when {@code add}). */
    private static void rows4(float[] x, int xOff, int inFeatures, int k0, int k1, float[] packed, float[] y, int yOff,
                              int outFeatures, VectorMask<Float> outputs, boolean add) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int x1 = xOff + inFeatures;
        int x2 = x1 + inFeatures;
        int x3 = x2 + inFeatures;
        for (int k = k0; k < k1; k++) {
            FloatVector w = FloatVector.fromArray(S, packed, k * LANES);
            // Called on the new broadcast, the running sum as argument (see ProfileFreeJitTest).
            s0 = FloatVector.broadcast(S, x[xOff + k]).fma(w, s0);
            s1 = FloatVector.broadcast(S, x[x1 + k]).fma(w, s1);
            s2 = FloatVector.broadcast(S, x[x2 + k]).fma(w, s2);
            s3 = FloatVector.broadcast(S, x[x3 + k]).fma(w, s3);
        }
        // y = 1 * s for the first block, else fma(1, s, y), as the SGEMM's kernels finish a tile; spelled out, since
        // a helper taking the vectors may be compiled apart and then box them.
        FloatVector one = FloatVector.broadcast(S, 1f);
        int y1 = yOff + outFeatures;
        int y2 = y1 + outFeatures;
        int y3 = y2 + outFeatures;
        if (add) {
            one.fma(s0, FloatVector.fromArray(S, y, yOff, outputs)).intoArray(y, yOff, outputs);
            one.fma(s1, FloatVector.fromArray(S, y, y1, outputs)).intoArray(y, y1, outputs);
            one.fma(s2, FloatVector.fromArray(S, y, y2, outputs)).intoArray(y, y2, outputs);
            one.fma(s3, FloatVector.fromArray(S, y, y3, outputs)).intoArray(y, y3, outputs);
        } else {
            one.mul(s0).intoArray(y, yOff, outputs);
            one.mul(s1).intoArray(y, y1, outputs);
            one.mul(s2).intoArray(y, y2, outputs);
            one.mul(s3).intoArray(y, y3, outputs);
        }
    }

    /** {@link #rows4} for one row. */
    private static void row1(float[] x, int xOff, int k0, int k1, float[] packed, float[] y, int yOff,
                             VectorMask<Float> outputs, boolean add) {
        FloatVector s = FloatVector.zero(S);
        for (int k = k0; k < k1; k++) {
            s = FloatVector.broadcast(S, x[xOff + k]).fma(FloatVector.fromArray(S, packed, k * LANES), s);
        }
        FloatVector one = FloatVector.broadcast(S, 1f);
        if (add) {
            one.fma(s, FloatVector.fromArray(S, y, yOff, outputs)).intoArray(y, yOff, outputs);
        } else {
            one.mul(s).intoArray(y, yOff, outputs);
        }
    }
}
