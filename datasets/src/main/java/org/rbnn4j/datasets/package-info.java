/**
 * Image datasets for rbnn4j: readers, lookup, download, augmentation and batching.
 *
 * <pre>{@code
 * LoadedDataset fm = Datasets.load("fashion-mnist", DataOptions.builder().download(true).build());
 * Dataset train = fm.train().stratifiedSubset(3_000, 7);           // optional class-balanced subset
 * try (DataLoader loader = DataLoader.builder(train).batchSize(256).shuffle(true).seed(42)
 *         .transform(Recipes.fashionMnistTrain()).build()) {
 *     for (int epoch = 0; epoch < 12; epoch++) {
 *         for (Batch b : loader.epoch(epoch)) {
 *             Tensor x = b.images();   // [N, 1, 32, 32], normalised
 *             int[] y = b.labels();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Formats: IDX (MNIST, Fashion-MNIST; plain or gzip), CIFAR-10/100 binary, image folders
 * (ImageNet layout, decoded with javax.imageio). Malformed input raises
 * {@link org.rbnn4j.datasets.DatasetFormatException} naming the file and the problem; missing data
 * raises {@link org.rbnn4j.datasets.DatasetNotFoundException} listing every place searched.
 */
package org.rbnn4j.datasets;
