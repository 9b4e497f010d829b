package org.rbnn4j.datasets.download;

import java.net.URI;
import java.util.List;

/**
 * What to download for a dataset: base URLs tried in order (each file is {@code base + name}), and the
 * files with their checksums.
 */
public record DownloadPlan(List<URI> mirrors, List<RemoteFile> files) {
    public DownloadPlan {
        mirrors = List.copyOf(mirrors);
        files = List.copyOf(files);
        if (mirrors.isEmpty() || files.isEmpty()) {
            throw new IllegalArgumentException("a download plan needs at least one mirror and one file");
        }
        for (URI m : mirrors) {
            String s = m.getScheme();
            if (!"https".equalsIgnoreCase(s) && !"http".equalsIgnoreCase(s)) {
                throw new IllegalArgumentException("mirror must be an http(s) URL: " + m);
            }
        }
    }

    /** The same files from other mirrors (e.g. a local copy of the official files). */
    public DownloadPlan withMirrors(List<URI> newMirrors) {
        return new DownloadPlan(newMirrors, files);
    }

    /** The URL of {@code file} on {@code mirror}. */
    public static URI resolve(URI mirror, RemoteFile file) {
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + file.name() : base + "/" + file.name());
    }
}
