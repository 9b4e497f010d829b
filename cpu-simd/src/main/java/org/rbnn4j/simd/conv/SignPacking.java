package org.rbnn4j.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.packed.PackedActivations;

/**
 * Packs NCHW floats into the interior of {@link PackedActivations} as signs (bit set where {@code x < 0}, so
 * {@code -0} and {@code +0} are +1 as everywhere in rbnn4j), one image per task of the pool: the training forward of
 * binary layers packs a whole batch per layer, which on one thread costs as much as a fifth of the packed convolution.
 *
 * <p>Per channel word and output row, a {@code LongVector} holds the words of {@code L} consecutive pixels; each
 * channel's {@code L} floats are compared with 0 and the channel's bit is OR-ed into the lanes of the negative
 * pixels. Two such vectors (a 64-byte line of each channel plane at 8 lanes) are filled per pass, so that the channel
 * planes, 4 KiB apart at 32x32 and thus in one L1 set, are each read once. Pixels past the last full vector of a row
 * are packed with scalar code.
 */
final class SignPacking {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int L = LS.length();
    /** Floats with as many lanes as {@link #LS}, so that their compare mask casts to a mask over pixel words. */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(LS.vectorBitSize() / 2));

    private SignPacking() {
    }

    /** Packs {@code sign(x)} of {@code dst.batch()} NCHW images from {@code x[0..]} into {@code dst}'s interior. */
    static void packNchw(WorkerPool pool, float[] x, PackedActivations dst) {
        pool.parallelFor(dst.batch(), n -> packImage(x, dst, n));
    }

    static void packImage(float[] x, PackedActivations dst, int n) {
        int c = dst.channels();
        int h = dst.height();
        int w = dst.width();
        int plane = h * w;
        int words = dst.wordsPerPixel();
        long[] bits = dst.bits();
        long[] lanes = new long[2 * L];
        for (int g = 0; g < words; g++) {
            int c0 = g << 6;
            int c1 = Math.min(c, c0 + 64);
            for (int y = 0; y < h; y++) {
                int src = (n * c + c0) * plane + y * w;
                int out = dst.offset(n, y, 0) + g;
                int px = 0;
                for (; px + 2 * L <= w; px += 2 * L) {
                    LongVector acc0 = LongVector.zero(LS);
                    LongVector acc1 = LongVector.zero(LS);
                    for (int ch = c0, s = src + px; ch < c1; ch++, s += plane) {
                        long bit = 1L << (ch & 63);
                        VectorMask<Long> m0 = FloatVector.fromArray(FS, x, s).lt(0f).cast(LS);
                        VectorMask<Long> m1 = FloatVector.fromArray(FS, x, s + L).lt(0f).cast(LS);
                        acc0 = acc0.lanewise(VectorOperators.OR, bit, m0);
                        acc1 = acc1.lanewise(VectorOperators.OR, bit, m1);
                    }
                    if (words == 1) {
                        acc0.intoArray(bits, out + px);
                        acc1.intoArray(bits, out + px + L);
                    } else {
                        acc0.intoArray(lanes, 0);
                        acc1.intoArray(lanes, L);
                        for (int i = 0; i < 2 * L; i++) {
                            bits[out + (px + i) * words] = lanes[i];
                        }
                    }
                }
                for (; px < w; px++) {
                    long word = 0L;
                    for (int ch = c0, s = src + px; ch < c1; ch++, s += plane) {
                        word |= (x[s] < 0f ? 1L : 0L) << (ch & 63);
                    }
                    bits[out + px * words] = word;
                }
            }
        }
    }
}
