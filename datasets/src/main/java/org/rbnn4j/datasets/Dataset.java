package org.rbnn4j.datasets;

import java.util.List;
import java.util.Optional;

/**
 * A labelled image collection with random access: the source a {@link org.rbnn4j.datasets.loader.DataLoader}
 * draws mini-batches from.
 *
 * <p>Images come out as CHW floats in [0, 1]. In-memory datasets (IDX, CIFAR) keep their pixels as
 * bytes and convert one image at a time; image folders decode from disk on each access. Implementations
 * must allow concurrent reads from several threads.
 */
public interface Dataset {

    /** A short name such as {@code "fashion-mnist/train"}. */
    String name();

    /** Where the data came from (a file or folder), for messages. */
    String source();

    /** Number of images. */
    int size();

    /** The class index of image {@code index}, in {@code [0, numClasses())}. */
    int label(int index);

    /** Class names, index = label. */
    List<String> classes();

    default int numClasses() {
        return classes().size();
    }

    /** The shape all images share, or empty when it varies from image to image (image folders). */
    Optional<ImageShape> imageShape();

    /** Image {@code index} as CHW floats in [0, 1], in a new array. */
    FloatImage image(int index);

    /**
     * Writes image {@code index} as CHW floats in [0, 1] into {@code dst} at {@code offset}; the image
     * must have the fixed {@link #imageShape()}. In-memory datasets do this without allocating.
     */
    default void image(int index, float[] dst, int offset) {
        FloatImage img = image(index);
        System.arraycopy(img.data(), 0, dst, offset, img.data().length);
    }

    /** All labels, in order (a new array). */
    default int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /** How many images each class has. */
    default int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i = 0, n = size(); i < n; i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /** A view of the images at {@code indices}, in that order. */
    default Dataset subset(int[] indices) {
        return new SubsetDataset(this, indices, name() + "[subset " + indices.length + "]");
    }

    /** A view of the first {@code n} images (all of them if there are fewer). */
    default Dataset first(int n) {
        return Subsets.first(this, n);
    }

    /**
     * A seeded subset of {@code n} images that keeps the class proportions (largest-remainder quotas),
     * in original order; the same seed always selects the same images.
     */
    default Dataset stratifiedSubset(int n, long seed) {
        return Subsets.stratified(this, n, seed);
    }
}
