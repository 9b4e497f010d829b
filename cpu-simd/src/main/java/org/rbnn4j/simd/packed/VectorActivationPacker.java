package org.rbnn4j.simd.packed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing with the Vector API, same result as {@link ActivationPacker}'s scalar loops.
 *
 * <p>NHWC: one compare of {@code FloatVector} lanes against the threshold gives a mask whose bits
 * ({@link VectorMask#toLong()}) are already the packed bits of that many consecutive channels (about 6x faster),
 * with straight-line row loops for 16, 32 and multiples of 64 channels.
 * NCHW: an {@code IntVector} holds the words of {@code L} consecutive pixels (as many as float lanes); for each
 * channel a compare of those {@code L} floats sets the channel's bit in the lanes of the negative pixels (a masked
 * OR); up to 4 such vectors of a channel plane (walked as one run of pixels) are finished over the 32 channels of a
 * word and then stored (about 8x faster).
 */
final class VectorActivationPacker {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = FS.length();

    /** Pixel words, one per float lane: a compare mask over {@link #FS} casts to a mask over them. */
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int PIXELS = IS.length();

    private VectorActivationPacker() {
    }

    /** Whether lanes divide a 32-bit word, which the bit placement below assumes (true for every real species). */
    static boolean usable() {
        return LANES <= 32 && 32 % LANES == 0 && PIXELS == LANES;
    }

    static void packNchw(float[] x, int xOffset, float[] thresholds, PackedActivations dst) {
        packNchw(x, xOffset, thresholds, dst, dst.batch());
    }

    static void packNchw(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        int c = dst.channels();
        int h = dst.height();
        int w = dst.width();
        int plane = h * w;
        int words = dst.wordsPerPixel();
        int[] bits = dst.bits();
        int[] lanes = new int[4 * PIXELS];
        for (int n = 0; n < images; n++) {
            float t = thresholds == null ? 0f : thresholds[n];
            for (int g = 0; g < words; g++) {
                int c0 = g << 5;
                int channels = Math.min(c, c0 + 32) - c0;
                int src = xOffset + (n * c + c0) * plane;
                // Each channel plane is one contiguous run of h*w pixels, whatever the row width: walk it in
                // chunks of 4 vectors (64 pixels with AVX-512, whole cache lines of each of the 32 planes, which
                // at 32x32 lie 4 KB apart in the same L1 sets and must not be revisited per line), then one
                // vector at a time; only the very last vector needs masked loads (those are much slower).
                int p0 = 0;
                for (; p0 + 4 * PIXELS <= plane; p0 += 4 * PIXELS) {
                    chunk4(x, src + p0, plane, channels, t, lanes);
                    store(bits, dst, n, g, p0, lanes, 4 * PIXELS);
                }
                for (; p0 < plane; p0 += PIXELS) {
                    chunk1(x, src + p0, plane, channels, t, FS.indexInRange(p0, plane), p0 + PIXELS <= plane, lanes);
                    store(bits, dst, n, g, p0, lanes, Math.min(PIXELS, plane - p0));
                }
            }
        }
    }

    /**
     * Words of {@code 4 * PIXELS} pixels from {@code channels} planes {@code plane} floats apart. Each channel's bit
     * is made into a new vector and OR-ed with the running word ({@code bits.or(acc)}, not {@code acc.lanewise(OR,
     * bit, mask)}): operations are called on vectors of known class only, never on one carried around the loop, which
     * C2 cannot inline without a type profile ({@code ProfileFreeJitTest}); {@code zero.or(acc)} stores it.
     */
    private static void chunk4(float[] x, int src, int plane, int channels, float t, int[] lanes) {
        IntVector zero = IntVector.zero(IS);
        IntVector acc0 = zero;
        IntVector acc1 = zero;
        IntVector acc2 = zero;
        IntVector acc3 = zero;
        for (int ch = 0; ch < channels; ch++, src += plane) {
            int bit = 1 << ch;
            acc0 = zero.blend(bit,
                    FloatVector.fromArray(FS, x, src).compare(VectorOperators.LT, t).cast(IS)).or(acc0);
            acc1 = zero.blend(bit,
                    FloatVector.fromArray(FS, x, src + PIXELS).compare(VectorOperators.LT, t).cast(IS)).or(acc1);
            acc2 = zero.blend(bit,
                    FloatVector.fromArray(FS, x, src + 2 * PIXELS).compare(VectorOperators.LT, t).cast(IS)).or(acc2);
            acc3 = zero.blend(bit,
                    FloatVector.fromArray(FS, x, src + 3 * PIXELS).compare(VectorOperators.LT, t).cast(IS)).or(acc3);
        }
        zero.or(acc0).intoArray(lanes, 0);
        zero.or(acc1).intoArray(lanes, PIXELS);
        zero.or(acc2).intoArray(lanes, 2 * PIXELS);
        zero.or(acc3).intoArray(lanes, 3 * PIXELS);
    }

    /** Words of one vector of pixels; {@code inRow} masks the pixels past the row end unless {@code full}. */
    private static void chunk1(float[] x, int src, int plane, int channels, float t, VectorMask<Float> inRow,
                               boolean full, int[] lanes) {
        IntVector zero = IntVector.zero(IS);
        IntVector acc = zero;
        if (full) {
            for (int ch = 0; ch < channels; ch++, src += plane) {
                acc = zero.blend(1 << ch,
                        FloatVector.fromArray(FS, x, src).compare(VectorOperators.LT, t).cast(IS)).or(acc);
            }
        } else {
            for (int ch = 0; ch < channels; ch++, src += plane) {
                acc = zero.blend(1 << ch,
                        FloatVector.fromArray(FS, x, src, inRow).compare(VectorOperators.LT, t, inRow).cast(IS))
                        .or(acc);
            }
        }
        zero.or(acc).intoArray(lanes, 0);
    }

    /** Stores the words of {@code count} pixels starting at flat interior pixel {@code p0} of image {@code n}. */
    private static void store(int[] bits, PackedActivations dst, int n, int g, int p0, int[] lanes, int count) {
        int w = dst.width();
        int words = dst.wordsPerPixel();
        int y = p0 / w;
        int xx = p0 - y * w;
        int row = dst.offset(n, y, 0) + g;
        for (int i = 0; i < count; i++) {
            bits[row + xx * words] = lanes[i];
            if (++xx == w) {
                xx = 0;
                row += dst.rowStride();
            }
        }
    }

    static void packNhwc(float[] x, int xOffset, float[] thresholds, PackedActivations dst) {
        packNhwc(x, xOffset, thresholds, dst, dst.batch());
    }

    static void packNhwc(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        int imageSize = dst.channels() * dst.height() * dst.width();
        for (int n = 0; n < images; n++) {
            packImageNhwc(x, xOffset + n * imageSize, thresholds == null ? 0f : thresholds[n], dst, n);
        }
    }

    /** One image of NHWC floats at {@code x[src ..]} as image {@code n} of {@code dst}. */
    static void packImageNhwc(float[] x, int src, float t, PackedActivations dst, int n) {
        int c = dst.channels();
        int words = dst.wordsPerPixel();
        int w = dst.width();
        int[] bits = dst.bits();
        // Whole vectors per word: one row of pixels is one run of words, packed by a loop of straight-line compares
        // (measured 1.5x faster than the general loop below for 64+ channels, 2-6x for 16 and 32 channels, where the
        // general loop's per-pixel inner loops and masked branch cost more than the one or two compares).
        // Each row loop is its own small method so that C2 inlines every vector operation in it.
        int rowKind = c == LANES ? 1 : c == 2 * LANES && 2 * LANES <= 32 ? 2 : c % 32 == 0 && LANES == 16 ? 4 : 0;
        for (int y = 0; y < dst.height(); y++) {
            int dstPixel = dst.offset(n, y, 0);
            switch (rowKind) {
                case 1 -> rowOneVector(x, src, t, bits, dstPixel, w);
                case 2 -> rowTwoVectors(x, src, t, bits, dstPixel, w);
                case 4 -> rowFullWords16(x, src, t, bits, dstPixel, w * words);
                default -> rowGeneral(x, src, t, bits, dstPixel, w, c, words);
            }
            src += w * c;
        }
    }

    /** {@code c == LANES}: one compare per pixel is its word. */
    private static void rowOneVector(float[] x, int src, float t, int[] bits, int dst, int pixels) {
        for (int i = 0; i < pixels; i++, src += LANES) {
            bits[dst + i] = (int) FloatVector.fromArray(FS, x, src).compare(VectorOperators.LT, t).toLong();
        }
    }

    /** {@code c == 2 * LANES <= 32}: two compares per pixel. */
    private static void rowTwoVectors(float[] x, int src, float t, int[] bits, int dst, int pixels) {
        for (int i = 0; i < pixels; i++, src += 2 * LANES) {
            int m0 = (int) FloatVector.fromArray(FS, x, src).compare(VectorOperators.LT, t).toLong();
            int m1 = (int) FloatVector.fromArray(FS, x, src + LANES).compare(VectorOperators.LT, t).toLong();
            bits[dst + i] = m0 | (m1 << LANES);
        }
    }

    /** 16 lanes and {@code c % 32 == 0}: every word is two compares, and a row's words are consecutive. */
    private static void rowFullWords16(float[] x, int src, float t, int[] bits, int dst, int rowWords) {
        for (int i = 0; i < rowWords; i++, src += 32) {
            int m0 = (int) FloatVector.fromArray(FS, x, src).compare(VectorOperators.LT, t).toLong();
            int m1 = (int) FloatVector.fromArray(FS, x, src + 16).compare(VectorOperators.LT, t).toLong();
            bits[dst + i] = m0 | (m1 << 16);
        }
    }

    /** Any channel count: word by word, a masked compare for a partial last vector. */
    private static void rowGeneral(float[] x, int src, float t, int[] bits, int dstPixel, int pixels, int c,
                                   int words) {
        for (int xx = 0; xx < pixels; xx++, dstPixel += words, src += c) {
            for (int g = 0; g < words; g++) {
                int c0 = g << 5;
                int cEnd = Math.min(c, c0 + 32);
                int word = 0;
                for (int ch = c0; ch < cEnd; ch += LANES) {
                    int m;
                    if (ch + LANES <= cEnd) {
                        m = (int) FloatVector.fromArray(FS, x, src + ch).compare(VectorOperators.LT, t).toLong();
                    } else {
                        VectorMask<Float> inRange = FS.indexInRange(ch, cEnd);
                        m = (int) FloatVector.fromArray(FS, x, src + ch, inRange)
                                .compare(VectorOperators.LT, t, inRange).toLong();
                    }
                    word |= m << (ch - c0);
                }
                bits[dstPixel + g] = word;
            }
        }
    }
}
