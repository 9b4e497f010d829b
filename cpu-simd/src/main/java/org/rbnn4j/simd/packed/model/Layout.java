package org.rbnn4j.simd.packed.model;

/**
 * Memory layout of an image value ({@code [C, H, W]} per image) in a {@link Workspace}. Values that are vectors
 * ({@code [features]}) have one layout only and count as {@link #NCHW}.
 */
enum Layout {
    /** {@code [n][c][h][w]}: the float layers' layout; what the float backend and the model's input use. */
    NCHW,
    /**
     * {@code [n][h][w][c]}: each pixel's channels contiguous, as the packed convolution writes its output and as
     * activations are packed; per-channel float work runs along channel vectors.
     */
    NHWC
}
