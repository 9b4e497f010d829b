package org.rbnn4j.simd.packed;

/** Memory layout of the float output of a packed binary convolution. */
public enum OutputLayout {
    /**
     * {@code [batch, Cout, outH, outW]}, as the float model ({@code ComputeBackend.conv2dForward}); written
     * lane by lane, a little slower than {@link #NHWC}.
     */
    NCHW,
    /**
     * {@code [batch, outH, outW, Cout]}: each output pixel's channels are contiguous, which is what a following
     * per-channel affine + binarise + pack step along channels wants; written with vector stores.
     */
    NHWC
}
