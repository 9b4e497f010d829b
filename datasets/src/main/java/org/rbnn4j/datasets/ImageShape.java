package org.rbnn4j.datasets;

/** Channels, height and width of one image (CHW, the per-sample part of NCHW). */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive: " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of values of one image. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
