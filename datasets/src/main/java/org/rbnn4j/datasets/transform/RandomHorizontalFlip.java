package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/** Mirrors the image left-right with probability {@code p} (default 0.5), in place. Draws one float. */
public final class RandomHorizontalFlip implements Transform {
    private final double p;

    public RandomHorizontalFlip() {
        this(0.5);
    }

    public RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        if (random.nextDouble() < p) {
            flip(image);
        }
        return image;
    }

    /** Mirrors every row of {@code image} in place. */
    public static void flip(FloatImage image) {
        float[] d = image.data();
        int w = image.width();
        int rows = image.channels() * image.height();
        for (int r = 0; r < rows; r++) {
            int a = r * w;
            int b = a + w - 1;
            while (a < b) {
                float t = d[a];
                d[a++] = d[b];
                d[b--] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + p + ")";
    }
}
