package org.rbnn4j.cli;

import java.nio.file.Path;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.datasets.DataOptions;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.loader.DataLoader;
import org.rbnn4j.datasets.loader.LoaderBatchSource;
import org.rbnn4j.datasets.transform.Recipes;
import picocli.CommandLine.Option;

/** Which dataset to use and how much of it: shared by train, eval and bench. */
final class DataSelection {
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, cifar10, cifar100, imagenet")
    String dataset;

    @Option(names = "--data", description = "folder holding the dataset (default: $RBNN_DATA, ~/.rbnn/datasets, system folders)")
    Path dataDir;

    @Option(names = "--download", description = "download the official archives into the cache when missing")
    boolean download;

    @Option(names = "--train-size", defaultValue = "0",
            description = "train on a seeded class-stratified subset of N images (0: the command's default; "
                    + "`train` uses 20,000 unless --full-data is given)")
    int trainSize;

    @Option(names = "--test-size", description = "evaluate on a seeded class-stratified subset of N images")
    Integer testSize;

    /** Train and test loaders plus what the model needs to know about the data. */
    record Splits(LoaderBatchSource train, LoaderBatchSource test, int channels, int classes) implements AutoCloseable {
        BatchSource testSource() {
            return test;
        }

        @Override
        public void close() {
            train.close();
            test.close();
        }
    }

    LoadedDataset load() {
        DataOptions.Builder b = DataOptions.builder().download(download);
        if (dataDir != null) {
            b.dataDir(dataDir);
        }
        return Datasets.load(dataset, b.build());
    }

    Splits open(int batchSize, int testBatchSize, long seed) {
        LoadedDataset loaded = load();
        Dataset train = loaded.train();
        Dataset test = loaded.test();
        if (trainSize > 0 && trainSize < train.size()) {
            train = train.stratifiedSubset(trainSize, seed);
        }
        if (testSize != null && testSize < test.size()) {
            test = test.stratifiedSubset(testSize, seed);
        }
        int channels = train.imageShape().map(ImageShape::channels).orElse(3);
        DataLoader trainLoader = DataLoader.builder(train).batchSize(batchSize).shuffle(true).seed(seed)
                .transform(Recipes.train(loaded.dataset())).build();
        DataLoader testLoader = DataLoader.builder(test).batchSize(testBatchSize).shuffle(false).seed(seed)
                .transform(Recipes.test(loaded.dataset())).build();
        return new Splits(new LoaderBatchSource(trainLoader), new LoaderBatchSource(testLoader), channels, train.numClasses());
    }
}
