package org.rbnn4j.datasets.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.LoadedDataset;
import org.rbnn4j.datasets.TestData;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.datasets.loader.DataLoader;
import org.rbnn4j.datasets.transform.CenterCrop;
import org.rbnn4j.datasets.transform.Resize;
import org.rbnn4j.datasets.transform.Transform;

class ImageFolderDatasetTest {
    @TempDir
    Path dir;

    /** An RGB PNG whose pixel (x, y) is (x*10+seed, y*20, 255-seed). */
    static void writePng(Path file, int w, int h, int seed) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 10 + seed) & 0xFF) << 16 | ((y * 20) & 0xFF) << 8 | (255 - seed));
            }
        }
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
    }

    @Test
    void classesAreSortedFolderNamesAndPixelsDecodeExactly() throws Exception {
        Path root = dir.resolve("train");
        writePng(root.resolve("zebra/b.png"), 4, 3, 1);
        writePng(root.resolve("zebra/a.png"), 4, 3, 2);
        writePng(root.resolve("ant/sub/x.PNG"), 5, 2, 3);
        Files.writeString(root.resolve("ant/notes.txt"), "not an image");

        ImageFolderDataset ds = ImageFolderDataset.open("t", root);

        assertThat(ds.classes()).containsExactly("ant", "zebra");
        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.labels()).containsExactly(0, 1, 1);
        assertThat(ds.file(1).getFileName().toString()).isEqualTo("a.png");
        assertThat(ds.imageShape()).isEmpty();
        FloatImage a = ds.image(1);
        assertThat(a.shape().toString()).isEqualTo("3x3x4");
        assertThat(a.get(0, 2, 3)).isEqualTo((3 * 10 + 2) / 255f);
        assertThat(a.get(1, 2, 3)).isEqualTo(40 / 255f);
        assertThat(a.get(2, 0, 0)).isEqualTo(253 / 255f);
    }

    @Test
    void grayImagesAreReplicatedToRgbWithoutGammaChange() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 100);
        gray.getRaster().setSample(1, 0, 0, 7);
        Path f = dir.resolve("g/c/gray.png");
        Files.createDirectories(f.getParent());
        ImageIO.write(gray, "png", f.toFile());
        FloatImage img = ImageDecoder.decodeRgb(f);
        assertThat(img.channels()).isEqualTo(3);
        for (int c = 0; c < 3; c++) {
            assertThat(img.get(c, 0, 0)).isEqualTo(100 / 255f);
            assertThat(img.get(c, 0, 1)).isEqualTo(7 / 255f);
        }
    }

    @Test
    void unreadableImageIsNamed() throws Exception {
        Path bad = dir.resolve("train/cat/broken.jpg");
        Files.createDirectories(bad.getParent());
        Files.write(bad, "definitely not a JPEG".getBytes());
        ImageFolderDataset ds = ImageFolderDataset.open("t", dir.resolve("train"));
        assertThatThrownBy(() -> ds.image(0))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("unreadable image");
    }

    @Test
    void truncatedPngIsNamed() throws Exception {
        Path good = dir.resolve("train/cat/ok.png");
        writePng(good, 16, 16, 5);
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("train/cat/cut.png");
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ImageDecoder.decodeRgb(bad))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith(bad + ": unreadable image");
    }

    @Test
    void emptyRootsAreClearErrors() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ImageFolderDataset.open("e", dir.resolve("empty")))
                .hasMessageContaining("has no class folders");
        Files.createDirectories(dir.resolve("noimg/cls"));
        assertThatThrownBy(() -> ImageFolderDataset.open("e", dir.resolve("noimg")))
                .hasMessageContaining("no images");
    }

    @Test
    void imagenetLayoutLoadsAndBatchesAfterResizeAndCrop() throws Exception {
        Path root = dir.resolve("imagenet");
        writePng(root.resolve("train/n01/a.png"), 40, 30, 1);
        writePng(root.resolve("train/n02/b.png"), 20, 50, 2);
        writePng(root.resolve("val/n01/c.png"), 33, 33, 3);
        writePng(root.resolve("val/n02/d.png"), 25, 26, 4);

        LoadedDataset in = Datasets.load("imagenet", TestData.isolatedOptions(dir).dataDir(dir).build());
        assertThat(in.location()).isEqualTo(root);
        assertThat(in.train().classes()).containsExactly("n01", "n02");

        Transform t = Transform.compose(Resize.shorterSide(16), new CenterCrop(12));
        try (DataLoader loader = DataLoader.builder(in.test()).batchSize(2).transform(t).build()) {
            Batch b = loader.iterator().next();
            assertThat(b.images().shape()).containsExactly(2, 3, 12, 12);
            assertThat(b.labels()).containsExactly(0, 1);
        }
        // Without a size-fixing transform the batch cannot be stacked: a clear error.
        try (DataLoader loader = DataLoader.builder(in.train()).batchSize(2).build()) {
            assertThatThrownBy(() -> loader.iterator().next())
                    .hasMessageContaining("comes out of the transform as 3x50x20 but the batch holds 3x30x40");
        }
    }
}
