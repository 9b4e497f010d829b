package org.rbnn4j.datasets;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A view of selected images of another dataset; nothing is copied. */
final class SubsetDataset implements Dataset {
    private final Dataset base;
    private final int[] indices;
    private final String name;

    SubsetDataset(Dataset base, int[] indices, String name) {
        this.base = Objects.requireNonNull(base, "base");
        this.indices = indices.clone();
        this.name = name;
        int n = base.size();
        for (int i : this.indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("subset index " + i + " outside dataset " + base.name() + " of size " + n);
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String source() {
        return base.source();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public List<String> classes() {
        return base.classes();
    }

    @Override
    public Optional<ImageShape> imageShape() {
        return base.imageShape();
    }

    @Override
    public FloatImage image(int index) {
        return base.image(indices[index]);
    }

    @Override
    public void image(int index, float[] dst, int offset) {
        base.image(indices[index], dst, offset);
    }

    /** The indices into the base dataset (a copy). */
    int[] baseIndices() {
        return indices.clone();
    }
}
