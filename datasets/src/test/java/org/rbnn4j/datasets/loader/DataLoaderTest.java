package org.rbnn4j.datasets.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.Normalization;
import org.rbnn4j.datasets.transform.Recipes;

class DataLoaderTest {

    /** Image i is a 1x2x2 image filled with i; label i % 10; optionally fails on one index. */
    static final class IndexDataset implements Dataset {
        final int n;
        final int failAt;
        final AtomicInteger reads = new AtomicInteger();

        IndexDataset(int n, int failAt) {
            this.n = n;
            this.failAt = failAt;
        }

        @Override
        public String name() {
            return "index";
        }

        @Override
        public String source() {
            return "memory";
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int label(int index) {
            return index % 10;
        }

        @Override
        public List<String> classes() {
            return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        }

        @Override
        public Optional<ImageShape> imageShape() {
            return Optional.of(new ImageShape(1, 2, 2));
        }

        @Override
        public FloatImage image(int index) {
            reads.incrementAndGet();
            if (index == failAt) {
                throw new DatasetFormatException(java.nio.file.Path.of("/data/broken.bin"), "image " + index + " is corrupt");
            }
            float[] d = new float[4];
            Arrays.fill(d, index);
            return new FloatImage(1, 2, 2, d);
        }
    }

    static List<Integer> indicesOf(Iterable<Batch> batches) {
        List<Integer> out = new ArrayList<>();
        for (Batch b : batches) {
            assertThat(b.images().shape()).containsExactly(b.size(), 1, 2, 2);
            for (int i = 0; i < b.size(); i++) {
                int idx = (int) b.images().data()[i * 4];
                assertThat(b.labels()[i]).isEqualTo(idx % 10);
                out.add(idx);
            }
        }
        return out;
    }

    @Test
    void lastPartialBatchIsKeptUnlessDropLast() {
        try (DataLoader keep = DataLoader.builder(new IndexDataset(10, -1)).batchSize(4).build();
             DataLoader drop = DataLoader.builder(new IndexDataset(10, -1)).batchSize(4).dropLast(true).build()) {
            List<Integer> sizes = new ArrayList<>();
            for (Batch b : keep) {
                sizes.add(b.size());
            }
            assertThat(sizes).containsExactly(4, 4, 2);
            assertThat(keep.batchesPerEpoch()).isEqualTo(3);
            sizes.clear();
            for (Batch b : drop) {
                sizes.add(b.size());
            }
            assertThat(sizes).containsExactly(4, 4);
            assertThat(drop.batchesPerEpoch()).isEqualTo(2);
        }
    }

    @Test
    void unshuffledOrderIsTheDatasetOrder() {
        try (DataLoader loader = DataLoader.builder(new IndexDataset(7, -1)).batchSize(3).build()) {
            assertThat(indicesOf(loader)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void shuffleVisitsEveryImageOncePerEpochWithASeededOrder() {
        IndexDataset ds = new IndexDataset(103, -1);
        try (DataLoader a = DataLoader.builder(ds).batchSize(16).shuffle(true).seed(5).build();
             DataLoader b = DataLoader.builder(ds).batchSize(16).shuffle(true).seed(5).prefetch(0).build();
             DataLoader c = DataLoader.builder(ds).batchSize(16).shuffle(true).seed(6).build()) {
            List<Integer> e0 = indicesOf(a);
            List<Integer> e1 = indicesOf(a);
            assertThat(e0).hasSize(103).doesNotHaveDuplicates();
            assertThat(e1).hasSize(103).doesNotHaveDuplicates().isNotEqualTo(e0);
            assertThat(indicesOf(b.epoch(0))).isEqualTo(e0);
            assertThat(indicesOf(b.epoch(1))).isEqualTo(e1);
            assertThat(indicesOf(c.epoch(0))).isNotEqualTo(e0);
            assertThat(indicesOf(a.epoch(0))).isEqualTo(e0);
        }
    }

    @Test
    void augmentedBatchesAreIdenticalWithAndWithoutPrefetchAndAcrossBatchSizes() {
        IndexDataset ds = new IndexDataset(50, -1);
        // A 1x2x2 image padded to 32x32 then cropped/flipped: an augmentation that depends on the seed.
        var t = org.rbnn4j.datasets.transform.Transform.compose(
                org.rbnn4j.datasets.transform.Pad.toSize(32, 32), Recipes.cifarTrain(Normalization.FASHION_MNIST));
        try (DataLoader p = DataLoader.builder(ds).batchSize(8).shuffle(true).seed(1).transform(t).prefetch(3).build();
             DataLoader s = DataLoader.builder(ds).batchSize(8).shuffle(true).seed(1).transform(t).prefetch(0).build();
             DataLoader big = DataLoader.builder(ds).batchSize(50).shuffle(true).seed(1).transform(t).build()) {
            float[] all = new float[50 * 1024];
            int k = 0;
            for (var it = p.epoch(3); it.hasNext(); ) {
                Batch bp = it.next();
                assertThat(bp.images().shape()).containsExactly(bp.size(), 1, 32, 32);
                System.arraycopy(bp.images().data(), 0, all, k, bp.images().size());
                k += bp.images().size();
            }
            List<float[]> serial = new ArrayList<>();
            for (Batch b : s.epoch(3)) {
                serial.add(b.images().data());
            }
            float[] flat = new float[50 * 1024];
            k = 0;
            for (float[] f : serial) {
                System.arraycopy(f, 0, flat, k, f.length);
                k += f.length;
            }
            assertThat(flat).containsExactly(all);
            assertThat(big.epoch(3).next().images().data()).containsExactly(all);
            assertThat(big.epoch(4).next().images().data()).isNotEqualTo(all);
        }
    }

    @Test
    void workerExceptionIsRethrownToTheConsumer() {
        IndexDataset ds = new IndexDataset(20, 13);
        try (DataLoader loader = DataLoader.builder(ds).batchSize(4).transform((img, r) -> img).prefetch(2).build()) {
            var it = loader.iterator();
            assertThat(it.next().size()).isEqualTo(4);
            assertThat(it.next().size()).isEqualTo(4);
            assertThat(it.next().size()).isEqualTo(4);
            assertThatThrownBy(it::next)
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessage("/data/broken.bin: image 13 is corrupt");
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void closeStopsTheDaemonWorker() throws Exception {
        IndexDataset ds = new IndexDataset(10_000, -1);
        DataLoader loader = DataLoader.builder(ds).batchSize(10).transform((img, r) -> img).prefetch(2).build();
        var it = loader.iterator();
        it.next();
        Thread worker = null;
        for (int tries = 0; tries < 100 && worker == null; tries++) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("rbnn-data-loader-") && t.isAlive()) {
                    worker = t;
                }
            }
        }
        assertThat(worker).isNotNull();
        assertThat(worker.isDaemon()).isTrue();
        // Bounded queue: the worker stays at most prefetch batches ahead.
        Thread.sleep(100);
        assertThat(ds.reads.get()).isLessThanOrEqualTo(10 * (1 + 2 + 1));
        loader.close();
        worker.join(5000);
        assertThat(worker.isAlive()).isFalse();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(loader::iterator).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void breakingOutOfAnEpochThenStartingTheNextWorks() {
        try (DataLoader loader = DataLoader.builder(new IndexDataset(100, -1)).batchSize(10).shuffle(true).seed(2)
                .transform((img, r) -> img).build()) {
            for (Batch b : loader) {
                assertThat(b.size()).isEqualTo(10);
                break;
            }
            var second = loader.iterator();
            assertThat(second.epoch()).isEqualTo(1);
            assertThat(indicesOf(() -> second)).hasSize(100).doesNotHaveDuplicates();
        }
    }
}
