package org.rbnn4j.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.packed.PackedActivations;

/**
 * Packs NCHW floats into the interior of {@link PackedActivations} as signs (bit set where {@code x < 0}, so
 * {@code -0} and {@code +0} are +1 as everywhere in rbnn4j), one image per task of the pool: the training forward of
 * binary layers packs a whole batch per layer, which on one thread costs as much as a fifth of the packed convolution.
 *
 * <p>Per channel word, an {@code IntVector} holds the 32-bit words of {@code L} consecutive pixels, {@code L} the float
 * lanes: each channel's {@code L} floats are compared with 0 and the channel's bit is OR-ed into the lanes of the
 * negative pixels (one load, compare and masked OR per channel and {@code L} pixels, a full cache line of the plane at
 * 16 lanes). Each plane is walked as one run of pixels whatever the row width (8x8 planes
 * too); pixels past the last full vector of a plane are packed with scalar code.
 */
final class SignPacking {
    /** Floats and ints of the preferred width: one lane per pixel, its 32-bit word per int lane. */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** One int lane (a pixel's word) per float lane, and lanes that divide a word. */
    private static final boolean VECTOR = IS.length() == L && L <= 32;

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
        // Whole vectors of words land in one row when rows are made of them (the usual 32, 16 pixels).
        boolean rowsOfVectors = words == 1 && w % L == 0;
        int[] bits = dst.bits();
        int[] lanes = new int[L];
        for (int g = 0; g < words; g++) {
            int c0 = g << 5;
            int c1 = Math.min(c, c0 + 32);
            int src = (n * c + c0) * plane;
            // Each channel plane is one run of h * w pixels, walked L at a time whatever the row width.
            int p0 = 0;
            for (; VECTOR && p0 + L <= plane; p0 += L) {
                IntVector zero = IntVector.zero(IS);
                IntVector word = zero;
                int s = src + p0;
                for (int ch = c0; ch < c1; ch++, s += plane) {
                    VectorMask<Integer> negative = FloatVector.fromArray(FS, x, s).lt(0f).cast(IS);
                    // The new bit receives the running word (ProfileFreeJitTest: no call on a loop-carried vector).
                    word = zero.blend(1 << (ch & 31), negative).or(word);
                }
                if (rowsOfVectors) {
                    zero.or(word).intoArray(bits, dst.offset(n, p0 / w, p0 % w) + g);
                } else {
                    zero.or(word).intoArray(lanes, 0);
                    for (int i = 0; i < L; i++) {
                        int q = p0 + i;
                        bits[dst.offset(n, q / w, q % w) + g] = lanes[i];
                    }
                }
            }
            for (; p0 < plane; p0++) {
                int word = 0;
                for (int ch = c0, s = src + p0; ch < c1; ch++, s += plane) {
                    word |= (x[s] < 0f ? 1 : 0) << (ch & 31);
                }
                bits[dst.offset(n, p0 / w, p0 % w) + g] = word;
            }
        }
    }
}
