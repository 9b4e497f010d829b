package org.rbnn4j.core.train;

/**
 * Training events, in the style of DJL's {@code TrainingListener}. All methods have empty defaults, so a listener
 * implements only what it needs. Listeners run on the training thread: keep them cheap.
 */
public interface TrainingListener {

    /** Before the first epoch of this run ({@code startEpoch} is 0, or later when resuming). */
    default void onTrainingStart(TrainingConfig config, int startEpoch, int batchesPerEpoch) {
    }

    /** Before epoch {@code epoch} (0-based). */
    default void onEpochStart(int epoch, double learningRate, double t, double k) {
    }

    /** After each training batch: its loss and how many of its {@code size} examples were right. */
    default void onBatchEnd(int epoch, int batch, double loss, int correct, int size) {
    }

    /** After evaluation and checkpointing of an epoch. */
    default void onEpochEnd(EpochMetrics metrics) {
    }

    /** When the loss is rising fast (a warning; training goes on). */
    default void onDivergenceWarning(int epoch, String message) {
    }

    /** After the last epoch, or when training stops early. */
    default void onTrainingEnd(TrainingResult result) {
    }
}
