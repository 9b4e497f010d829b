package org.rbnn4j.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rbnn4j.datasets.cifar.CifarBinaryReader;
import org.rbnn4j.datasets.cifar.CifarBinaryReader.LabelKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CIFAR binary version: CIFAR-10 {@code data_batch_1.bin} .. {@code data_batch_5.bin} and
 * {@code test_batch.bin} (usually in {@code cifar-10-batches-bin/}); CIFAR-100 {@code train.bin} and
 * {@code test.bin} (usually in {@code cifar-100-binary/}). Class names come from the archive's
 * {@code batches.meta.txt} / {@code fine_label_names.txt} / {@code coarse_label_names.txt} when present.
 */
final class CifarLayout extends DatasetLayout {
    private static final Logger LOG = LoggerFactory.getLogger(CifarLayout.class);

    private final boolean hundred;

    CifarLayout(boolean hundred) {
        this.hundred = hundred;
    }

    private List<String> trainFiles() {
        return hundred ? List.of("train.bin")
                : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    }

    private String testFile() {
        return hundred ? "test.bin" : "test_batch.bin";
    }

    @Override
    List<String> subfolders() {
        return List.of(hundred ? "cifar-100-binary" : "cifar-10-batches-bin");
    }

    @Override
    List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        List<String> all = new ArrayList<>(trainFiles());
        all.add(testFile());
        for (String f : all) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                missing.add(f);
            }
        }
        return missing;
    }

    @Override
    LoadedDataset load(KnownDataset dataset, Path dir, DataOptions options) {
        LabelKind kind = !hundred ? LabelKind.CIFAR10
                : options.cifar100CoarseLabels() ? LabelKind.CIFAR100_COARSE : LabelKind.CIFAR100_FINE;
        List<String> classes = classNames(dir, kind, dataset);
        List<Path> train = trainFiles().stream().map(dir::resolve).toList();
        Dataset trainSet = CifarBinaryReader.read(dataset.id() + "/train", train, kind, classes);
        Dataset testSet = CifarBinaryReader.read(dataset.id() + "/test", List.of(dir.resolve(testFile())), kind, classes);
        return new LoadedDataset(dataset, dir, trainSet, testSet);
    }

    private static List<String> classNames(Path dir, LabelKind kind, KnownDataset dataset) {
        String file = switch (kind) {
            case CIFAR10 -> "batches.meta.txt";
            case CIFAR100_FINE -> "fine_label_names.txt";
            case CIFAR100_COARSE -> "coarse_label_names.txt";
        };
        List<String> fallback = kind == LabelKind.CIFAR100_COARSE ? ClassNames.CIFAR100_COARSE : dataset.classes();
        Path p = dir.resolve(file);
        if (Files.isRegularFile(p)) {
            try {
                List<String> names = Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                if (names.size() == kind.numClasses()) {
                    return names;
                }
                LOG.warn("{} lists {} class names, expected {}; using the built-in names", p, names.size(), kind.numClasses());
            } catch (IOException e) {
                LOG.warn("{}: cannot read class names ({}); using the built-in names", p, e.toString());
            }
        }
        return fallback;
    }

    @Override
    String expectedLayout() {
        return hundred
                ? "a folder (or its cifar-100-binary/ sub-folder) holding train.bin and test.bin of the CIFAR-100 binary version"
                : "a folder (or its cifar-10-batches-bin/ sub-folder) holding data_batch_1.bin .. data_batch_5.bin and test_batch.bin"
                        + " of the CIFAR-10 binary version";
    }
}
