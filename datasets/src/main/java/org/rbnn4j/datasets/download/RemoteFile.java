package org.rbnn4j.datasets.download;

import java.util.Locale;
import java.util.Objects;

/**
 * One file of a download: its name (relative to each mirror's base URL, also its local name) and its
 * published checksum. Archives ({@code .tar.gz}, {@code .tgz}, {@code .tar}) are extracted after
 * verification; other files ({@code .gz} IDX files) are kept as they are, since the readers
 * decompress on the fly.
 */
public record RemoteFile(String name, Checksum checksum) {
    public RemoteFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(checksum, "checksum");
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("remote file name must be a plain file name, got '" + name + "'");
        }
    }

    /** True for tar archives, which are extracted after download. */
    public boolean isArchive() {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar");
    }
}
