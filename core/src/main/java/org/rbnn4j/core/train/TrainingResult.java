package org.rbnn4j.core.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param epochs         metrics of every epoch run in this process (resumed runs start later)
 * @param bestAccuracy   best test accuracy seen, including epochs before a resume
 * @param bestEpoch      1-based epoch of the best accuracy
 * @param lastCheckpoint the checkpoint of the last completed epoch (null without an output folder)
 * @param bestCheckpoint the checkpoint of the best epoch (null without an output folder)
 * @param stoppedEarly   why training stopped before the last epoch, or null
 */
public record TrainingResult(List<EpochMetrics> epochs, double bestAccuracy, int bestEpoch,
                             Path lastCheckpoint, Path bestCheckpoint, String stoppedEarly) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}
