package org.rbnn4j.simd.packed.model;

import java.util.Arrays;

/**
 * The binary weights {@code sign(w3)} of one binary convolution at 1 bit each, as stored in {@code .rbnn} files:
 * weight {@code j} of the row-major {@code [Cout, Cin, kh, kw]} tensor is bit {@code j % 64} (least significant
 * first) of word {@code j / 64}, set for {@code -1} and clear for {@code +1}; bits past the last weight are 0.
 */
record BinaryWeights(int[] shape, long[] words) {

    BinaryWeights {
        shape = shape.clone();
        long count = count(shape);
        if (words.length != wordsFor(count)) {
            throw new IllegalArgumentException("binary weights " + Arrays.toString(shape) + " need " + wordsFor(count)
                    + " words, got " + words.length);
        }
    }

    /** Packs {@code sign(w)} ({@code sign(0) = +1}). */
    static BinaryWeights pack(float[] w, int[] shape) {
        long count = count(shape);
        if (count != w.length) {
            throw new IllegalArgumentException("weights of shape " + Arrays.toString(shape) + " need " + count
                    + " values, got " + w.length);
        }
        long[] words = new long[wordsFor(count)];
        for (int j = 0; j < w.length; j++) {
            if (w[j] < 0f) {
                words[j >>> 6] |= 1L << (j & 63);
            }
        }
        return new BinaryWeights(shape, words);
    }

    /** The weights as {@code +-1} floats. */
    float[] unpack() {
        int count = (int) count(shape);
        float[] w = new float[count];
        for (int j = 0; j < count; j++) {
            w[j] = ((words[j >>> 6] >>> (j & 63)) & 1L) != 0 ? -1f : 1f;
        }
        return w;
    }

    /** Whether the bits past the last weight are all 0 (a check on file contents). */
    boolean tailIsClear() {
        long count = count(shape);
        int rem = (int) (count & 63);
        return rem == 0 || (words[words.length - 1] >>> rem) == 0;
    }

    static long count(int[] shape) {
        long c = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("non-positive dimension in " + Arrays.toString(shape));
            }
            c *= d;
        }
        return c;
    }

    static int wordsFor(long count) {
        return (int) ((count + 63) >>> 6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryWeights b && Arrays.equals(shape, b.shape) && Arrays.equals(words, b.words);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "BinaryWeights" + Arrays.toString(shape);
    }
}
