package org.rbnn4j.core.rbnn;

/**
 * One binary convolution's diagnostics at one moment (the paper's per-layer curves, DESIGN.md §1), computed
 * from the layer's current weights by {@link BinaryConv2d#diagnostics()}.
 *
 * @param angularBiasBefore   mean over filters of {@code arccos(<w, sign w> / (|w| |sign w|))} for the standardised
 *                            weights {@code w2}, in radians
 * @param angularBiasAfter    the same for the rotated weights {@code R^T w2} (equal to the former with rotation off)
 * @param flipRate            fraction of binary weights {@code sign(w3)} that changed since the previous call
 *                            (NaN on the first call)
 * @param quantisationError   {@code sum_j ||alpha_j sign(w3_j) - w3_j||^2 / (Cout * n)}: the mean over filters of
 *                            {@code ||alpha sign(w3) - w3||^2 / n}, i.e. the mean per weight
 * @param meanBlend           mean over filters of {@code s = |sin theta|} (0 with rotation off)
 * @param minBlend            smallest {@code s}
 * @param maxBlend            largest {@code s}
 * @param rotationUpdates     rotation updates run since construction
 * @param rotationUpdateNanos wall time spent in rotation updates since construction
 * @param rotationApplyNanos  wall time spent applying the rotation ({@code R^T w2}) in forward passes since construction
 */
public record BinaryConvDiagnostics(double angularBiasBefore, double angularBiasAfter, double flipRate,
                                    double quantisationError, double meanBlend, double minBlend, double maxBlend,
                                    long rotationUpdates, long rotationUpdateNanos, long rotationApplyNanos) {
}
