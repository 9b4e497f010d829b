package org.rbnn4j.simd.packed;

import java.util.Arrays;

/**
 * Binary activations of a batch of images, packed along channels into 32-bit words, with a border of padding
 * pixels built in so that convolution windows never leave the array.
 *
 * <p><b>Layout</b> ("NHWC-words"): {@code bits[((n * paddedHeight + py) * paddedWidth + px) * wordsPerPixel + c / 32]}
 * holds channel {@code c} of image {@code n} at padded position {@code (py, px) = (y + pad, x + pad)} in bit
 * {@code c % 32}. <b>A set bit means -1, a clear bit means +1</b> ({@code sign(0) = +1}). Bits past the last channel
 * (the tail of the last word of a pixel) are always 0, and the border pixels are all-zero words, i.e. {@code +1} in
 * every channel; the packers never write the border.
 *
 * <p>An instance is a mutable buffer: the packers in {@link ActivationPacker} overwrite the interior, so one
 * buffer can be reused batch after batch as long as its shape fits. Not thread-safe for concurrent writes.
 */
public final class PackedActivations {
    private final int batch;
    private final int channels;
    private final int height;
    private final int width;
    private final int pad;
    private final int wordsPerPixel;
    private final int[] bits;

    private PackedActivations(int batch, int channels, int height, int width, int pad) {
        if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0 || pad < 0) {
            throw new IllegalArgumentException("invalid packed activation shape: batch " + batch + ", channels "
                    + channels + ", " + height + "x" + width + ", pad " + pad);
        }
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pad = pad;
        this.wordsPerPixel = wordsFor(channels);
        long size = (long) batch * (height + 2L * pad) * (width + 2L * pad) * wordsPerPixel;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed activations too large for one array: " + size + " words");
        }
        this.bits = new int[(int) size];
    }

    /** A zeroed buffer (every value +1) for {@code batch} images of {@code channels x height x width}, border {@code pad}. */
    public static PackedActivations allocate(int batch, int channels, int height, int width, int pad) {
        return new PackedActivations(batch, channels, height, width, pad);
    }

    /** Bits per word. */
    public static final int WORD_BITS = 32;

    /**
     * Words needed for {@code channels} bits: {@code ceil(channels / 32)}. Why 32-bit words: the vector kernel holds
     * one filter per int lane, so a vector covers 16 filters in order (AVX-512) and its counts need no reordering
     * before they are finished and stored (see {@code VectorBinaryConv}).
     */
    public static int wordsFor(int channels) {
        return (channels + WORD_BITS - 1) >>> 5;
    }

    public int batch() {
        return batch;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Border width in pixels on every side. */
    public int pad() {
        return pad;
    }

    public int wordsPerPixel() {
        return wordsPerPixel;
    }

    public int paddedHeight() {
        return height + 2 * pad;
    }

    public int paddedWidth() {
        return width + 2 * pad;
    }

    /** Words between vertically adjacent pixels. */
    public int rowStride() {
        return paddedWidth() * wordsPerPixel;
    }

    /** Words between consecutive images. */
    public int imageStride() {
        return paddedHeight() * rowStride();
    }

    /** Index of the first word of pixel {@code (y, x)} of image {@code n}; {@code y, x} may lie in the border ({@code -pad..}). */
    public int offset(int n, int y, int x) {
        return n * imageStride() + (y + pad) * rowStride() + (x + pad) * wordsPerPixel;
    }

    /** The backing words, shared (see the class comment for the layout). */
    public int[] bits() {
        return bits;
    }

    /** Value (+1 or -1) of channel {@code c} at interior pixel {@code (y, x)} of image {@code n}. */
    public int value(int n, int c, int y, int x) {
        int word = bits[offset(n, y, x) + (c >>> 5)];
        return ((word >>> (c & 31)) & 1) == 0 ? 1 : -1;
    }

    /** Sets every value, border included, back to +1. */
    public void clear() {
        Arrays.fill(bits, 0);
    }

    /** The interior as +-1 floats in NCHW order ({@code [batch, channels, height, width]}), for tests and debugging. */
    public float[] toNchw() {
        float[] out = new float[batch * channels * height * width];
        int idx = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        out[idx++] = value(n, c, y, x);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "PackedActivations[batch " + batch + ", channels " + channels + ", " + height + "x" + width
                + ", pad " + pad + ", " + wordsPerPixel + " words/pixel]";
    }
}
