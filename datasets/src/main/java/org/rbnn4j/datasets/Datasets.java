package org.rbnn4j.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rbnn4j.datasets.download.DownloadPlan;
import org.rbnn4j.datasets.download.Downloader;
import org.rbnn4j.datasets.folder.ImageFolderDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finding and loading datasets by name.
 *
 * <p>Search order for dataset {@code <name>}: the explicit folder ({@code --data DIR}, tried as
 * {@code DIR} and {@code DIR/<name>}), {@code $RBNN_DATA/<name>}, {@code ~/.rbnn/datasets/<name>}, and
 * for Fashion-MNIST the Debian location {@code /usr/share/datasets/fashion-mnist}. The first folder
 * holding a complete copy wins. If none does and download is on, the official files are fetched,
 * verified and extracted into the explicit folder, else {@code $RBNN_DATA/<name>}, else
 * {@code ~/.rbnn/datasets/<name>}. Otherwise one {@link DatasetNotFoundException} lists every place
 * searched and how to get the data.
 */
public final class Datasets {
    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);

    private Datasets() {
    }

    /** A place searched, with the reason it is on the list. */
    public record Candidate(Path dir, String origin) {
    }

    /** Where a complete copy was found. */
    public record Location(KnownDataset dataset, Path dir, String origin) {
    }

    /** Loads {@code name} (see {@link KnownDataset#byName}) with default options: search only. */
    public static LoadedDataset load(String name) {
        return load(name, DataOptions.defaults());
    }

    public static LoadedDataset load(String name, DataOptions options) {
        return load(KnownDataset.byName(name), options);
    }

    /** Finds (downloading if allowed and needed) and reads both splits. */
    public static LoadedDataset load(KnownDataset dataset, DataOptions options) {
        Location where = locate(dataset, options);
        LOG.info("Loading {} from {} ({})", dataset.id(), where.dir(), where.origin());
        return dataset.layout().load(dataset, where.dir(), options);
    }

    /** The folders searched for {@code dataset}, in order. */
    public static List<Candidate> candidates(KnownDataset dataset, DataOptions options) {
        List<Candidate> out = new ArrayList<>();
        if (options.dataDir() != null) {
            out.add(new Candidate(options.dataDir(), "--data"));
            out.add(new Candidate(options.dataDir().resolve(dataset.id()), "--data"));
        }
        Path env = options.envDataRoot();
        if (env != null) {
            out.add(new Candidate(env.resolve(dataset.id()), "$" + DataOptions.DATA_ENV));
        }
        out.add(new Candidate(options.userCacheRoot().resolve(dataset.id()), "user cache"));
        if (dataset.systemFolder() != null) {
            out.add(new Candidate(options.systemDatasetsDir().resolve(dataset.systemFolder()),
                    "Debian package " + dataset.debianPackage()));
        }
        return out;
    }

    /** The folder downloads go to: the explicit folder, else {@code $RBNN_DATA/<name>}, else the user cache. */
    public static Path downloadDir(KnownDataset dataset, DataOptions options) {
        if (options.dataDir() != null) {
            return options.dataDir();
        }
        Path env = options.envDataRoot();
        return (env != null ? env : options.userCacheRoot()).resolve(dataset.id());
    }

    /**
     * The first searched folder holding a complete copy, downloading into {@link #downloadDir} when none
     * does and {@code options.download()} is set.
     *
     * @throws DatasetNotFoundException listing every place searched
     */
    public static Location locate(KnownDataset dataset, DataOptions options) {
        DatasetLayout layout = dataset.layout();
        List<String> searched = new ArrayList<>();
        boolean explicitMissed = false;
        boolean envNoted = options.envDataRoot() != null;
        for (Candidate c : candidates(dataset, options)) {
            if (!envNoted && !c.origin().equals("--data")) {
                // Listed where it would have been searched, so the message shows the true order.
                searched.add("$" + DataOptions.DATA_ENV + "/" + dataset.id() + ": " + DataOptions.DATA_ENV + " is not set");
                envNoted = true;
            }
            DatasetLayout.Probe probe = layout.probe(c.dir());
            if (probe.found()) {
                if (explicitMissed && !c.origin().equals("--data")) {
                    LOG.warn("{} not found under --data {}; using {} ({})", dataset.id(), options.dataDir(), probe.dir(), c.origin());
                }
                return new Location(dataset, probe.dir(), c.origin());
            }
            if (c.origin().equals("--data")) {
                explicitMissed = true;
            }
            searched.add(c.dir() + " (" + c.origin() + "): " + probe.problem());
        }
        DownloadPlan plan = options.downloadPlan() != null ? options.downloadPlan() : dataset.downloadPlan();
        if (options.download() && plan != null) {
            if (options.mirrors() != null && options.downloadPlan() == null) {
                plan = plan.withMirrors(options.mirrors());
            }
            Path dir = downloadDir(dataset, options);
            LOG.info("{} not found locally; downloading into {}", dataset.id(), dir);
            new Downloader().download(plan, dir);
            DatasetLayout.Probe probe = layout.probe(dir);
            if (!probe.found()) {
                throw new DatasetException(dir + ": downloaded and extracted " + dataset.id() + ", but the folder "
                        + probe.problem() + "; expected " + layout.expectedLayout());
            }
            return new Location(dataset, probe.dir(), "downloaded");
        }
        throw notFound(dataset, options, searched);
    }

    private static DatasetNotFoundException notFound(KnownDataset dataset, DataOptions options, List<String> searched) {
        StringBuilder msg = new StringBuilder();
        msg.append("dataset '").append(dataset.id()).append("' not found. Searched, in order:\n");
        for (int i = 0; i < searched.size(); i++) {
            msg.append("  ").append(i + 1).append(". ").append(searched.get(i)).append('\n');
        }
        msg.append("Expected: ").append(dataset.expectedLayout()).append(".\n");
        msg.append("To get it:\n");
        if (dataset.debianPackage() != null) {
            msg.append("  - sudo apt-get install ").append(dataset.debianPackage()).append("   (Debian/Ubuntu; installs ")
                    .append(options.systemDatasetsDir().resolve(dataset.systemFolder())).append(")\n");
        }
        if (dataset.downloadPlan() != null || options.downloadPlan() != null) {
            msg.append("  - add --download (DataOptions.download(true)) to fetch the official files, checksum-verified, into ")
                    .append(downloadDir(dataset, options)).append('\n');
        } else {
            msg.append("  - ").append(dataset.id()).append(" cannot be downloaded automatically (the archives need registration at"
                    + " image-net.org)"
                    + (options.download() ? ", so --download cannot help" : "") + "; extract them into the layout above\n");
        }
        msg.append("  - or put the files into ")
                .append(options.dataDir() != null ? options.dataDir() : options.userCacheRoot().resolve(dataset.id()))
                .append(" (or any folder above, or pass --data DIR)");
        return new DatasetNotFoundException(dataset.id(), searched, msg.toString());
    }

    /** Any folder of class sub-folders as a dataset (see {@link ImageFolderDataset}). */
    public static ImageFolderDataset imageFolder(Path root) {
        return ImageFolderDataset.open(root.getFileName() == null ? root.toString() : root.getFileName().toString(), root);
    }
}
