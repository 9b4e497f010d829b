package org.rbnn4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.train.Trainer;
import org.rbnn4j.core.train.TrainingConfig;
import org.rbnn4j.core.train.TrainingRecipe;
import org.rbnn4j.core.train.TrainingResult;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.loader.LoaderBatchSource;

/** RBNN acceptance in CI: resnet20_1w1a on 3,000 Fashion-MNIST images for 2 epochs learns well above chance. */
class Rbnn20EndToEndTest {

    @Test
    void binaryResNet20Learns() {
        LoadedDataset data = FashionMnist.loadOrSkip();
        try (ComputeBackend backend = Backends.create("auto", 0);
             LoaderBatchSource train = FashionMnist.train(data, 3000, 64, 11);
             LoaderBatchSource test = FashionMnist.test(data, 1000, 11)) {
            ComputeBackend previous = Backends.use(backend);
            try {
                Network net = ModelZoo.create(new ModelSpec(ModelZoo.RESNET20_1W1A, 1, 10, 32, Map.of()), 11);
                TrainingConfig config = TrainingRecipe.DEFAULT.apply(TrainingConfig.builder()).epochs(2).batchSize(64)
                        .seed(11).build();
                TrainingResult result = new Trainer(net, config).fit(train, test);
                assertThat(result.epochs()).hasSize(2);
                assertThat(result.epochs().get(1).trainLoss()).as("training loss falls")
                        .isLessThan(result.epochs().get(0).trainLoss());
                assertThat(result.bestAccuracy()).as("best test accuracy (chance is 10%)").isGreaterThan(0.35);
                assertThat(result.last().layers()).hasSize(18)
                        .allSatisfy(d -> assertThat(d.flipRate()).isBetween(0.0, 1.0));
            } finally {
                Backends.use(previous);
            }
        }
    }
}
