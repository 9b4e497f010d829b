package org.rbnn4j.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rbnn4j.datasets.idx.IdxReader;

/**
 * MNIST / Fashion-MNIST: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each plain or {@code .gz}
 * (the dotted spelling {@code train-images.idx3-ubyte} is accepted too).
 */
final class IdxLayout extends DatasetLayout {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    @Override
    List<String> subfolders() {
        return List.of("raw"); // torchvision's <Name>/raw layout
    }

    static List<String> variants(String base) {
        int dash = base.lastIndexOf('-', base.lastIndexOf('-') - 1);
        String dotted = base.substring(0, dash) + "." + base.substring(dash + 1);
        return List.of(base, base + ".gz", dotted, dotted + ".gz");
    }

    static Path find(Path dir, String base) {
        return firstExisting(dir, variants(base));
    }

    @Override
    List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String f : FILES) {
            if (find(dir, f) == null) {
                missing.add(f + "[.gz]");
            }
        }
        return missing;
    }

    @Override
    LoadedDataset load(KnownDataset dataset, Path dir, DataOptions options) {
        List<String> classes = dataset.classes();
        Dataset train = IdxReader.readDataset(dataset.id() + "/train", find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), classes);
        Dataset test = IdxReader.readDataset(dataset.id() + "/test", find(dir, TEST_IMAGES), find(dir, TEST_LABELS), classes);
        return new LoadedDataset(dataset, dir, train, test);
    }

    @Override
    String expectedLayout() {
        return "a folder holding " + String.join(", ", FILES) + " (each plain or .gz)";
    }
}
