package org.rbnn4j.datasets.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.TestData;

/** Downloads from a local HTTP server on 127.0.0.1: nothing leaves the machine. */
class DownloaderTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger hits = new AtomicInteger();
    private URI base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/", exchange -> {
            hits.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/files/".length());
            byte[] body = files.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void goodChecksumCachesTheFileAndASecondFetchDoesNotDownload() throws Exception {
        byte[] body = "hello dataset".getBytes();
        files.put("a.bin", body);
        Path cache = dir.resolve("cache");
        RemoteFile file = new RemoteFile("a.bin", Checksum.sha256(sha256(body)));

        Path got = new Downloader().fetch(List.of(base), file, cache);

        assertThat(got).isEqualTo(cache.resolve("a.bin"));
        assertThat(Files.readAllBytes(got)).isEqualTo(body);
        assertThat(hits.get()).isEqualTo(1);
        new Downloader().fetch(List.of(base), file, cache);
        assertThat(hits.get()).isEqualTo(1);
        try (var s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.bin");
        }
    }

    @Test
    void md5IsAcceptedToo() throws Exception {
        byte[] body = new byte[100_000];
        new java.util.Random(1).nextBytes(body);
        files.put("b.gz", body);
        Path got = new Downloader().fetch(List.of(base), new RemoteFile("b.gz", Checksum.md5(md5(body))), dir);
        assertThat(Files.size(got)).isEqualTo(100_000);
    }

    @Test
    void badChecksumLeavesNoFileAndSaysSo() throws Exception {
        files.put("a.bin", "tampered".getBytes());
        Path cache = dir.resolve("cache");
        String expected = sha256("original".getBytes());
        RemoteFile file = new RemoteFile("a.bin", Checksum.sha256(expected));

        assertThatThrownBy(() -> new Downloader().fetch(List.of(base), file, cache))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("could not download a.bin")
                .hasMessageContaining(base + "a.bin")
                .hasMessageContaining("checksum mismatch: expected SHA-256 " + expected)
                .hasMessageContaining("got " + sha256("tampered".getBytes()))
                .hasMessageContaining("discarded");
        try (var s = Files.list(cache)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aCorruptCachedCopyIsReplaced() throws Exception {
        byte[] body = "right".getBytes();
        files.put("c.bin", body);
        Files.writeString(dir.resolve("c.bin"), "wrong");
        new Downloader().fetch(List.of(base), new RemoteFile("c.bin", Checksum.sha256(sha256(body))), dir);
        assertThat(Files.readAllBytes(dir.resolve("c.bin"))).isEqualTo(body);
    }

    @Test
    void missingFileOnEveryMirrorListsEachFailure() throws Exception {
        URI other = URI.create(base.toString().replace("/files/", "/files/sub/"));
        RemoteFile file = new RemoteFile("gone.bin", Checksum.sha256(sha256(new byte[1])));
        assertThatThrownBy(() -> new Downloader().fetch(List.of(base, other), file, dir))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining(base + "gone.bin: java.io.IOException: HTTP 404")
                .hasMessageContaining(other + "gone.bin: java.io.IOException: HTTP 404");
    }

    @Test
    void nextMirrorIsTriedAfterAFailure() throws Exception {
        byte[] body = "second mirror".getBytes();
        files.put("m.bin", body);
        URI broken = URI.create(base.toString().replace("/files/", "/nothing-here/"));
        Path got = new Downloader().fetch(List.of(broken, base), new RemoteFile("m.bin", Checksum.sha256(sha256(body))), dir);
        assertThat(Files.readAllBytes(got)).isEqualTo(body);
    }

    @Test
    void fashionMnistDownloadEndToEnd() throws Exception {
        Path src = TestData.writeTinyMnist(dir.resolve("served"), true);
        List<RemoteFile> remote = new java.util.ArrayList<>();
        for (String n : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            byte[] b = Files.readAllBytes(src.resolve(n));
            files.put(n, b);
            remote.add(new RemoteFile(n, Checksum.md5(md5(b))));
        }
        var options = TestData.isolatedOptions(dir).download(true).downloadPlan(new DownloadPlan(List.of(base), remote)).build();

        LoadedDataset d = Datasets.load("fashion-mnist", options);

        Path cache = dir.resolve("home/.rbnn/datasets/fashion-mnist");
        assertThat(d.location()).isEqualTo(cache);
        assertThat(d.train().size()).isEqualTo(20);
        assertThat(d.test().size()).isEqualTo(10);
        assertThat(hits.get()).isEqualTo(4);
        // Found in the cache the second time: no request.
        Datasets.load("fashion-mnist", options);
        assertThat(hits.get()).isEqualTo(4);
    }

    @Test
    void cifarArchiveIsVerifiedThenExtracted() throws Exception {
        Path staged = TestData.writeTinyCifar10(dir.resolve("staged"), 2);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cifar-10-batches-bin/", new byte[0]);
        try (var s = Files.list(staged)) {
            for (Path p : s.sorted().toList()) {
                entries.put("cifar-10-batches-bin/" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        byte[] archive = TestData.tar(entries, true);
        files.put("cifar-10-binary.tar.gz", archive);
        Path target = dir.resolve("explicit");
        var options = TestData.isolatedOptions(dir).dataDir(target).download(true)
                .downloadPlan(new DownloadPlan(List.of(base), List.of(new RemoteFile("cifar-10-binary.tar.gz",
                        Checksum.sha256(sha256(archive)))))).build();

        LoadedDataset d = Datasets.load("cifar10", options);

        assertThat(d.location()).isEqualTo(target.resolve("cifar-10-batches-bin"));
        assertThat(d.train().size()).isEqualTo(10);
        assertThat(d.test().size()).isEqualTo(2);
        assertThat(target.resolve("cifar-10-binary.tar.gz")).exists();
    }

    @Test
    void officialChecksumsWithALocalMirrorRejectTheWrongBytes() throws Exception {
        files.put("cifar-10-binary.tar.gz", "not the real archive".getBytes());
        var options = TestData.isolatedOptions(dir).download(true).mirrors(List.of(base)).build();
        assertThatThrownBy(() -> Datasets.load("cifar10", options))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("checksum mismatch: expected MD5 c32a1d4ab5d03f1284b67883e8d87530");
        assertThat(dir.resolve("home/.rbnn/datasets/cifar10")).isEmptyDirectory();
    }

    @Test
    void tarExtractionRefusesPathsOutsideTheTarget() throws Exception {
        Path archive = dir.resolve("evil.tar");
        Files.write(archive, TestData.tar(Map.of("../escape.txt", "x".getBytes()), false));
        assertThatThrownBy(() -> TarExtractor.extract(archive, dir.resolve("out")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("escapes the target folder");
        assertThat(dir.resolve("escape.txt")).doesNotExist();
    }

    @Test
    void tarWithCorruptHeaderIsReported() throws Exception {
        byte[] tar = TestData.tar(Map.of("a.txt", "abc".getBytes()), false);
        tar[10] ^= 1;
        Path archive = dir.resolve("bad.tar");
        Files.write(archive, tar);
        assertThatThrownBy(() -> TarExtractor.extract(archive, dir.resolve("out")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(archive + ": corrupt tar header: checksum");
    }

    @Test
    void tarRoundTrip() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("d/", new byte[0]);
        entries.put("d/one.bin", new byte[513]);
        entries.put("d/two.txt", "two".getBytes());
        Path archive = dir.resolve("ok.tgz");
        Files.write(archive, TestData.tar(entries, true));
        List<Path> out = TarExtractor.extract(archive, dir.resolve("out"));
        assertThat(out).containsExactly(dir.resolve("out/d/one.bin"), dir.resolve("out/d/two.txt"));
        assertThat(Files.size(dir.resolve("out/d/one.bin"))).isEqualTo(513);
        assertThat(Files.readString(dir.resolve("out/d/two.txt"))).isEqualTo("two");
    }
}
