package org.rbnn4j.core.train;

import java.util.List;

/**
 * What one epoch of training measured.
 *
 * @param epoch           1-based epoch number (as printed)
 * @param learningRate    learning rate used during the epoch
 * @param t               sign-gradient temperature of the epoch
 * @param k               weight sign-gradient scale of the epoch
 * @param trainLoss       mean training loss over the epoch's batches
 * @param trainAccuracy   training accuracy (fraction) over the epoch, with the weights as they moved
 * @param testLoss        mean test loss after the epoch (NaN when no test set)
 * @param testAccuracy    test accuracy (fraction) after the epoch
 * @param seconds         wall-clock seconds of the training part of the epoch
 * @param rotationSeconds seconds spent in rotation updates during the epoch
 * @param layers          per-binary-layer diagnostics, empty for float networks
 */
public record EpochMetrics(int epoch, double learningRate, double t, double k,
                           double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                           double seconds, double rotationSeconds, List<LayerDiagnostics> layers) {

    public EpochMetrics {
        layers = List.copyOf(layers);
    }

    /** Share of the epoch's training time spent in rotation updates. */
    public double rotationShare() {
        return seconds > 0 ? rotationSeconds / seconds : 0;
    }

    public double meanS() {
        return layers.stream().mapToDouble(LayerDiagnostics::meanS).average().orElse(Double.NaN);
    }
}
