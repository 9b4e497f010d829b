package org.rbnn4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.datasets.loader.DataLoader;
import org.rbnn4j.datasets.transform.Recipes;

/**
 * The real Fashion-MNIST, found the way users find it ($RBNN_DATA, ~/.rbnn/datasets, or the Debian
 * package dataset-fashion-mnist). Skipped with a visible reason when absent, except in CI
 * ({@code CI=true}), where the data must be present and the test must run.
 */
class FashionMnistRealDataTest {
    private static LoadedDataset data;

    @BeforeAll
    static void load() {
        try {
            data = Datasets.load("fashion-mnist");
        } catch (DatasetNotFoundException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true requires the real Fashion-MNIST (apt-get install dataset-fashion-mnist): "
                        + e.getMessage(), e);
            }
            Assumptions.abort("real Fashion-MNIST not installed, skipping (apt-get install dataset-fashion-mnist to run): "
                    + e.getMessage());
        }
    }

    @Test
    void countsPerSplitAndClass() {
        assertThat(data.train().size()).isEqualTo(60_000);
        assertThat(data.test().size()).isEqualTo(10_000);
        assertThat(data.train().classCounts()).containsOnly(6_000);
        assertThat(data.test().classCounts()).containsOnly(1_000);
        assertThat(data.train().classes()).containsExactlyElementsOf(ClassNames.FASHION_MNIST);
        assertThat(data.imageShape()).contains(new ImageShape(1, 28, 28));
    }

    @Test
    void firstImagesMatchTheirChecksums() throws Exception {
        // Computed once from the files with an independent reader (Python gzip + hashlib).
        ByteImageDataset train = (ByteImageDataset) data.train();
        ByteImageDataset test = (ByteImageDataset) data.test();
        byte[] first = train.imageBytes(0);
        assertThat(sum(first)).isEqualTo(76_247);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(first)))
                .isEqualTo("5bd44e331a6d6998daf675700cd0c13dcd7af8ab954b7585124124da61459e7b");
        assertThat(train.label(0)).isEqualTo(9); // Ankle boot
        assertThat(sum(test.imageBytes(0))).isEqualTo(33_456);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(test.imageBytes(0))))
                .isEqualTo("ffc7351ed0f8bae542820866086177fa4e0b366b97bf9d998dffdb8dbe138787");
    }

    @Test
    void normalisedTestPixelsHaveRoughlyZeroMeanAndUnitStd() {
        // The constants are the training-set statistics of the 28x28 images: check them on the unpadded set.
        try (DataLoader loader = DataLoader.builder(data.train().first(6_000)).batchSize(1_000)
                .transform(new org.rbnn4j.datasets.transform.Normalize(Normalization.FASHION_MNIST)).build()) {
            double s = 0;
            double ss = 0;
            long n = 0;
            for (Batch b : loader) {
                for (float v : b.images().data()) {
                    s += v;
                    ss += (double) v * v;
                    n++;
                }
            }
            double mean = s / n;
            assertThat(mean).isCloseTo(0.0, within(0.02));
            assertThat(Math.sqrt(ss / n - mean * mean)).isCloseTo(1.0, within(0.02));
        }
        try (DataLoader loader = DataLoader.builder(data.test()).batchSize(128).transform(Recipes.fashionMnistTest()).build()) {
            Batch b = loader.iterator().next();
            assertThat(b.images().shape()).containsExactly(128, 1, 32, 32);
        }
    }

    private static long sum(byte[] b) {
        long s = 0;
        for (byte x : b) {
            s += x & 0xFF;
        }
        return s;
    }
}
