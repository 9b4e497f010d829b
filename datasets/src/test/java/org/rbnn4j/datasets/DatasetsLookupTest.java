package org.rbnn4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsLookupTest {
    @TempDir
    Path root;

    private DataOptions.Builder options() {
        return TestData.isolatedOptions(root).environment(Map.of(DataOptions.DATA_ENV, root.resolve("env").toString()));
    }

    @Test
    void searchOrderIsExplicitThenEnvThenHomeThenSystem() throws Exception {
        Path explicit = root.resolve("explicit");
        Path env = root.resolve("env/fashion-mnist");
        Path home = root.resolve("home/.rbnn/datasets/fashion-mnist");
        Path system = root.resolve("usr-share-datasets/fashion-mnist");
        for (Path p : new Path[] {explicit, env, home, system}) {
            TestData.writeTinyMnist(p, true);
        }
        assertThat(Datasets.locate(KnownDataset.FASHION_MNIST, options().dataDir(explicit).build()).dir()).isEqualTo(explicit);
        assertThat(Datasets.locate(KnownDataset.FASHION_MNIST, options().build()).dir()).isEqualTo(env);
        deleteTree(env);
        assertThat(Datasets.locate(KnownDataset.FASHION_MNIST, options().build()).dir()).isEqualTo(home);
        deleteTree(home);
        Datasets.Location sys = Datasets.locate(KnownDataset.FASHION_MNIST, options().build());
        assertThat(sys.dir()).isEqualTo(system);
        assertThat(sys.origin()).contains("dataset-fashion-mnist");
        // MNIST has no system location.
        assertThatThrownBy(() -> Datasets.locate(KnownDataset.MNIST, options().build()))
                .isInstanceOf(DatasetNotFoundException.class);
    }

    @Test
    void explicitFolderMayBeTheParentOfTheDatasetFolder() throws Exception {
        TestData.writeTinyMnist(root.resolve("data/mnist"), false);
        LoadedDataset d = Datasets.load("MNIST", options().dataDir(root.resolve("data")).build());
        assertThat(d.location()).isEqualTo(root.resolve("data/mnist"));
        assertThat(d.train().size()).isEqualTo(20);
        assertThat(d.test().size()).isEqualTo(10);
        assertThat(d.normalization()).isEqualTo(Normalization.MNIST);
        assertThat(d.imageShape()).contains(new ImageShape(1, 28, 28));
        assertThat(d.train().name()).isEqualTo("mnist/train");
    }

    @Test
    void dottedAndTorchvisionRawLayoutsAreAccepted() throws Exception {
        Path raw = root.resolve("tv/raw");
        TestData.writeTinyMnist(raw, false);
        for (String f : new String[] {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"}) {
            Files.move(raw.resolve(f), raw.resolve(f.replace("-idx3", ".idx3")));
        }
        assertThat(Datasets.load("mnist", options().dataDir(root.resolve("tv")).build()).location()).isEqualTo(raw);
    }

    @Test
    void notFoundListsEveryPlaceWhyAndHowToGetTheData() throws Exception {
        Path partial = root.resolve("home/.rbnn/datasets/fashion-mnist");
        Files.createDirectories(partial);
        TestData.writeIdx(partial, "train", 3, 28, 28, 10, true);
        Path explicit = root.resolve("nowhere");

        assertThatThrownBy(() -> Datasets.load("fashion-mnist", options().dataDir(explicit).build()))
                .isInstanceOf(DatasetNotFoundException.class)
                .satisfies(e -> {
                    String m = e.getMessage();
                    assertThat(m).startsWith("dataset 'fashion-mnist' not found. Searched, in order:");
                    assertThat(m).contains("1. " + explicit + " (--data): no such directory");
                    assertThat(m).contains("2. " + explicit.resolve("fashion-mnist") + " (--data): no such directory");
                    assertThat(m).contains("3. " + root.resolve("env/fashion-mnist") + " ($RBNN_DATA): no such directory");
                    assertThat(m).contains("4. " + partial + " (user cache): exists but lacks t10k-images-idx3-ubyte[.gz], "
                            + "t10k-labels-idx1-ubyte[.gz]");
                    assertThat(m).contains("5. " + root.resolve("usr-share-datasets/fashion-mnist")
                            + " (Debian package dataset-fashion-mnist): no such directory");
                    assertThat(m).contains("apt-get install dataset-fashion-mnist");
                    assertThat(m).contains("--download");
                    assertThat(m).contains("train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte");
                    assertThat(((DatasetNotFoundException) e).searched()).hasSize(5);
                });
    }

    @Test
    void notFoundWithoutRbnnDataSaysItIsUnset() {
        assertThatThrownBy(() -> Datasets.load("cifar10", TestData.isolatedOptions(root).build()))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("$RBNN_DATA/cifar10: RBNN_DATA is not set")
                .hasMessageContaining(root.resolve("home/.rbnn/datasets/cifar10") + " (user cache): no such directory")
                .hasMessageContaining("data_batch_1.bin .. data_batch_5.bin and test_batch.bin")
                .hasMessageNotContaining("apt-get");
    }

    @Test
    void imagenetExplainsThatItCannotBeDownloaded() {
        assertThatThrownBy(() -> Datasets.load("imagenet", TestData.isolatedOptions(root).download(true).build()))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("cannot be downloaded automatically")
                .hasMessageContaining("train/<class>/<image>");
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Datasets.load("svhn", TestData.isolatedOptions(root).build()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("unknown dataset 'svhn'; known datasets: fashion-mnist, mnist, cifar10, cifar100, imagenet");
    }

    @Test
    void aCompleteButCorruptFolderIsAFormatErrorNotNotFound() throws Exception {
        Path d = root.resolve("home/.rbnn/datasets/mnist");
        TestData.writeTinyMnist(d, false);
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), TestData.idxBytes(0x801, new int[] {10}, new byte[9]));
        assertThatThrownBy(() -> Datasets.load("mnist", TestData.isolatedOptions(root).build()))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(d.resolve("t10k-labels-idx1-ubyte") + ": truncated");
    }

    static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        }
    }
}
