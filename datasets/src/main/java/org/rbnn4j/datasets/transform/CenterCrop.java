package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/**
 * The central {@code height x width} window, as torchvision's {@code CenterCrop}: offsets
 * {@code round((H - h) / 2)} with ties to even; an image smaller than the window is zero-padded.
 */
public final class CenterCrop implements Transform {
    private final int height;
    private final int width;

    public CenterCrop(int size) {
        this(size, size);
    }

    public CenterCrop(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop size must be positive");
        }
        this.height = height;
        this.width = width;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        if (image.height() == height && image.width() == width) {
            return image;
        }
        int top = (int) Math.rint((image.height() - height) / 2.0);
        int left = (int) Math.rint((image.width() - width) / 2.0);
        return Crops.crop(image, top, left, height, width, 0f);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + height + "x" + width + ")";
    }
}
