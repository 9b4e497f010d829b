package org.rbnn4j.datasets;

import java.nio.file.Path;

/** A dataset's train and test splits, where they were found, and its standard normalisation. */
public record LoadedDataset(KnownDataset dataset, Path location, Dataset train, Dataset test) {

    public Normalization normalization() {
        return dataset.normalization();
    }

    /** The shared image shape of the splits, if fixed. */
    public java.util.Optional<ImageShape> imageShape() {
        return train.imageShape();
    }
}
