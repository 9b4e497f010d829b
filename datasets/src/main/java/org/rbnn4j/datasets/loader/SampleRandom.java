package org.rbnn4j.datasets.loader;

import java.util.SplittableRandom;

/**
 * Seeds derived from (seed, epoch, sample): every sample's augmentation and every epoch's shuffle get
 * an independent, reproducible stream, whatever the batch size, prefetch depth or thread timing.
 */
public final class SampleRandom {
    private SampleRandom() {
    }

    /** The generator for sample {@code index} (an index into the dataset) in {@code epoch}. */
    public static SplittableRandom forSample(long seed, int epoch, int index) {
        return new SplittableRandom(mix(mix(mix(seed) ^ epoch) + index));
    }

    /** The generator for the shuffle of {@code epoch}. */
    public static SplittableRandom forShuffle(long seed, int epoch) {
        return new SplittableRandom(mix(mix(seed + 0x632BE59BD9B4E019L) ^ (0x9E3779B97F4A7C15L * (epoch + 1L))));
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seeded permutation of {@code 0..n-1} (Fisher-Yates). */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = forShuffle(seed, epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
