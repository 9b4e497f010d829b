package org.rbnn4j.simd.packed.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.core.rbnn.StandardisationKernels;
import org.rbnn4j.simd.packed.PackedActivations;

/**
 * Binarises {@code v = act(x * scale[c] + shift[c])} of an NCHW image straight from {@code x}, without storing
 * {@code v}: the per-image mean of {@code v} ({@link #mean}) and the packed bits of {@code sign(v - mean)}
 * ({@link #pack}). For a float layer whose output only binary layers read (vgg_small's first layer), this replaces
 * writing the layer's output, transposing it to NHWC and reading it twice more.
 *
 * <p>{@code v} is computed with the float layers' operations (a multiply, an add, the activation's comparisons), so it
 * is the value the float model computes. The mean is decided as in {@link SampleMean} from vector double sums of
 * {@code v} (exact by its rounding-error argument), else computed by {@link StandardisationKernels#mean} over
 * {@code v} written to scratch. Packing follows {@code VectorActivationPacker.packNchw}: an {@code IntVector} holds
 * the words of consecutive pixels, and each channel's compare sets that channel's bit in the lanes of the pixels below
 * the mean. The activation is spelled out in each loop (see {@link Activation}).
 */
final class MappedPacking {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FD =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, D.vectorBitSize() / 2)));
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    /** Pixels per int vector: one 32-bit word each. */
    private static final int PIXELS = IS.length();
    /** Floats with as many lanes as {@link #IS}, so that a compare mask casts to a mask over pixel words. */
    private static final VectorSpecies<Float> PS = VectorSpecies.of(float.class, IS.vectorShape());

    private MappedPacking() {
    }

    /** Whether the vector paths run here (else callers should store {@code v} and use the ordinary steps). */
    static boolean usable() {
        return FD.length() == D.length() && PS.length() == PIXELS && PIXELS <= 32;
    }

    /**
     * {@code StandardisationKernels.mean} of {@code v} over the image ({@code c} planes of {@code hw} floats at
     * {@code x[off ..]}), bit for bit; {@code scratch} holds {@code c * hw} floats for the fallback.
     */
    static float mean(float[] x, int off, int c, int hw, float[] scale, float[] shift, Activation act,
                      float[] scratch) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = DoubleVector.zero(D);
        double sum = 0;
        double abs = 0;
        int lanes = FD.length();
        float lb = act.lowBound;
        float lv = act.lowValue;
        float hb = act.highBound;
        float hv = act.highValue;
        for (int ch = 0; ch < c; ch++) {
            float a = scale[ch];
            float b = shift[ch];
            int base = off + ch * hw;
            int p = 0;
            for (int bound = hw - 2 * lanes; p <= bound; p += 2 * lanes) {
                FloatVector u = FloatVector.fromArray(FD, x, base + p).mul(a).add(b);
                u = u.blend(lv, u.compare(VectorOperators.LT, lb));
                u = u.blend(hv, u.compare(VectorOperators.GT, hb));
                FloatVector v = FloatVector.fromArray(FD, x, base + p + lanes).mul(a).add(b);
                v = v.blend(lv, v.compare(VectorOperators.LT, lb));
                v = v.blend(hv, v.compare(VectorOperators.GT, hb));
                DoubleVector lo = (DoubleVector) u.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
                s0 = lo.add(s0);
                s1 = hi.add(s1);
                a0 = lo.abs().add(a0);
                a1 = hi.abs().add(a1);
            }
            for (; p < hw; p++) {
                float v = act.apply(x[base + p] * a + b);
                sum += v;
                abs += Math.abs(v);
            }
        }
        sum += s0.add(s1).reduceLanes(VectorOperators.ADD);
        abs += a0.add(a1).reduceLanes(VectorOperators.ADD);
        // Lanes of hw / (2 lanes) terms per channel; the tails of every channel go through the scalar sum.
        int depth = c * (hw / (2 * lanes)) + c * (hw % (2 * lanes)) + lanes + 2;
        float decided = SampleMean.decide(sum, abs, c * hw, depth);
        if (!Float.isNaN(decided)) {
            return decided;
        }
        for (int ch = 0; ch < c; ch++) {
            int base = off + ch * hw;
            for (int p = 0; p < hw; p++) {
                scratch[ch * hw + p] = act.apply(x[base + p] * scale[ch] + shift[ch]);
            }
        }
        return StandardisationKernels.mean(scratch, 0, c * hw);
    }

    /**
     * Packs {@code sign(v - threshold)} of the image at {@code x[off ..]} as image {@code image} of {@code dst} (same
     * bits as storing {@code v} and packing it with {@code ActivationPacker.packNchw}).
     *
     * <p>Like {@code VectorActivationPacker.packNchw}, each visit of a channel plane reads 4 vectors of pixels (whole
     * cache lines): the 32 planes of a word lie 4 KB apart at 32x32 and share L1 sets, so each plane is visited as
     * few times as possible (with 64-bit words and 8-pixel vectors, visits of half a line had missed twice as often).
     */
    static void pack(float[] x, int off, float[] scale, float[] shift, Activation act, float threshold,
                     PackedActivations dst, int image) {
        int c = dst.channels();
        int plane = dst.height() * dst.width();
        int words = dst.wordsPerPixel();
        int[] lanes = new int[4 * PIXELS];
        float lb = act.lowBound;
        float lv = act.lowValue;
        float hb = act.highBound;
        float hv = act.highValue;
        // act(v) < t is v < t when t lies strictly inside act's clamps: hardtanh with -1 < t <= 1 (below -1 both are
        // below t, above 1 neither is, NaN compares false either way), ReLU with t > 0. A mean of hardtanh outputs
        // always lies in [-1, 1], so only all-equal images take the clamped loop.
        boolean clampFree = act == Activation.NONE || act == Activation.HARDTANH && threshold > -1f && threshold <= 1f
                || act == Activation.RELU && threshold > 0f;
        // Each channel's bit is a new vector OR-ed with the running words, never a call on them (ProfileFreeJitTest).
        for (int g = 0; g < words; g++) {
            int c0 = g << 5;
            int channels = Math.min(c, c0 + 32) - c0;
            int src = off + c0 * plane;
            int p0 = 0;
            for (; p0 + 4 * PIXELS <= plane; p0 += 4 * PIXELS) {
                IntVector zero = IntVector.zero(IS);
                IntVector acc0 = zero;
                IntVector acc1 = zero;
                IntVector acc2 = zero;
                IntVector acc3 = zero;
                if (clampFree) {
                    for (int k = 0; k < channels; k++) {
                        int ch = c0 + k;
                        int base = src + k * plane + p0;
                        float a = scale[ch];
                        float b = shift[ch];
                        int bit = 1 << k;
                        FloatVector v0 = FloatVector.fromArray(PS, x, base).mul(a).add(b);
                        FloatVector v1 = FloatVector.fromArray(PS, x, base + PIXELS).mul(a).add(b);
                        FloatVector v2 = FloatVector.fromArray(PS, x, base + 2 * PIXELS).mul(a).add(b);
                        FloatVector v3 = FloatVector.fromArray(PS, x, base + 3 * PIXELS).mul(a).add(b);
                        acc0 = zero.blend(bit,
                                v0.compare(VectorOperators.LT, threshold).cast(IS)).or(acc0);
                        acc1 = zero.blend(bit,
                                v1.compare(VectorOperators.LT, threshold).cast(IS)).or(acc1);
                        acc2 = zero.blend(bit,
                                v2.compare(VectorOperators.LT, threshold).cast(IS)).or(acc2);
                        acc3 = zero.blend(bit,
                                v3.compare(VectorOperators.LT, threshold).cast(IS)).or(acc3);
                    }
                } else {
                    for (int k = 0; k < channels; k++) {
                        int ch = c0 + k;
                        int base = src + k * plane + p0;
                        float a = scale[ch];
                        float b = shift[ch];
                        int bit = 1 << k;
                        FloatVector v0 = FloatVector.fromArray(PS, x, base).mul(a).add(b);
                        FloatVector v1 = FloatVector.fromArray(PS, x, base + PIXELS).mul(a).add(b);
                        FloatVector v2 = FloatVector.fromArray(PS, x, base + 2 * PIXELS).mul(a).add(b);
                        FloatVector v3 = FloatVector.fromArray(PS, x, base + 3 * PIXELS).mul(a).add(b);
                        v0 = v0.blend(lv, v0.compare(VectorOperators.LT, lb));
                        v1 = v1.blend(lv, v1.compare(VectorOperators.LT, lb));
                        v2 = v2.blend(lv, v2.compare(VectorOperators.LT, lb));
                        v3 = v3.blend(lv, v3.compare(VectorOperators.LT, lb));
                        v0 = v0.blend(hv, v0.compare(VectorOperators.GT, hb));
                        v1 = v1.blend(hv, v1.compare(VectorOperators.GT, hb));
                        v2 = v2.blend(hv, v2.compare(VectorOperators.GT, hb));
                        v3 = v3.blend(hv, v3.compare(VectorOperators.GT, hb));
                        acc0 = zero.blend(bit,
                                v0.compare(VectorOperators.LT, threshold).cast(IS)).or(acc0);
                        acc1 = zero.blend(bit,
                                v1.compare(VectorOperators.LT, threshold).cast(IS)).or(acc1);
                        acc2 = zero.blend(bit,
                                v2.compare(VectorOperators.LT, threshold).cast(IS)).or(acc2);
                        acc3 = zero.blend(bit,
                                v3.compare(VectorOperators.LT, threshold).cast(IS)).or(acc3);
                    }
                }
                zero.or(acc0).intoArray(lanes, 0);
                zero.or(acc1).intoArray(lanes, PIXELS);
                zero.or(acc2).intoArray(lanes, 2 * PIXELS);
                zero.or(acc3).intoArray(lanes, 3 * PIXELS);
                store(dst, image, g, p0, lanes, 4 * PIXELS);
            }
            // The last pixels (fewer than 4 vectors): one by one.
            if (p0 < plane) {
                int count = plane - p0;
                java.util.Arrays.fill(lanes, 0, count, 0);
                for (int k = 0; k < channels; k++) {
                    int ch = c0 + k;
                    int base = src + k * plane + p0;
                    for (int i = 0; i < count; i++) {
                        float v = act.apply(x[base + i] * scale[ch] + shift[ch]);
                        lanes[i] |= (v < threshold ? 1 : 0) << k;
                    }
                }
                store(dst, image, g, p0, lanes, count);
            }
        }
    }

    /** Stores word {@code g} of {@code count} pixels from flat interior pixel {@code p0} of image {@code image}. */
    private static void store(PackedActivations dst, int image, int g, int p0, int[] lanes, int count) {
        int[] bits = dst.bits();
        int w = dst.width();
        int words = dst.wordsPerPixel();
        int y = p0 / w;
        int xx = p0 - y * w;
        int row = dst.offset(image, y, 0) + g;
        for (int i = 0; i < count; i++) {
            bits[row + xx * words] = lanes[i];
            if (++xx == w) {
                xx = 0;
                row += dst.rowStride();
            }
        }
    }
}
