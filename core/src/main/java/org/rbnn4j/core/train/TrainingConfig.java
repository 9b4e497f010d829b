package org.rbnn4j.core.train;

import java.nio.file.Path;

/**
 * Hyper-parameters of a training run (DESIGN.md §1 schedules). Build with {@link #builder()}; the defaults are the
 * paper's: SGD lr 0.1, momentum 0.9, weight decay 1e-4 on every parameter, warm-up then cosine, Tmin 1e-2, Tmax 1e1.
 *
 * @param epochs           number of epochs {@code E}
 * @param batchSize        training batch size
 * @param testBatchSize    evaluation batch size
 * @param learningRate     base learning rate
 * @param momentum         SGD momentum
 * @param weightDecay      weight decay applied to every parameter
 * @param warmup           5 warm-up epochs then cosine to 0 (true), or plain cosine
 * @param tMin             start temperature of the sign gradient
 * @param tMax             end temperature of the sign gradient
 * @param gradientClipNorm clip the global gradient L2 norm to this value before each step (0 = off)
 * @param bnRecalibrationBatches before each evaluation, re-estimate every BatchNorm's running statistics from this
 *                         many training batches at the epoch's final weights ({@link BatchNormRecalibration};
 *                         0 = off, the reference behaviour)
 * @param seed             seed of everything random in the run
 * @param outputDir        run folder for checkpoints and metrics (null = keep nothing on disk)
 */
public record TrainingConfig(int epochs, int batchSize, int testBatchSize, double learningRate, double momentum,
                             double weightDecay, boolean warmup, double tMin, double tMax, double gradientClipNorm,
                             int bnRecalibrationBatches, long seed, Path outputDir) {

    public TrainingConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive, got " + epochs);
        }
        if (batchSize <= 0 || testBatchSize <= 0) {
            throw new IllegalArgumentException("batch sizes must be positive");
        }
        if (!(learningRate > 0) || momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("need lr > 0, momentum >= 0, weight decay >= 0");
        }
        if (!(tMin > 0) || !(tMax > 0)) {
            throw new IllegalArgumentException("tmin and tmax must be positive");
        }
        if (gradientClipNorm < 0) {
            throw new IllegalArgumentException("gradient clip norm must be >= 0");
        }
        if (bnRecalibrationBatches < 0) {
            throw new IllegalArgumentException("BatchNorm re-estimation batches must be >= 0 (0 = off), got "
                    + bnRecalibrationBatches);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().epochs(epochs).batchSize(batchSize).testBatchSize(testBatchSize).learningRate(learningRate)
                .momentum(momentum).weightDecay(weightDecay).warmup(warmup).tMin(tMin).tMax(tMax)
                .gradientClipNorm(gradientClipNorm).bnRecalibrationBatches(bnRecalibrationBatches).seed(seed).outputDir(outputDir);
    }

    /** Builder with the paper's defaults. */
    public static final class Builder {
        private int epochs = 1;
        private int batchSize = 256;
        private int testBatchSize = 128;
        private double learningRate = 0.1;
        private double momentum = 0.9;
        private double weightDecay = 1e-4;
        private boolean warmup = true;
        private double tMin = 1e-2;
        private double tMax = 1e1;
        private double gradientClipNorm = 0;
        private int bnRecalibrationBatches = 0;
        private long seed = 42;
        private Path outputDir;

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder testBatchSize(int v) { testBatchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder warmup(boolean v) { warmup = v; return this; }
        public Builder tMin(double v) { tMin = v; return this; }
        public Builder tMax(double v) { tMax = v; return this; }
        public Builder gradientClipNorm(double v) { gradientClipNorm = v; return this; }
        public Builder bnRecalibrationBatches(int v) { bnRecalibrationBatches = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder outputDir(Path v) { outputDir = v; return this; }

        public TrainingConfig build() {
            return new TrainingConfig(epochs, batchSize, testBatchSize, learningRate, momentum, weightDecay, warmup,
                    tMin, tMax, gradientClipNorm, bnRecalibrationBatches, seed, outputDir);
        }
    }
}
