package org.rbnn4j.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.rbnn4j.datasets.download.DownloadPlan;

/**
 * How to find (and optionally download) a dataset. Defaults: no explicit folder, no download, the
 * process environment, {@code user.home} and {@code /usr/share/datasets}; tests replace the last three
 * so that they neither see nor touch the machine's real data.
 */
public final class DataOptions {
    /** Environment variable naming a folder that holds one sub-folder per dataset. */
    public static final String DATA_ENV = "RBNN_DATA";

    private final Path dataDir;
    private final boolean download;
    private final Map<String, String> environment;
    private final Path userHome;
    private final Path systemDatasetsDir;
    private final List<URI> mirrors;
    private final DownloadPlan downloadPlan;
    private final boolean cifar100CoarseLabels;

    private DataOptions(Builder b) {
        this.dataDir = b.dataDir;
        this.download = b.download;
        this.environment = Map.copyOf(b.environment);
        this.userHome = b.userHome;
        this.systemDatasetsDir = b.systemDatasetsDir;
        this.mirrors = b.mirrors == null ? null : List.copyOf(b.mirrors);
        this.downloadPlan = b.downloadPlan;
        this.cifar100CoarseLabels = b.cifar100CoarseLabels;
    }

    /** Defaults: search only, no download. */
    public static DataOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataDir = dataDir;
        b.download = download;
        b.environment = environment;
        b.userHome = userHome;
        b.systemDatasetsDir = systemDatasetsDir;
        b.mirrors = mirrors;
        b.downloadPlan = downloadPlan;
        b.cifar100CoarseLabels = cifar100CoarseLabels;
        return b;
    }

    /** The explicit folder ({@code --data DIR}), or null. */
    public Path dataDir() {
        return dataDir;
    }

    public boolean download() {
        return download;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Path userHome() {
        return userHome;
    }

    public Path systemDatasetsDir() {
        return systemDatasetsDir;
    }

    /** Mirrors replacing the official ones, or null. */
    public List<URI> mirrors() {
        return mirrors;
    }

    /** A plan replacing the dataset's own (other files and checksums), or null. */
    public DownloadPlan downloadPlan() {
        return downloadPlan;
    }

    public boolean cifar100CoarseLabels() {
        return cifar100CoarseLabels;
    }

    /** {@code ~/.rbnn/datasets}, the default download cache. */
    public Path userCacheRoot() {
        return userHome.resolve(".rbnn").resolve("datasets");
    }

    /** {@code $RBNN_DATA} as a path, or null when unset or blank. */
    public Path envDataRoot() {
        String v = environment.get(DATA_ENV);
        return v == null || v.isBlank() ? null : Path.of(v);
    }

    public static final class Builder {
        private Path dataDir;
        private boolean download;
        private Map<String, String> environment = System.getenv();
        private Path userHome = Path.of(System.getProperty("user.home"));
        private Path systemDatasetsDir = Path.of("/usr/share/datasets");
        private List<URI> mirrors;
        private DownloadPlan downloadPlan;
        private boolean cifar100CoarseLabels;

        private Builder() {
        }

        /** Searched first, as the folder itself and as {@code DIR/<name>}; downloads go here when set. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Download the official files when the data is not found. */
        public Builder download(boolean download) {
            this.download = download;
            return this;
        }

        /** The environment to read {@code RBNN_DATA} from. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The home folder holding {@code .rbnn/datasets}. */
        public Builder userHome(Path userHome) {
            this.userHome = Objects.requireNonNull(userHome, "userHome");
            return this;
        }

        /** Where system packages install datasets ({@code /usr/share/datasets} on Debian). */
        public Builder systemDatasetsDir(Path dir) {
            this.systemDatasetsDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Download the official files from these base URLs instead (checksums stay the official ones). */
        public Builder mirrors(List<URI> mirrors) {
            this.mirrors = mirrors;
            return this;
        }

        /** Download these files instead of the official ones. */
        public Builder downloadPlan(DownloadPlan plan) {
            this.downloadPlan = plan;
            return this;
        }

        /** CIFAR-100: use the 20 coarse labels instead of the 100 fine ones. */
        public Builder cifar100CoarseLabels(boolean coarse) {
            this.cifar100CoarseLabels = coarse;
            return this;
        }

        public DataOptions build() {
            return new DataOptions(this);
        }
    }
}
