package org.rbnn4j.core.optim;

/**
 * The per-epoch learning rate of DESIGN.md §1, as a pure function of the 0-based epoch {@code e} and the
 * number of epochs {@code E}:
 * <ul>
 *   <li>with warm-up over {@code W} epochs (the recipe: {@code W = 5}): {@code lr * (e+1) / W} for
 *       {@code e < W}, then {@code lr * (1 + cos(pi * (e-W+1) / (E-W+1))) / 2} — with {@code W = 5} this is
 *       {@code cos(pi * (e-4) / (E-4))};</li>
 *   <li>without warm-up: {@code lr * (1 + cos(pi * e / E)) / 2} (cosine annealing towards 0).</li>
 * </ul>
 * This closed form is the method; the reference script's scheduler overshoots {@code lr} after warm-up
 * on current PyTorch versions, which is deliberately not reproduced.
 */
public final class LearningRateSchedule {
    public static final int DEFAULT_WARMUP_EPOCHS = 5;

    private final double baseLr;
    private final int warmupEpochs;

    /** {@code warmupEpochs == 0} means plain cosine annealing. */
    public LearningRateSchedule(double baseLr, int warmupEpochs) {
        if (!(baseLr >= 0) || warmupEpochs < 0) {
            throw new IllegalArgumentException("need lr >= 0 and warm-up epochs >= 0, got " + baseLr + ", " + warmupEpochs);
        }
        this.baseLr = baseLr;
        this.warmupEpochs = warmupEpochs;
    }

    /** Five warm-up epochs, then cosine (the default recipe). */
    public static LearningRateSchedule warmupCosine(double baseLr) {
        return new LearningRateSchedule(baseLr, DEFAULT_WARMUP_EPOCHS);
    }

    /** Cosine annealing from {@code baseLr} without warm-up. */
    public static LearningRateSchedule cosine(double baseLr) {
        return new LearningRateSchedule(baseLr, 0);
    }

    public double baseLr() {
        return baseLr;
    }

    public int warmupEpochs() {
        return warmupEpochs;
    }

    /** The learning rate used throughout epoch {@code epoch} (0-based) of {@code totalEpochs}. */
    public double lr(int epoch, int totalEpochs) {
        if (totalEpochs < 1 || epoch < 0 || epoch >= totalEpochs) {
            throw new IllegalArgumentException("epoch " + epoch + " is outside [0, " + totalEpochs + ")");
        }
        if (warmupEpochs == 0) {
            return baseLr * (1 + Math.cos(Math.PI * epoch / totalEpochs)) / 2;
        }
        if (epoch < warmupEpochs) {
            return baseLr * (epoch + 1) / warmupEpochs;
        }
        int shift = warmupEpochs - 1;
        return baseLr * (1 + Math.cos(Math.PI * (epoch - shift) / (totalEpochs - shift))) / 2;
    }

    @Override
    public String toString() {
        return warmupEpochs == 0 ? "cosine(lr " + baseLr + ")" : "warmup" + warmupEpochs + "+cosine(lr " + baseLr + ")";
    }
}
