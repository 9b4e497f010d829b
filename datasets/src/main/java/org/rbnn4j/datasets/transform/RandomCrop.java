package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/**
 * A uniformly placed {@code size x size} window of the image zero-padded by {@code padding} on each
 * side (torchvision's {@code RandomCrop(size, padding)}; CIFAR style is 32 with padding 4). The
 * padding is never materialised: the window is copied straight out with zeros where it overhangs.
 * Draws two integers: the top offset, then the left offset.
 */
public final class RandomCrop implements Transform {
    private final int height;
    private final int width;
    private final int padding;

    public RandomCrop(int size, int padding) {
        this(size, size, padding);
    }

    public RandomCrop(int height, int width, int padding) {
        if (height <= 0 || width <= 0 || padding < 0) {
            throw new IllegalArgumentException("crop size must be positive and padding >= 0");
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        int ph = image.height() + 2 * padding;
        int pw = image.width() + 2 * padding;
        if (ph < height || pw < width) {
            throw new IllegalArgumentException("crop " + height + "x" + width + " is larger than the padded image "
                    + ph + "x" + pw);
        }
        int top = random.nextInt(ph - height + 1);
        int left = random.nextInt(pw - width + 1);
        return Crops.crop(image, top - padding, left - padding, height, width, 0f);
    }

    @Override
    public String toString() {
        return "RandomCrop(" + height + "x" + width + ", padding " + padding + ")";
    }
}
