package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/**
 * Constant padding (zero by default) on each side, as torchvision's {@code Pad}. {@link #toSize}
 * centres an image in a larger canvas: 28x28 to 32x32 is 2 pixels on every side, how the
 * CIFAR-size models take MNIST-style input.
 */
public final class Pad implements Transform {
    private final int top;
    private final int left;
    private final int bottom;
    private final int right;
    private final float fill;
    private final int targetHeight;
    private final int targetWidth;

    private Pad(int top, int left, int bottom, int right, float fill, int targetHeight, int targetWidth) {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("padding must be >= 0");
        }
        this.top = top;
        this.left = left;
        this.bottom = bottom;
        this.right = right;
        this.fill = fill;
        this.targetHeight = targetHeight;
        this.targetWidth = targetWidth;
    }

    /** {@code padding} zero pixels on every side. */
    public static Pad of(int padding) {
        return new Pad(padding, padding, padding, padding, 0f, -1, -1);
    }

    /** Explicit padding per side with a fill value. */
    public static Pad of(int top, int left, int bottom, int right, float fill) {
        return new Pad(top, left, bottom, right, fill, -1, -1);
    }

    /**
     * Zero-pads to {@code height x width}, centred (an odd difference puts the extra pixel at the
     * bottom/right). Images already of that size pass through; larger ones are an error.
     */
    public static Pad toSize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("target size must be positive");
        }
        return new Pad(0, 0, 0, 0, 0f, height, width);
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        int t = top;
        int l = left;
        int h;
        int w;
        if (targetHeight > 0) {
            int dh = targetHeight - image.height();
            int dw = targetWidth - image.width();
            if (dh < 0 || dw < 0) {
                throw new IllegalArgumentException("cannot pad a " + image.height() + "x" + image.width()
                        + " image to the smaller size " + targetHeight + "x" + targetWidth);
            }
            if (dh == 0 && dw == 0) {
                return image;
            }
            t = dh / 2;
            l = dw / 2;
            h = targetHeight;
            w = targetWidth;
        } else {
            h = image.height() + top + bottom;
            w = image.width() + left + right;
        }
        return Crops.crop(image, -t, -l, h, w, fill);
    }

    @Override
    public String toString() {
        return targetHeight > 0 ? "PadTo(" + targetHeight + "x" + targetWidth + ")"
                : "Pad(" + top + "," + left + "," + bottom + "," + right + ")";
    }
}
