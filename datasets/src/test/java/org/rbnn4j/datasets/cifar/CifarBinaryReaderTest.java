package org.rbnn4j.datasets.cifar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.datasets.ByteImageDataset;
import org.rbnn4j.datasets.ClassNames;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.TestData;
import org.rbnn4j.datasets.cifar.CifarBinaryReader.LabelKind;

class CifarBinaryReaderTest {
    @TempDir
    Path dir;

    @Test
    void cifar10RecordsRoundTripAcrossFiles() throws Exception {
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        Files.write(a, TestData.cifarRecords(0, new int[][] {{3}, {9}}));
        Files.write(b, TestData.cifarRecords(2, new int[][] {{0}}));

        ByteImageDataset ds = CifarBinaryReader.read("c", List.of(a, b), LabelKind.CIFAR10, ClassNames.CIFAR10);

        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.shape()).isEqualTo(new ImageShape(3, 32, 32));
        assertThat(ds.labels()).containsExactly(3, 9, 0);
        for (int i = 0; i < 3; i++) {
            byte[] expected = new byte[3072];
            for (int p = 0; p < 3072; p++) {
                expected[p] = TestData.pixel(i, p);
            }
            assertThat(ds.imageBytes(i)).as("image %d", i).containsExactly(expected);
        }
        // Channel-planar: green plane starts at byte 1024, row 5 column 7 of blue at 2048 + 5*32 + 7.
        assertThat(ds.image(1).get(1, 0, 0)).isEqualTo((TestData.pixel(1, 1024) & 0xFF) / 255f);
        assertThat(ds.image(1).get(2, 5, 7)).isEqualTo((TestData.pixel(1, 2048 + 5 * 32 + 7) & 0xFF) / 255f);
    }

    @Test
    void writerAndReaderAgree() throws Exception {
        byte[] pixels = new byte[2 * 3072];
        Arrays.fill(pixels, 0, 3072, (byte) 200);
        Path f = dir.resolve("w.bin");
        CifarBinaryWriter.write(f, new int[][] {{4}, {6}}, pixels);
        assertThat(Files.size(f)).isEqualTo(2 * 3073);
        ByteImageDataset ds = CifarBinaryReader.read("w", List.of(f), LabelKind.CIFAR10, ClassNames.CIFAR10);
        assertThat(ds.labels()).containsExactly(4, 6);
        assertThat(ds.imageBytes(0)[3071] & 0xFF).isEqualTo(200);
        assertThat(ds.imageBytes(1)[0]).isZero();
    }

    @Test
    void cifar100FineByDefaultCoarseOnRequest() throws Exception {
        Path f = dir.resolve("train.bin");
        Files.write(f, TestData.cifarRecords(0, new int[][] {{19, 99}, {0, 42}}));
        ByteImageDataset fine = CifarBinaryReader.read("f", List.of(f), LabelKind.CIFAR100_FINE, ClassNames.CIFAR100);
        ByteImageDataset coarse = CifarBinaryReader.read("c", List.of(f), LabelKind.CIFAR100_COARSE, ClassNames.CIFAR100_COARSE);
        assertThat(fine.labels()).containsExactly(99, 42);
        assertThat(coarse.labels()).containsExactly(19, 0);
        assertThat(fine.classes().get(99)).isEqualTo("worm");
        assertThat(fine.imageBytes(1)[5]).isEqualTo(TestData.pixel(1, 5));
    }

    @Test
    void truncatedRecordIsReported() throws Exception {
        Path f = dir.resolve("data_batch_1.bin");
        byte[] two = TestData.cifarRecords(0, new int[][] {{1}, {2}});
        Files.write(f, Arrays.copyOf(two, two.length - 10));
        assertThatThrownBy(() -> CifarBinaryReader.read("t", List.of(f), LabelKind.CIFAR10, ClassNames.CIFAR10))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": truncated or corrupt: 6136 bytes is not a whole number of 3073-byte records"
                        + " (1 records and 3063 bytes left over)");
    }

    @Test
    void labelOutOfRangeIsReported() throws Exception {
        Path f = dir.resolve("test_batch.bin");
        Files.write(f, TestData.cifarRecords(0, new int[][] {{1}, {10}}));
        assertThatThrownBy(() -> CifarBinaryReader.read("t", List.of(f), LabelKind.CIFAR10, ClassNames.CIFAR10))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": label 10 of record 1 is out of range [0, 10)");
        Path g = dir.resolve("test.bin");
        Files.write(g, TestData.cifarRecords(0, new int[][] {{20, 5}}));
        assertThatThrownBy(() -> CifarBinaryReader.read("t", List.of(g), LabelKind.CIFAR100_FINE, ClassNames.CIFAR100))
                .hasMessage(g + ": coarse label 20 of record 0 is out of range [0, 20)");
    }

    @Test
    void emptyFileIsReported() throws Exception {
        Path f = dir.resolve("empty.bin");
        Files.write(f, new byte[0]);
        assertThatThrownBy(() -> CifarBinaryReader.read("e", List.of(f), LabelKind.CIFAR10, ClassNames.CIFAR10))
                .hasMessageContaining(f.toString())
                .hasMessageContaining("is empty");
    }

    @Test
    void loadsAnExtractedFolderByNameWithClassNamesFromTheArchive() throws Exception {
        Path root = dir.resolve("data");
        Path batches = TestData.writeTinyCifar10(root.resolve("cifar10").resolve("cifar-10-batches-bin"), 4);
        Files.writeString(batches.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");

        LoadedDataset loaded = Datasets.load("cifar-10", TestData.isolatedOptions(dir).dataDir(root).build());

        assertThat(loaded.location()).isEqualTo(batches);
        assertThat(loaded.train().size()).isEqualTo(20);
        assertThat(loaded.test().size()).isEqualTo(4);
        assertThat(loaded.train().classes()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertThat(loaded.train().labels()).startsWith(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0);
        assertThat(loaded.test().labels()).containsExactly(3, 4, 5, 6);
        // Image 13 of train is record 3 of data_batch_4 (4 per batch), pixel seed 13.
        assertThat(((ByteImageDataset) loaded.train()).imageBytes(13)[100]).isEqualTo(TestData.pixel(13, 100));
    }

    @Test
    void cifar100FolderByName() throws Exception {
        Path d = dir.resolve("c100").resolve("cifar-100-binary");
        Files.createDirectories(d);
        Files.write(d.resolve("train.bin"), TestData.cifarRecords(0, new int[][] {{1, 10}, {2, 20}, {3, 30}}));
        Files.write(d.resolve("test.bin"), TestData.cifarRecords(5, new int[][] {{4, 40}}));
        LoadedDataset fine = Datasets.load("cifar100", TestData.isolatedOptions(dir).dataDir(dir.resolve("c100")).build());
        assertThat(fine.train().labels()).containsExactly(10, 20, 30);
        assertThat(fine.train().numClasses()).isEqualTo(100);
        LoadedDataset coarse = Datasets.load("cifar100",
                TestData.isolatedOptions(dir).dataDir(dir.resolve("c100")).cifar100CoarseLabels(true).build());
        assertThat(coarse.test().labels()).containsExactly(4);
        assertThat(coarse.test().classes()).hasSize(20);
    }
}
