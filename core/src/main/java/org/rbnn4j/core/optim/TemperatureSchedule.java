package org.rbnn4j.core.optim;

/**
 * The annealing of the training-aware sign approximation (DESIGN.md §1): for epoch {@code e} (0-based)
 * of {@code E}, {@code t = 10^(log10(Tmin) + (log10(Tmax) - log10(Tmin)) * e / E)} and
 * {@code k = max(1/t, 1)}. Defaults {@code Tmin = 1e-2}, {@code Tmax = 1e1}. Pure functions.
 */
public final class TemperatureSchedule {
    public static final double DEFAULT_T_MIN = 1e-2;
    public static final double DEFAULT_T_MAX = 1e1;

    private final double tMin;
    private final double tMax;

    public TemperatureSchedule(double tMin, double tMax) {
        if (!(tMin > 0) || !(tMax > 0)) {
            throw new IllegalArgumentException("temperatures must be positive, got " + tMin + ", " + tMax);
        }
        this.tMin = tMin;
        this.tMax = tMax;
    }

    /** Tmin 1e-2, Tmax 1e1. */
    public static TemperatureSchedule standard() {
        return new TemperatureSchedule(DEFAULT_T_MIN, DEFAULT_T_MAX);
    }

    public double tMin() {
        return tMin;
    }

    public double tMax() {
        return tMax;
    }

    /** {@code t} used throughout epoch {@code epoch} of {@code totalEpochs}. */
    public double t(int epoch, int totalEpochs) {
        if (totalEpochs < 1 || epoch < 0 || epoch >= totalEpochs) {
            throw new IllegalArgumentException("epoch " + epoch + " is outside [0, " + totalEpochs + ")");
        }
        double lo = Math.log10(tMin);
        double hi = Math.log10(tMax);
        return Math.pow(10, lo + (hi - lo) * epoch / totalEpochs);
    }

    /** {@code k = max(1/t, 1)} of epoch {@code epoch}. */
    public double k(int epoch, int totalEpochs) {
        return Math.max(1.0 / t(epoch, totalEpochs), 1.0);
    }

    @Override
    public String toString() {
        return "temperature(" + tMin + " -> " + tMax + ")";
    }
}
