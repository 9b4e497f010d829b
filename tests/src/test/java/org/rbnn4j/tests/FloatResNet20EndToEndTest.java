package org.rbnn4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.model.ResNet20;
import org.rbnn4j.core.train.Trainer;
import org.rbnn4j.core.train.TrainingConfig;
import org.rbnn4j.core.train.TrainingResult;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.loader.LoaderBatchSource;
import org.rbnn4j.datasets.transform.Recipes;

/**
 * Foundation end-to-end: float ResNet-20 on 2,000 Fashion-MNIST images for 2 epochs reaches 75% on 1,000 test
 * images (the target).
 *
 * <p>The choices that get it there in 125 SGD steps, each measured on seeds 7, 8 and 9 (last-epoch accuracy):
 * batch 32 at lr 0.02 (batch 16 at lr 0.05: 73-74%); no crop/flip augmentation, which only slows a 2-epoch run
 * (63-67% with it); the float model's zero-init-residual gammas (65-69% with the reference's 1e-8); and BatchNorm
 * statistics re-estimated at the final weights before evaluation: the exponential running average lags the
 * fast-moving weights of such a short run and alone gives anything from 29% to 79% (with it: 78-79%).
 */
class FloatResNet20EndToEndTest {

    @Test
    void floatResNet20LearnsFashionMnistSubset() {
        LoadedDataset data = FashionMnist.loadOrSkip();
        try (ComputeBackend backend = Backends.create("auto", 0);
             LoaderBatchSource train = FashionMnist.train(data, 2000, 32, 7, Recipes.fashionMnistTest());
             LoaderBatchSource test = FashionMnist.test(data, 1000, 7)) {
            ComputeBackend previous = Backends.use(backend);
            try {
                Network net = ResNet20.floatModel(1, 10, 7);
                TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(32).learningRate(0.02)
                        .warmup(false).bnRecalibrationBatches(train.batchesPerEpoch()).seed(7).build();
                TrainingResult result = new Trainer(net, config).fit(train, test);
                assertThat(result.epochs()).hasSize(2);
                assertThat(result.epochs().get(1).trainLoss()).isLessThan(result.epochs().get(0).trainLoss());
                assertThat(result.last().testAccuracy()).as("test accuracy after 2 epochs").isGreaterThanOrEqualTo(0.75);
            } finally {
                Backends.use(previous);
            }
        }
    }
}
