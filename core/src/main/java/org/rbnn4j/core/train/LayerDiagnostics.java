package org.rbnn4j.core.train;

/**
 * Per-binary-layer diagnostics the paper reports, for one epoch.
 *
 * @param layer              dotted layer name ({@code layer2.2.conv2})
 * @param meanS              mean blend factor {@code s = |sin theta|} over output channels
 * @param angularBiasBefore  mean angle (radians) between the standardised weights and their signs, before rotation
 * @param angularBiasAfter   the same for the rotated weights
 * @param flipRate           fraction of binary weights whose sign changed since the previous epoch
 * @param quantizationError  {@code ||alpha*sign(w3) - w3||^2 / n}, mean over filters
 * @param weightGradNorm     L2 norm of the latent weight gradient of the last training batch
 */
public record LayerDiagnostics(String layer, double meanS, double angularBiasBefore, double angularBiasAfter,
                               double flipRate, double quantizationError, double weightGradNorm) {
}
