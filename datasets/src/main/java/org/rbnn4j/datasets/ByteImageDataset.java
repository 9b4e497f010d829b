package org.rbnn4j.datasets;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Fixed-size uint8 images held in memory, one contiguous CHW block per image (MNIST, Fashion-MNIST,
 * CIFAR). Bytes are a quarter of the memory of floats; conversion to [0, 1] floats happens per image,
 * when a batch is assembled.
 */
public final class ByteImageDataset implements Dataset {
    /** {@code b / 255f} for every byte value: the conversion is a table lookup. */
    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = i / 255f;
        }
    }

    private final String name;
    private final String source;
    private final ImageShape shape;
    private final byte[] pixels;
    private final byte[] labels;
    private final List<String> classes;

    /**
     * @param pixels  {@code n * shape.size()} bytes, image after image, each CHW
     * @param labels  one class index per image, each in {@code [0, classes.size())} (read as unsigned)
     */
    public ByteImageDataset(String name, String source, ImageShape shape, byte[] pixels, byte[] labels, List<String> classes) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.classes = List.copyOf(classes);
        if (classes.size() > 256) {
            throw new IllegalArgumentException("at most 256 classes fit a byte label, got " + classes.size());
        }
        if ((long) labels.length * shape.size() != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * shape.size()
                    + " pixel bytes of " + shape + " images, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= classes.size()) {
                throw new IllegalArgumentException("label " + label + " of image " + i + " is out of range [0, " + classes.size() + ")");
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public Optional<ImageShape> imageShape() {
        return Optional.of(shape);
    }

    /** The fixed image shape. */
    public ImageShape shape() {
        return shape;
    }

    @Override
    public FloatImage image(int index) {
        float[] data = new float[shape.size()];
        image(index, data, 0);
        return new FloatImage(shape.channels(), shape.height(), shape.width(), data);
    }

    @Override
    public void image(int index, float[] dst, int offset) {
        int n = shape.size();
        int src = checkedOffset(index);
        for (int i = 0; i < n; i++) {
            dst[offset + i] = UNIT[pixels[src + i] & 0xFF];
        }
    }

    /** Image {@code index} as its raw CHW bytes (a copy). */
    public byte[] imageBytes(int index) {
        byte[] out = new byte[shape.size()];
        copyImageBytes(index, out, 0);
        return out;
    }

    /** Copies image {@code index}'s raw CHW bytes into {@code dst} at {@code offset}. */
    public void copyImageBytes(int index, byte[] dst, int offset) {
        System.arraycopy(pixels, checkedOffset(index), dst, offset, shape.size());
    }

    private int checkedOffset(int index) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException("image " + index + " outside " + name + " of size " + labels.length);
        }
        return index * shape.size();
    }
}
