package org.rbnn4j.core.data;

import org.rbnn4j.core.tensor.Tensor;

/** One mini-batch: images as an NCHW tensor and their class labels. */
public record Batch(Tensor images, int[] labels) {
    public Batch {
        if (images.dim(0) != labels.length) {
            throw new IllegalArgumentException("batch has " + images.dim(0) + " images but " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }
}
