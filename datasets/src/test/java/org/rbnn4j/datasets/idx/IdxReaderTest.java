package org.rbnn4j.datasets.idx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.datasets.ByteImageDataset;
import org.rbnn4j.datasets.ClassNames;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.TestData;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] images(int n, int rows, int cols) {
        byte[] px = new byte[n * rows * cols];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < rows * cols; p++) {
                px[i * rows * cols + p] = TestData.pixel(i, p);
            }
        }
        return px;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripOfHandWrittenFiles(boolean gz) throws Exception {
        byte[] px = images(3, 4, 5);
        byte[] img = TestData.idxBytes(0x00000803, new int[] {3, 4, 5}, px);
        byte[] lab = TestData.idxBytes(0x00000801, new int[] {3}, new byte[] {7, 0, 9});
        String ext = gz ? ".gz" : "";
        Path imgFile = dir.resolve("x-images-idx3-ubyte" + ext);
        Path labFile = dir.resolve("x-labels-idx1-ubyte" + ext);
        Files.write(imgFile, gz ? TestData.gzip(img) : img);
        Files.write(labFile, gz ? TestData.gzip(lab) : lab);

        ByteImageDataset ds = IdxReader.readDataset("x", imgFile, labFile, ClassNames.MNIST);

        assertThat(ds.size()).isEqualTo(3);
        assertThat(ds.shape()).isEqualTo(new ImageShape(1, 4, 5));
        assertThat(ds.labels()).containsExactly(7, 0, 9);
        assertThat(ds.imageBytes(2)).containsExactly(Arrays.copyOfRange(px, 40, 60));
        FloatImage f = ds.image(1);
        assertThat(f.data()[6]).isEqualTo((TestData.pixel(1, 6) & 0xFF) / 255f);
        assertThat(f.get(0, 3, 4)).isEqualTo((TestData.pixel(1, 19) & 0xFF) / 255f);
    }

    @Test
    void writerProducesTheExactFormat() throws Exception {
        byte[] px = images(2, 3, 3);
        Path f = dir.resolve("w-images-idx3-ubyte");
        IdxWriter.write(f, new int[] {2, 3, 3}, px);
        assertThat(Files.readAllBytes(f)).containsExactly(TestData.idxBytes(0x803, new int[] {2, 3, 3}, px));
        Path g = dir.resolve("w-images-idx3-ubyte.gz");
        IdxWriter.write(g, new int[] {2, 3, 3}, px);
        assertThat(IdxReader.readImages(g).data()).containsExactly(px);
        assertThat(IdxReader.readImages(g).dims()).containsExactly(2, 3, 3);
    }

    @Test
    void gzipContentIsDetectedEvenWithoutTheSuffix() throws Exception {
        Path f = dir.resolve("plain-name-labels-idx1-ubyte");
        Files.write(f, TestData.gzip(TestData.idxBytes(0x801, new int[] {2}, new byte[] {1, 2})));
        assertThat(IdxReader.readLabels(f, 10)).containsExactly(1, 2);
    }

    @Test
    void wrongMagicNamesFileAndNumber() throws Exception {
        Path f = dir.resolve("bad-images-idx3-ubyte");
        Files.write(f, TestData.idxBytes(0x12340803, new int[] {1, 1, 1}, new byte[1]));
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("wrong magic number 0x12340803")
                .hasMessageContaining("not an IDX file");
    }

    @Test
    void labelsFileWhereImagesAreExpectedIsRejected() throws Exception {
        Path f = dir.resolve("swapped-images-idx3-ubyte");
        Files.write(f, TestData.idxBytes(0x801, new int[] {2}, new byte[2]));
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("wrong magic number 0x00000801")
                .hasMessageContaining("1 dimensions where 3 are expected");
    }

    @Test
    void unsupportedElementType() throws Exception {
        Path f = dir.resolve("floats-labels-idx1-ubyte");
        Files.write(f, TestData.idxBytes(0x00000D01, new int[] {1}, new byte[4]));
        assertThatThrownBy(() -> IdxReader.readLabels(f, 10))
                .hasMessageContaining(f.toString())
                .hasMessageContaining("element type 0x0D is not supported");
    }

    @Test
    void truncatedBodySaysHowMuchIsMissing() throws Exception {
        Path f = dir.resolve("short-images-idx3-ubyte");
        byte[] full = TestData.idxBytes(0x803, new int[] {10, 28, 28}, new byte[10 * 784]);
        Files.write(f, Arrays.copyOf(full, full.length - 100));
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": truncated: the header declares 10 x 28 x 28 = 7840 bytes of data, only 7740 are present");
    }

    @Test
    void truncatedHeader() throws Exception {
        Path f = dir.resolve("tiny-images-idx3-ubyte");
        Files.write(f, new byte[] {0, 0, 8, 3, 0, 0});
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .hasMessage(f + ": truncated: the header ends after 6 bytes, 16 expected");
        Path g = dir.resolve("empty-labels-idx1-ubyte");
        Files.write(g, new byte[0]);
        assertThatThrownBy(() -> IdxReader.readLabels(g, 10))
                .hasMessageContaining(g.toString())
                .hasMessageContaining("truncated: 0 bytes, too short for the 4-byte IDX magic number");
    }

    @Test
    void trailingBytesAreAnError() throws Exception {
        Path f = dir.resolve("long-labels-idx1-ubyte");
        byte[] ok = TestData.idxBytes(0x801, new int[] {2}, new byte[] {1, 2});
        Files.write(f, Arrays.copyOf(ok, ok.length + 3));
        assertThatThrownBy(() -> IdxReader.readLabels(f, 10))
                .hasMessageContaining(f.toString())
                .hasMessageContaining("unexpected trailing bytes after the 2 values");
    }

    @Test
    void labelOutOfRangeNamesItemAndValue() throws Exception {
        Path f = dir.resolve("range-labels-idx1-ubyte");
        Files.write(f, TestData.idxBytes(0x801, new int[] {4}, new byte[] {0, 9, 10, 1}));
        assertThatThrownBy(() -> IdxReader.readLabels(f, 10))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": label 10 of item 2 is out of range [0, 10)");
    }

    @Test
    void countMismatchNamesBothFiles() throws Exception {
        Path img = dir.resolve("m-images-idx3-ubyte");
        Path lab = dir.resolve("m-labels-idx1-ubyte");
        Files.write(img, TestData.idxBytes(0x803, new int[] {3, 2, 2}, new byte[12]));
        Files.write(lab, TestData.idxBytes(0x801, new int[] {2}, new byte[2]));
        assertThatThrownBy(() -> IdxReader.readDataset("m", img, lab, ClassNames.MNIST))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(lab + ": holds 2 labels but the images file " + img + " holds 3 images");
    }

    @Test
    void corruptGzipIsReported() throws Exception {
        Path f = dir.resolve("garbage-images-idx3-ubyte.gz");
        Files.write(f, "this is not gzip data at all".getBytes());
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("corrupt or truncated gzip data");
    }

    @Test
    void truncatedGzipIsReported() throws Exception {
        Path f = dir.resolve("cut-images-idx3-ubyte.gz");
        byte[] gz = TestData.gzip(TestData.idxBytes(0x803, new int[] {50, 28, 28}, images(50, 28, 28)));
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("corrupt or truncated gzip data");
    }

    @Test
    void corruptGzipBodyIsReported() throws Exception {
        Path f = dir.resolve("flipped-images-idx3-ubyte.gz");
        byte[] gz = TestData.gzip(TestData.idxBytes(0x803, new int[] {50, 28, 28}, images(50, 28, 28)));
        for (int i = 20; i < 60; i++) {
            gz[i] ^= (byte) 0x5A;
        }
        Files.write(f, gz);
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("gzip");
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope-images-idx3-ubyte");
        assertThatThrownBy(() -> IdxReader.readImages(f))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": file not found");
    }
}
