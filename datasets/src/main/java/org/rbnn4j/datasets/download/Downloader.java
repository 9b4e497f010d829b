package org.rbnn4j.datasets.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads dataset files and verifies them before anyone can see them: each file streams into a
 * temporary file in the target folder while its digest is computed, and is renamed to its final
 * name only when the digest matches the published checksum; otherwise the temporary file is deleted
 * and the next mirror is tried. Archives are then extracted next to it.
 */
public final class Downloader {
    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

    private final HttpClient client;
    private final Duration requestTimeout;

    /** A downloader with a 30 s connect timeout and a 30 min limit per file. */
    public Downloader() {
        this(Duration.ofSeconds(30), Duration.ofMinutes(30));
    }

    public Downloader(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // NORMAL never follows an https -> http downgrade.
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.requestTimeout = requestTimeout;
    }

    /** Fetches every file of {@code plan} into {@code dir} (skipping verified ones already there) and extracts archives. */
    public void download(DownloadPlan plan, Path dir) {
        for (RemoteFile file : plan.files()) {
            Path local = fetch(plan.mirrors(), file, dir);
            if (file.isArchive()) {
                LOG.info("Extracting {} into {}", local, dir);
                TarExtractor.extract(local, dir);
            }
        }
    }

    /**
     * Makes {@code dir/file.name()} a verified copy of {@code file}: kept if already there with the right
     * checksum, else downloaded from the first mirror that delivers matching bytes.
     *
     * @return the local path
     * @throws DownloadException listing every mirror's failure when none succeeds
     */
    public Path fetch(List<URI> mirrors, RemoteFile file, Path dir) {
        Path target = dir.resolve(file.name());
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(target)) {
                String have = file.checksum().compute(target);
                if (have.equals(file.checksum().hex())) {
                    LOG.info("{} already present and verified ({})", target, file.checksum().algorithm());
                    return target;
                }
                LOG.warn("{} exists but its {} is {}, expected {}: downloading it again",
                        target, file.checksum().algorithm(), have, file.checksum().hex());
            }
        } catch (IOException e) {
            throw new DownloadException(dir + ": cannot prepare the download folder (" + e + ")", e);
        }
        List<String> failures = new ArrayList<>();
        for (URI mirror : mirrors) {
            URI url = DownloadPlan.resolve(mirror, file);
            try {
                downloadVerified(url, file.checksum(), target);
                return target;
            } catch (ChecksumMismatch e) {
                failures.add(url + ": " + e.getMessage());
                LOG.warn("{}: {}", url, e.getMessage());
            } catch (IOException e) {
                failures.add(url + ": " + e);
                LOG.warn("{}: download failed: {}", url, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadException(url + ": download interrupted", e);
            }
        }
        throw new DownloadException("could not download " + file.name() + " (" + file.checksum() + "); "
                + (failures.size() == 1 ? failures.get(0) : "tried:\n  " + String.join("\n  ", failures)));
    }

    private void downloadVerified(URI url, Checksum checksum, Path target) throws IOException, InterruptedException {
        LOG.info("Downloading {}", url);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                MessageDigest md = checksum.newDigest();
                long bytes = 0;
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        md.update(buf, 0, n);
                        out.write(buf, 0, n);
                        bytes += n;
                    }
                }
                byte[] digest = md.digest();
                if (!checksum.matches(digest)) {
                    throw new ChecksumMismatch("checksum mismatch: expected " + checksum.algorithm() + " " + checksum.hex()
                            + ", got " + HexFormat.of().formatHex(digest) + " (" + bytes + " bytes); the download was discarded");
                }
                LOG.info("Verified {} ({} bytes, {} ok)", target.getFileName(), bytes, checksum.algorithm());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Internal signal: the bytes arrived but did not match. */
    private static final class ChecksumMismatch extends IOException {
        ChecksumMismatch(String message) {
            super(message);
        }
    }
}
