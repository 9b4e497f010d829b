package org.rbnn4j.datasets;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation applied as {@code (x - mean[c]) / std[c]} to images in [0, 1].
 * The constants are the ones the RBNN reference uses for each dataset.
 */
public record Normalization(float[] mean, float[] std) {
    /** Fashion-MNIST (one channel). */
    public static final Normalization FASHION_MNIST = new Normalization(new float[] {0.2860f}, new float[] {0.3530f});
    /** MNIST (one channel). */
    public static final Normalization MNIST = new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
    /** ImageNet statistics; the RBNN reference uses them for CIFAR-10 too. */
    public static final Normalization IMAGENET = new Normalization(
            new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    /** CIFAR-10, as in the RBNN reference (which reuses the ImageNet constants). */
    public static final Normalization CIFAR10 = IMAGENET;
    /** CIFAR-100, as in the RBNN reference. */
    public static final Normalization CIFAR100 = new Normalization(
            new float[] {0.507f, 0.487f, 0.441f}, new float[] {0.267f, 0.256f, 0.276f});

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need the same non-zero length, got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
