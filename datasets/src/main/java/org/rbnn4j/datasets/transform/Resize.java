package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/**
 * Resizes with antialiased bilinear filtering (see {@link Resampler}). {@link #shorterSide(int)}
 * scales the shorter side to {@code size} keeping the aspect ratio, as torchvision's
 * {@code Resize(256)}: the longer side becomes {@code floor(size * long / short)}.
 */
public final class Resize implements Transform {
    private final int size;
    private final int height;
    private final int width;

    private Resize(int size, int height, int width) {
        this.size = size;
        this.height = height;
        this.width = width;
    }

    /** Shorter side to {@code size}, aspect ratio kept. */
    public static Resize shorterSide(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        return new Resize(size, -1, -1);
    }

    /** Exactly {@code height x width}. */
    public static Resize to(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        return new Resize(-1, height, width);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        int h = image.height();
        int w = image.width();
        int oh;
        int ow;
        if (size > 0) {
            if (h <= w) {
                oh = size;
                ow = (int) ((long) size * w / h);
            } else {
                ow = size;
                oh = (int) ((long) size * h / w);
            }
        } else {
            oh = height;
            ow = width;
        }
        if (oh == h && ow == w) {
            return image;
        }
        return Resampler.resize(image, 0, 0, h, w, oh, ow);
    }

    @Override
    public String toString() {
        return size > 0 ? "Resize(shorter side " + size + ")" : "Resize(" + height + "x" + width + ")";
    }
}
