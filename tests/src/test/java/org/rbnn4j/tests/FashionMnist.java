package org.rbnn4j.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.DataOptions;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.loader.DataLoader;
import org.rbnn4j.datasets.loader.LoaderBatchSource;
import org.rbnn4j.datasets.transform.Recipes;
import org.rbnn4j.datasets.transform.Transform;

/** The real Fashion-MNIST for end-to-end tests: required in CI, skipped with a reason elsewhere when absent. */
final class FashionMnist {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    private FashionMnist() {
    }

    static LoadedDataset loadOrSkip() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!ci) {
            assumeTrue(Files.isDirectory(DEBIAN) || System.getenv("RBNN_DATA") != null,
                    "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); end-to-end test skipped");
        }
        return Datasets.load("fashion-mnist", DataOptions.defaults());
    }

    /** Seeded stratified subsets with the standard train / test pipelines. */
    static LoaderBatchSource train(LoadedDataset data, int size, int batch, long seed) {
        return train(data, size, batch, seed, Recipes.fashionMnistTrain());
    }

    /** A seeded stratified training subset, shuffled each epoch, through {@code transform}. */
    static LoaderBatchSource train(LoadedDataset data, int size, int batch, long seed, Transform transform) {
        Dataset d = data.train().stratifiedSubset(size, seed);
        return new LoaderBatchSource(DataLoader.builder(d).batchSize(batch).shuffle(true).seed(seed)
                .transform(transform).build());
    }

    static LoaderBatchSource test(LoadedDataset data, int size, long seed) {
        Dataset d = data.test().stratifiedSubset(size, seed);
        return new LoaderBatchSource(DataLoader.builder(d).batchSize(250).shuffle(false).seed(seed)
                .transform(Recipes.fashionMnistTest()).build());
    }
}
