package org.rbnn4j.simd.packed;

import java.util.Objects;

/**
 * Binarises float activations and packs them along channels into a {@link PackedActivations} buffer.
 *
 * <p>The value packed is {@code sign(x - threshold)} with {@code sign(0) = +1}, i.e. bit = 1 exactly when
 * {@code x < threshold} (for floats {@code x - t < 0} if and only if {@code x < t}, so no subtraction is needed and
 * none can round). With no thresholds the threshold is 0: callers that already hold {@code x - mean_sample(x)}
 * pass it directly; callers that hold {@code x} and the per-sample mean pass the means as thresholds.
 * Only the interior of the destination is written; its border keeps its all-zero words.
 */
public final class ActivationPacker {
    /** Vector packing where the vector kernel is chosen: the same CPUs compare and move masks fast. */
    private static final boolean VECTOR = PopcountKernel.best() == PopcountKernel.VECTOR
            && VectorActivationPacker.usable();

    private ActivationPacker() {
    }

    /** Packs {@code sign(x)} of NCHW floats {@code x[xOffset ..]} shaped like {@code dst} (border excluded). */
    public static void packNchw(float[] x, int xOffset, PackedActivations dst) {
        packNchw(x, xOffset, null, dst);
    }

    /**
     * Packs {@code sign(x - thresholds[n])} of NCHW floats; {@code thresholds} null means 0 for every image. Uses
     * the Vector API where {@link PopcountKernel#best()} is the vector kernel, else {@link #packNchwScalar}.
     *
     * @param thresholds one value per image of {@code dst}, or null
     */
    public static void packNchw(float[] x, int xOffset, float[] thresholds, PackedActivations dst) {
        packNchw(x, xOffset, thresholds, dst, dst.batch());
    }

    /**
     * Packs only the first {@code images} images of {@code dst} from NCHW floats (the rest keep their bits), so that
     * a buffer allocated for a larger batch can serve a smaller one.
     */
    public static void packNchw(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        checkSource(x, xOffset, thresholds, dst, images);
        if (VECTOR) {
            VectorActivationPacker.packNchw(x, xOffset, thresholds, dst, images);
        } else {
            packNchwScalar(x, xOffset, thresholds, dst, images);
        }
    }

    /** The scalar reference of {@link #packNchw(float[], int, float[], PackedActivations)}. */
    static void packNchwScalar(float[] x, int xOffset, float[] thresholds, PackedActivations dst) {
        packNchwScalar(x, xOffset, thresholds, dst, dst.batch());
    }

    static void packNchwScalar(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        checkSource(x, xOffset, thresholds, dst, images);
        int c = dst.channels();
        int h = dst.height();
        int w = dst.width();
        int words = dst.wordsPerPixel();
        int rowStride = dst.rowStride();
        int[] bits = dst.bits();
        for (int n = 0; n < images; n++) {
            float t = thresholds == null ? 0f : thresholds[n];
            int imageBase = dst.offset(n, 0, 0);
            for (int g = 0; g < words; g++) {
                for (int y = 0; y < h; y++) {
                    int row = imageBase + y * rowStride + g;
                    for (int xx = 0; xx < w; xx++) {
                        bits[row + xx * words] = 0;
                    }
                }
                int cEnd = Math.min(c, (g + 1) << 5);
                for (int ch = g << 5; ch < cEnd; ch++) {
                    int shift = ch & 31;
                    int plane = xOffset + (n * c + ch) * h * w;
                    for (int y = 0; y < h; y++) {
                        int row = imageBase + y * rowStride + g;
                        int src = plane + y * w;
                        for (int xx = 0; xx < w; xx++) {
                            int negative = x[src + xx] < t ? 1 : 0;
                            bits[row + xx * words] |= negative << shift;
                        }
                    }
                }
            }
        }
    }

    /** Packs {@code sign(x)} of NHWC floats ({@code [batch, height, width, channels]}). */
    public static void packNhwc(float[] x, int xOffset, PackedActivations dst) {
        packNhwc(x, xOffset, null, dst);
    }

    /**
     * Packs {@code sign(x - thresholds[n])} of NHWC floats; {@code thresholds} null means 0 for every image. Uses
     * the Vector API where {@link PopcountKernel#best()} is the vector kernel, else {@link #packNhwcScalar}.
     */
    public static void packNhwc(float[] x, int xOffset, float[] thresholds, PackedActivations dst) {
        packNhwc(x, xOffset, thresholds, dst, dst.batch());
    }

    /** Packs only the first {@code images} images of {@code dst} from NHWC floats (the rest keep their bits). */
    public static void packNhwc(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        checkSource(x, xOffset, thresholds, dst, images);
        if (VECTOR) {
            VectorActivationPacker.packNhwc(x, xOffset, thresholds, dst, images);
        } else {
            packNhwcScalar(x, xOffset, thresholds, dst, images);
        }
    }

    /**
     * Packs {@code sign(x - threshold)} of one image of NHWC floats at {@code x[xOffset ..]} as image {@code image} of
     * {@code dst}; the other images keep their bits. For callers that produce a batch image by image.
     */
    public static void packImageNhwc(float[] x, int xOffset, float threshold, PackedActivations dst, int image) {
        Objects.requireNonNull(x, "x");
        Objects.checkIndex(image, dst.batch());
        long need = (long) dst.channels() * dst.height() * dst.width();
        if (xOffset < 0 || xOffset + need > x.length) {
            throw new IllegalArgumentException("source holds " + (x.length - xOffset) + " floats after offset "
                    + xOffset + ", need " + need + " for one image of " + dst);
        }
        if (VECTOR) {
            VectorActivationPacker.packImageNhwc(x, xOffset, threshold, dst, image);
        } else {
            packImageNhwcScalar(x, xOffset, threshold, dst, image);
        }
    }

    /** The scalar reference of {@link #packImageNhwc}. */
    static void packImageNhwcScalar(float[] x, int xOffset, float threshold, PackedActivations dst, int image) {
        int c = dst.channels();
        int words = dst.wordsPerPixel();
        int[] bits = dst.bits();
        int src = xOffset;
        for (int y = 0; y < dst.height(); y++) {
            int dstPixel = dst.offset(image, y, 0);
            for (int xx = 0; xx < dst.width(); xx++, dstPixel += words, src += c) {
                for (int g = 0; g < words; g++) {
                    int cEnd = Math.min(c, (g + 1) << 5);
                    int word = 0;
                    for (int ch = g << 5; ch < cEnd; ch++) {
                        word |= (x[src + ch] < threshold ? 1 : 0) << (ch & 31);
                    }
                    bits[dstPixel + g] = word;
                }
            }
        }
    }

    /** The scalar reference of {@link #packNhwc(float[], int, float[], PackedActivations)}. */
    static void packNhwcScalar(float[] x, int xOffset, float[] thresholds, PackedActivations dst) {
        packNhwcScalar(x, xOffset, thresholds, dst, dst.batch());
    }

    static void packNhwcScalar(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        checkSource(x, xOffset, thresholds, dst, images);
        int c = dst.channels();
        int words = dst.wordsPerPixel();
        int[] bits = dst.bits();
        int src = xOffset;
        for (int n = 0; n < images; n++) {
            float t = thresholds == null ? 0f : thresholds[n];
            for (int y = 0; y < dst.height(); y++) {
                int dstPixel = dst.offset(n, y, 0);
                for (int xx = 0; xx < dst.width(); xx++, dstPixel += words, src += c) {
                    for (int g = 0; g < words; g++) {
                        int cEnd = Math.min(c, (g + 1) << 5);
                        int word = 0;
                        for (int ch = g << 5; ch < cEnd; ch++) {
                            word |= (x[src + ch] < t ? 1 : 0) << (ch & 31);
                        }
                        bits[dstPixel + g] = word;
                    }
                }
            }
        }
    }

    private static void checkSource(float[] x, int xOffset, float[] thresholds, PackedActivations dst, int images) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(dst, "dst");
        Objects.checkFromIndexSize(0, images, dst.batch());
        long need = (long) images * dst.channels() * dst.height() * dst.width();
        if (xOffset < 0 || xOffset + need > x.length) {
            throw new IllegalArgumentException("source holds " + (x.length - xOffset) + " floats after offset "
                    + xOffset + ", need " + need + " for " + dst);
        }
        if (thresholds != null && thresholds.length < images) {
            throw new IllegalArgumentException("need one threshold per image: " + thresholds.length + " < " + images);
        }
    }
}
