package org.rbnn4j.tests;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.train.Trainer;
import org.rbnn4j.core.train.TrainingConfig;
import org.rbnn4j.core.train.TrainingRecipe;
import org.rbnn4j.core.train.TrainingResult;
import org.rbnn4j.datasets.DataOptions;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.loader.DataLoader;
import org.rbnn4j.datasets.loader.LoaderBatchSource;
import org.rbnn4j.datasets.transform.Recipes;
import org.rbnn4j.simd.packed.model.PackedModel;

/** The library example of README.md, verbatim between the markers; {@link ReadmeExampleTest} runs it. */
final class ReadmeExample {
    private ReadmeExample() {
    }

    static TrainingResult run(Path dir) throws IOException {
        // README-BEGIN
        LoadedDataset data = Datasets.load("fashion-mnist", DataOptions.defaults());
        try (ComputeBackend backend = Backends.create("auto", 0);        // SIMD where the Vector API runs, else scalar
             LoaderBatchSource train = new LoaderBatchSource(DataLoader.builder(data.train().stratifiedSubset(1000, 42))
                     .batchSize(64).shuffle(true).seed(42).transform(Recipes.fashionMnistTrain()).build());
             LoaderBatchSource test = new LoaderBatchSource(DataLoader.builder(data.test().stratifiedSubset(500, 42))
                     .batchSize(128).transform(Recipes.fashionMnistTest()).build())) {
            Backends.use(backend);
            Network net = ModelZoo.create(new ModelSpec("resnet20_1w1a", 1, 10, 32, Map.of()), 42);
            TrainingConfig config = TrainingRecipe.DEFAULT.apply(TrainingConfig.builder())
                    .epochs(1).batchSize(64).outputDir(dir).build();
            TrainingResult result = new Trainer(net, config).fit(train, test);
            System.out.printf("test accuracy %.1f%%%n", 100 * result.last().testAccuracy());
            try (PackedModel packed = PackedModel.compile(net)) {             // bit-packed XNOR/popcount network
                packed.save(dir.resolve("model.rbnn"));
            }
            return result;
        }
        // README-END
    }
}
