package org.rbnn4j.core.rbnn;

import java.util.function.BiConsumer;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The rotation state of one binary convolution and its two operations (DESIGN.md §1 steps 4-5): the
 * alternating Procrustes update that fits the rotation to the current standardised filters, and the rotation
 * itself. Filters are passed flattened, {@code filters} runs of {@link #filterSize()} values.
 *
 * <p>The state is not trained by SGD; it is a buffer that checkpoints keep.
 */
public interface FilterRotation {

    /** {@code n}, the number of values in one filter. */
    int filterSize();

    /**
     * Runs {@code steps} alternating steps ({@code B = sign(R^T w)}, then the orthogonal-Procrustes rotation that
     * maximises {@code tr(B^T R^T w)}), with the filters {@code w2} treated as constants.
     */
    void update(float[] w2, int filters, int steps);

    /** Writes the rotated filters {@code R^T w_j} of every filter {@code j} into {@code out}. */
    void rotate(float[] w2, int filters, float[] out);

    /** The objective {@code sum_j tr(B_j^T R^T w_j)} with {@code B_j = sign(R^T w_j)}, i.e. {@code sum |R^T w|}. */
    double objective(float[] w2, int filters);

    /** Visits the rotation matrices under their checkpoint names ({@code R1}, {@code R2} or {@code R}). */
    void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor);

    /** The equivalent full {@code n x n} rotation (row-major), for tests and export; allocates. */
    float[] toFullMatrix();
}
