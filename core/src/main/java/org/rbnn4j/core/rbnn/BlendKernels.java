package org.rbnn4j.core.rbnn;

/**
 * The last steps of a binary layer's weight transform (DESIGN.md §1 steps 6-7) and their backward, one filter per
 * call, as the compute SPI's reference ({@code ComputeBackend.blendAndSign}, {@code blendBackward}): static methods
 * over primitive arrays and indices, no allocation.
 *
 * <p>Forward: {@code s_j = |sin theta_j|}, {@code w3 = w2 + s_j (Rw2 - w2)}, {@code bw = sign(w3)}; without a rotation
 * {@code w3 = w2} and {@code s_j = 0}.
 */
public final class BlendKernels {
    private BlendKernels() {
    }

    /**
     * Filter {@code j} ({@code len} values at {@code j * len}): {@code blend[j]}, {@code blended} and {@code signs}
     * from {@code standardised}, {@code rotated} and {@code theta}; {@code rotated} and {@code theta} null for a layer
     * without rotation.
     */
    public static void blendAndSign(float[] standardised, float[] rotated, float[] theta, int len, float[] blend,
                                    float[] blended, float[] signs, int j) {
        int off = j * len;
        if (rotated == null) {
            blend[j] = 0f;
            System.arraycopy(standardised, off, blended, off, len);
        } else {
            float s = blend(theta[j]);
            blend[j] = s;
            for (int i = 0; i < len; i++) {
                blended[off + i] = blendAt(standardised[off + i], rotated[off + i], s);
            }
        }
        SignKernels.sign(blended, off, signs, off, len);
    }

    /**
     * The backward of filter {@code j} from {@code dL/dbw} in {@code grad} (overwritten as scratch) to the gradients
     * of the latent weights and of theta: {@code dL/dw3 = dL/dbw * surrogate(w3)};
     * {@code dL/dtheta_j += sum dL/dw3 (Rw2 - w2) * sign(sin theta) cos theta} (when {@code thetaGrad} is not null);
     * {@code dL/dw2 = (1 - s) dL/dw3} (with rotation: {@code Rw2} is a constant); then the standardisation's backward,
     * added to {@code weightGrad}.
     */
    public static void blendBackward(float[] grad, float[] blended, float[] standardised, float[] rotated,
                                     float[] blend, float[] theta, float[] invStd, int len, SignGradient surrogate,
                                     float t, float k, float[] thetaGrad, float[] weightGrad, int j) {
        int off = j * len;
        surrogate.scaleBySurrogate(blended, off, grad, off, len, t, k);
        if (rotated != null) {
            float s = blend[j];
            if (thetaGrad != null) {
                double sum = 0;
                for (int i = 0; i < len; i++) {
                    sum += (double) grad[off + i] * (rotated[off + i] - standardised[off + i]);
                }
                thetaGrad[j] += thetaGradient(sum, theta[j]);
            }
            for (int i = 0; i < len; i++) {
                float gi = grad[off + i];
                grad[off + i] = gi - s * gi;
            }
        }
        StandardisationKernels.backward(grad, off, standardised, off, len, invStd[j], grad, off);
        for (int i = 0; i < len; i++) {
            weightGrad[off + i] += grad[off + i];
        }
    }

    /** The blend weight {@code s = |sin theta|}, in double, rounded to float. */
    public static float blend(float theta) {
        return (float) Math.abs(Math.sin(theta));
    }

    /** One blended weight {@code w3 = w2 + s (Rw2 - w2)}. */
    public static float blendAt(float standardised, float rotated, float s) {
        float delta = rotated - standardised;
        return standardised + s * delta;
    }

    /**
     * {@code theta}'s gradient from {@code sum = sum_i dL/dw3_i (Rw2 - w2)_i}: {@code sum * sign(sin theta) * cos theta},
     * in double ({@code sign} as {@link Math#signum}: zero and NaN pass through), rounded to float.
     */
    public static float thetaGradient(double sum, float theta) {
        double angle = theta;
        double sin = Math.sin(angle);
        double sign = sin > 0 ? 1.0 : (sin < 0 ? -1.0 : sin);
        return (float) (sum * sign * Math.cos(angle));
    }
}
