package org.rbnn4j.core.train;

import java.util.List;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.BatchNorm;
import org.rbnn4j.core.nn.Mode;

/**
 * Re-estimates every BatchNorm's running statistics at the current weights ("precise BN", as fvcore's
 * {@code update_bn_stats}): forwards in TRAIN mode over the first {@code batches} training batches and sets the
 * running mean and variance to the plain average of their batch statistics.
 *
 * <p>Why: the exponential running average (momentum 0.1) mixes the statistics of the last ten or so SGD steps.
 * With small batches and a high learning rate those steps see noticeably different weights, and the eval-mode
 * network can lose tens of points of accuracy that the weights themselves have (measured on float ResNet-20 with
 * 2,000 Fashion-MNIST images: 28.6% with the running average, 76.6% after one re-estimate).
 *
 * <p>Only the BatchNorm buffers change: no gradient is computed, no parameter moves and no rotation update runs
 * (the trainer's per-batch hooks are not called).
 */
public final class BatchNormRecalibration {
    private BatchNormRecalibration() {
    }

    /**
     * Re-estimates the statistics of every BatchNorm in {@code network} from at most {@code batches} batches of
     * {@code data}'s epoch {@code epoch} (all of them when the epoch is shorter). Returns the number of batches used.
     */
    public static int run(Network network, BatchSource data, int epoch, int batches) {
        if (batches <= 0) {
            throw new IllegalArgumentException("need at least 1 batch to re-estimate BatchNorm statistics, got " + batches);
        }
        List<BatchNorm> norms = network.layersOf(BatchNorm.class);
        if (norms.isEmpty()) {
            return 0;
        }
        int used = 0;
        norms.forEach(BatchNorm::beginStatisticsEstimate);
        try (BatchSource.CloseableIterable<Batch> it = data.epoch(epoch)) {
            for (Batch batch : it) {
                if (used == batches) {
                    break;
                }
                network.forward(batch.images(), Mode.TRAIN);
                used++;
            }
        } finally {
            norms.forEach(BatchNorm::endStatisticsEstimate);
        }
        return used;
    }
}
