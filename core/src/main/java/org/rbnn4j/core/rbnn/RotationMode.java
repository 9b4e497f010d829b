package org.rbnn4j.core.rbnn;

/** How a binary convolution rotates its standardised filters before binarisation (DESIGN.md §1, step 4). */
public enum RotationMode {
    /** No rotation and no blend: {@code w3 = w2}, an XNOR-like baseline with the same scale {@code alpha}. */
    OFF,
    /** The paper's bi-rotation {@code R1^T X R2} with {@code R1} (a x a) and {@code R2} (b x b). The default. */
    BI_ROTATION,
    /**
     * One full {@code n x n} rotation {@code R^T w} found by the same orthogonal-Procrustes idea with one SVD
     * per step. Costs {@code O(n^3)} per step and {@code n^2} numbers: meant for the ablation on small layers.
     */
    FULL
}
