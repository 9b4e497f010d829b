package org.rbnn4j.datasets;

import java.util.Objects;

/**
 * One image as CHW floats (channel planes, rows, columns): the unit that transforms work on.
 * Values coming from a dataset are in [0, 1] (pixel / 255, as torchvision's {@code ToTensor}).
 * The array is owned by the image; transforms return a new image or reuse this one when they can.
 */
public record FloatImage(int channels, int height, int width, float[] data) {
    public FloatImage {
        Objects.requireNonNull(data, "data");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException("image " + channels + "x" + height + "x" + width + " needs "
                    + (long) channels * height * width + " values, the array has " + data.length);
        }
    }

    /** A zero image. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[channels * height * width]);
    }

    public ImageShape shape() {
        return new ImageShape(channels, height, width);
    }

    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}
