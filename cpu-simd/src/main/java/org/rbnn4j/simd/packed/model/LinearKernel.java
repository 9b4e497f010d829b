package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.simd.gemm.GemmBlocking;

/**
 * The final linear layer of a packed network, {@code y[i][o] = sum_k x[i][k] * w[o][k]}, rounded exactly as the
 * float simulation's {@code Linear} rounds it through the SIMD SGEMM: every output is a chain of fused multiply-adds
 * in {@code k} order within depth blocks of {@link GemmBlocking#KC}, each block's chain started from zero and added to
 * the sum of the blocks before it ({@link #reference} spells this out). The SGEMM's blocking is for large matrices:
 * for a batch of images against a handful of classes (10 outputs, 8,192 features for vgg_small) it spent about
 * 12 us per image copying operands; here the weights are laid out once, transposed and padded to whole vectors of
 * outputs, and the chains of {@link #IMAGES} images run side by side (one vector of outputs per image), so that the
 * FMA latency of one chain overlaps the others'.
 */
final class LinearKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /** Images whose chains run together: 8 independent accumulators cover the FMA latency. */
    static final int IMAGES = 8;

    private final int inFeatures;
    private final int outFeatures;
    private final int panels;
    /** {@code w^T} by panels of {@link #LANES} outputs: panel {@code p}, feature {@code k} at {@code (p * K + k) * LANES}. */
    private final float[] panelWeights;

    /** {@code weight} is {@code [outFeatures][inFeatures]}, row-major (as {@code torch.nn.Linear}). */
    LinearKernel(float[] weight, int inFeatures, int outFeatures) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.panels = (outFeatures + LANES - 1) / LANES;
        this.panelWeights = new float[panels * inFeatures * LANES];
        for (int o = 0; o < outFeatures; o++) {
            int p = o / LANES;
            int lane = o - p * LANES;
            for (int k = 0; k < inFeatures; k++) {
                panelWeights[(p * inFeatures + k) * LANES + lane] = weight[o * inFeatures + k];
            }
        }
    }

    /** {@code y[i * outFeatures + o]} for the {@code n} rows of {@code x} ({@code [n][inFeatures]}). */
    void forward(float[] x, int n, float[] y) {
        float[] row = new float[IMAGES * LANES];
        int i = 0;
        for (; i + IMAGES <= n; i += IMAGES) {
            for (int p = 0; p < panels; p++) {
                panelOfEight(x, i * inFeatures, p, row);
                store(row, i, IMAGES, p, y);
            }
        }
        for (; i < n; i++) {
            for (int p = 0; p < panels; p++) {
                panelOfOne(x, i * inFeatures, p, row);
                store(row, i, 1, p, y);
            }
        }
    }

    /** Copies the outputs that exist of panel {@code p} for {@code images} images from {@code row} into {@code y}. */
    private void store(float[] row, int firstImage, int images, int p, float[] y) {
        int o0 = p * LANES;
        int count = Math.min(LANES, outFeatures - o0);
        for (int j = 0; j < images; j++) {
            System.arraycopy(row, j * LANES, y, (firstImage + j) * outFeatures + o0, count);
        }
    }

    /** Eight images (rows from {@code x[xOff]}) against panel {@code p}: their output vectors into {@code out}. */
    private void panelOfEight(float[] x, int xOff, int p, float[] out) {
        int k = inFeatures;
        int x1 = xOff + k;
        int x2 = x1 + k;
        int x3 = x2 + k;
        int x4 = x3 + k;
        int x5 = x4 + k;
        int x6 = x5 + k;
        int x7 = x6 + k;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        FloatVector s4 = FloatVector.zero(S);
        FloatVector s5 = FloatVector.zero(S);
        FloatVector s6 = FloatVector.zero(S);
        FloatVector s7 = FloatVector.zero(S);
        for (int pc = 0; pc < k; pc += GemmBlocking.KC) {
            int end = Math.min(k, pc + GemmBlocking.KC);
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = FloatVector.zero(S);
            FloatVector c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S);
            FloatVector c4 = FloatVector.zero(S);
            FloatVector c5 = FloatVector.zero(S);
            FloatVector c6 = FloatVector.zero(S);
            FloatVector c7 = FloatVector.zero(S);
            for (int q = pc, wi = (p * k + pc) * LANES; q < end; q++, wi += LANES) {
                FloatVector w = FloatVector.fromArray(S, panelWeights, wi);
                c0 = FloatVector.broadcast(S, x[xOff + q]).fma(w, c0);
                c1 = FloatVector.broadcast(S, x[x1 + q]).fma(w, c1);
                c2 = FloatVector.broadcast(S, x[x2 + q]).fma(w, c2);
                c3 = FloatVector.broadcast(S, x[x3 + q]).fma(w, c3);
                c4 = FloatVector.broadcast(S, x[x4 + q]).fma(w, c4);
                c5 = FloatVector.broadcast(S, x[x5 + q]).fma(w, c5);
                c6 = FloatVector.broadcast(S, x[x6 + q]).fma(w, c6);
                c7 = FloatVector.broadcast(S, x[x7 + q]).fma(w, c7);
            }
            // The SGEMM's first block overwrites C with its chain (alpha 1: exact), later ones add theirs to C.
            s0 = pc == 0 ? c0 : c0.add(s0);
            s1 = pc == 0 ? c1 : c1.add(s1);
            s2 = pc == 0 ? c2 : c2.add(s2);
            s3 = pc == 0 ? c3 : c3.add(s3);
            s4 = pc == 0 ? c4 : c4.add(s4);
            s5 = pc == 0 ? c5 : c5.add(s5);
            s6 = pc == 0 ? c6 : c6.add(s6);
            s7 = pc == 0 ? c7 : c7.add(s7);
        }
        s0.intoArray(out, 0);
        s1.intoArray(out, LANES);
        s2.intoArray(out, 2 * LANES);
        s3.intoArray(out, 3 * LANES);
        s4.intoArray(out, 4 * LANES);
        s5.intoArray(out, 5 * LANES);
        s6.intoArray(out, 6 * LANES);
        s7.intoArray(out, 7 * LANES);
    }

    /** One image against panel {@code p}, as {@link #panelOfEight}. */
    private void panelOfOne(float[] x, int xOff, int p, float[] out) {
        int k = inFeatures;
        FloatVector s = FloatVector.zero(S);
        for (int pc = 0; pc < k; pc += GemmBlocking.KC) {
            int end = Math.min(k, pc + GemmBlocking.KC);
            FloatVector c = FloatVector.zero(S);
            for (int q = pc, wi = (p * k + pc) * LANES; q < end; q++, wi += LANES) {
                c = FloatVector.broadcast(S, x[xOff + q]).fma(FloatVector.fromArray(S, panelWeights, wi), c);
            }
            s = pc == 0 ? c : c.add(s);
        }
        s.intoArray(out, 0);
    }

    /**
     * The scalar definition: output {@code o} of row {@code i} as the SIMD SGEMM computes it ({@code beta = 0},
     * {@code alpha = 1}): per depth block, a fused multiply-add chain from zero in {@code k} order, added to the sum
     * of the previous blocks.
     */
    static float reference(float[] x, int i, float[] weight, int o, int inFeatures) {
        float sum = 0f;
        for (int pc = 0; pc < inFeatures; pc += GemmBlocking.KC) {
            int end = Math.min(inFeatures, pc + GemmBlocking.KC);
            float chain = 0f;
            for (int q = pc; q < end; q++) {
                chain = Math.fma(x[i * inFeatures + q], weight[o * inFeatures + q], chain);
            }
            sum = pc == 0 ? chain : chain + sum;
        }
        return sum;
    }
}
