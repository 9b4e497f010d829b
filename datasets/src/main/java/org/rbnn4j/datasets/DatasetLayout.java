package org.rbnn4j.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk layout of one dataset family: which files make a complete copy, and how to load them.
 * A candidate folder qualifies if it, or one of the family's usual sub-folders (such as
 * {@code cifar-10-batches-bin}), holds every required file.
 */
abstract class DatasetLayout {

    /** Outcome of checking one folder: {@code problem == null} means complete, at {@code dir}. */
    record Probe(Path dir, String problem) {
        boolean found() {
            return problem == null;
        }
    }

    /** Sub-folders the data is often extracted into, tried after the folder itself. */
    abstract List<String> subfolders();

    /** Required files missing from {@code dir} (described for a message); empty when complete. */
    abstract List<String> missingFiles(Path dir);

    /** Reads the dataset from a folder that {@link #probe} accepted. */
    abstract LoadedDataset load(KnownDataset dataset, Path dir, DataOptions options);

    /** One or two sentences describing the expected files. */
    abstract String expectedLayout();

    /** Checks {@code dir} and its usual sub-folders. */
    final Probe probe(Path dir) {
        if (!Files.exists(dir)) {
            return new Probe(dir, "no such directory");
        }
        if (!Files.isDirectory(dir)) {
            return new Probe(dir, "not a directory");
        }
        List<String> missing = missingFiles(dir);
        if (missing.isEmpty()) {
            return new Probe(dir, null);
        }
        for (String sub : subfolders()) {
            Path d = dir.resolve(sub);
            if (Files.isDirectory(d) && missingFiles(d).isEmpty()) {
                return new Probe(d, null);
            }
        }
        List<String> subs = new ArrayList<>();
        for (String sub : subfolders()) {
            subs.add(sub + "/");
        }
        return new Probe(dir, "exists but lacks " + String.join(", ", missing)
                + (subs.isEmpty() ? "" : " (also looked in " + String.join(", ", subs) + ")"));
    }

    /** The first existing file among {@code names} in {@code dir}, or null. */
    static Path firstExisting(Path dir, List<String> names) {
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
