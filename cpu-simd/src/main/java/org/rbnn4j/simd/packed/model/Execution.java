package org.rbnn4j.simd.packed.model;

import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.simd.packed.BinaryConvExecutor;
import org.rbnn4j.simd.packed.PopcountKernel;

/**
 * How one run of a {@link Program} computes: the float backend (the same one the float simulation uses, so that the
 * float parts round identically), the popcount kernel, and, for the small-batch latency path, an executor that splits
 * each binary convolution among threads ({@code null}: binary convolutions run on the calling thread).
 */
record Execution(ComputeBackend backend, PopcountKernel kernel, BinaryConvExecutor intraOp) {
}
