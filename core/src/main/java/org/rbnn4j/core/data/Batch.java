package org.rbnn4j.core.data;

import java.util.Objects;
import org.rbnn4j.core.tensor.Tensor;

/**
 * One mini-batch: images as an NCHW float tensor and their class labels ({@code labels[i]} belongs to
 * image {@code i}).
 */
public record Batch(Tensor images, int[] labels) {
    public Batch {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (images.rank() != 4 || images.dim(0) != labels.length) {
            throw new IllegalArgumentException("a batch needs NCHW images with one label each: images "
                    + images + ", " + labels.length + " labels");
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }
}
