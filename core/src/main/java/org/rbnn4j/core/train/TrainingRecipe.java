package org.rbnn4j.core.train;

/**
 * Named hyper-parameter sets for binary networks.
 *
 * <ul>
 *   <li>{@link #REFERENCE}: the official RBNN script exactly (no warm-up, cosine from lr 0.1, {@code t} from 1e-2 to
 *       1e1). On 12 Fashion-MNIST epochs it collapses to chance once {@code t} passes about 3, as the official code
 *       does: the sign-gradient peak {@code sqrt(2) t} multiplies through the layers.</li>
 *   <li>{@link #DEFAULT}: the same method (rotation, blend, annealed sign gradient) with the temperature capped so that
 *       the gradient peak stays bounded ({@code tMax = 1.5}, peak about 2.1) and global gradient-norm clipping at 5
 *       as a guard.</li>
 * </ul>
 */
public enum TrainingRecipe {
    REFERENCE,
    DEFAULT;

    /** {@code base} with this recipe's schedule settings applied. */
    public TrainingConfig.Builder apply(TrainingConfig.Builder base) {
        return switch (this) {
            case REFERENCE -> base.warmup(false).learningRate(0.1).tMin(1e-2).tMax(1e1).gradientClipNorm(0);
            case DEFAULT -> base.warmup(false).learningRate(0.1).tMin(1e-2).tMax(1.5).gradientClipNorm(5);
        };
    }
}
