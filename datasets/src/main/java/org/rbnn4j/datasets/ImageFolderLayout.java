package org.rbnn4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rbnn4j.datasets.folder.ImageFolderDataset;

/** ImageNet layout: {@code train/<class>/*.JPEG} and {@code val/<class>/*.JPEG}. */
final class ImageFolderLayout extends DatasetLayout {

    @Override
    List<String> subfolders() {
        return List.of();
    }

    @Override
    List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(dir.resolve("train"))) {
            missing.add("train/<class>/");
        }
        if (!Files.isDirectory(dir.resolve("val"))) {
            missing.add("val/<class>/");
        }
        return missing;
    }

    @Override
    LoadedDataset load(KnownDataset dataset, Path dir, DataOptions options) {
        ImageFolderDataset train = ImageFolderDataset.open(dataset.id() + "/train", dir.resolve("train"));
        ImageFolderDataset val = ImageFolderDataset.open(dataset.id() + "/val", dir.resolve("val"));
        if (!train.classes().equals(val.classes())) {
            throw new DatasetFormatException(dir.resolve("val"), "has " + val.numClasses()
                    + " class folders that differ from the " + train.numClasses() + " of " + dir.resolve("train"));
        }
        return new LoadedDataset(dataset, dir, train, val);
    }

    @Override
    String expectedLayout() {
        return "a folder holding train/<class>/<image> and val/<class>/<image> (JPEG/PNG), one sub-folder per class,"
                + " the same class folders in both";
    }
}
