package org.rbnn4j.datasets.loader;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.DatasetException;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.transform.Transform;

/**
 * Mini-batches of a {@link Dataset}, epoch after epoch: shuffled with a seeded permutation per epoch,
 * each sample passed through the transform with its own seeded generator (see {@link SampleRandom}),
 * stacked into an NCHW tensor. The last partial batch is kept unless {@code dropLast}.
 *
 * <p>With {@code prefetch > 0} (default 2) a background daemon thread prepares up to that many batches
 * ahead into a bounded queue, so data preparation overlaps training; an exception thrown while
 * preparing is re-thrown to the consumer by {@link Iterator#next()}. Starting a new epoch stops the
 * previous one's worker; {@link #close()} stops everything. The batches are identical with and without
 * prefetch.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train).batchSize(256).shuffle(true).seed(42)
 *         .transform(Recipes.fashionMnistTrain()).build()) {
 *     for (int epoch = 0; epoch < epochs; epoch++) {
 *         for (Batch b : loader.epoch(epoch)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch>, AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private final Transform transform;
    private final ExecutorService executor;
    private int nextEpoch;
    private BatchIterator active;
    private boolean closed;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
        this.transform = b.transform;
        this.executor = prefetch == 0 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rbnn-data-loader-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: {@code ceil(n / batchSize)}, or {@code floor} with {@code dropLast}. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the dataset. */
    public int[] order(int epoch) {
        if (!shuffle) {
            int[] p = new int[dataset.size()];
            Arrays.setAll(p, i -> i);
            return p;
        }
        return SampleRandom.permutation(dataset.size(), seed, epoch);
    }

    /** The batches of the next epoch (0 first, then 1, ...). */
    @Override
    public synchronized BatchIterator iterator() {
        return epoch(nextEpoch);
    }

    /**
     * The batches of epoch {@code epoch}, which fixes the shuffle and the augmentation; later calls to
     * {@link #iterator()} continue with {@code epoch + 1}. Stops the previous epoch's worker.
     */
    public synchronized BatchIterator epoch(int epoch) {
        if (closed) {
            throw new IllegalStateException("data loader is closed");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (active != null) {
            active.close();
        }
        nextEpoch = epoch + 1;
        active = new BatchIterator(epoch, order(epoch));
        return active;
    }

    /** Stops the background worker; the loader cannot be used afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (active != null) {
            active.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Builds batch {@code b} of an epoch with the given visiting order. */
    Batch buildBatch(int epoch, int[] order, int b) {
        int start = b * batchSize;
        int end = Math.min(start + batchSize, order.length);
        int n = end - start;
        int[] labels = new int[n];
        Optional<ImageShape> fixed = dataset.imageShape();
        if (transform == null && fixed.isPresent()) {
            // Fast path: bytes straight into the batch, no intermediate image.
            ImageShape s = fixed.get();
            float[] data = new float[n * s.size()];
            for (int i = 0; i < n; i++) {
                int idx = order[start + i];
                dataset.image(idx, data, i * s.size());
                labels[i] = dataset.label(idx);
            }
            return new Batch(Tensor.of(data, n, s.channels(), s.height(), s.width()), labels);
        }
        float[] data = null;
        ImageShape shape = null;
        for (int i = 0; i < n; i++) {
            int idx = order[start + i];
            FloatImage img = dataset.image(idx);
            if (transform != null) {
                img = transform.apply(img, SampleRandom.forSample(seed, epoch, idx));
            }
            if (data == null) {
                shape = img.shape();
                data = new float[n * shape.size()];
            } else if (img.channels() != shape.channels() || img.height() != shape.height() || img.width() != shape.width()) {
                throw new DatasetException(dataset.name() + ": image " + idx + " comes out of the transform as " + img.shape()
                        + " but the batch holds " + shape + " images; add a resize/crop transform that gives every image one size");
            }
            System.arraycopy(img.data(), 0, data, i * shape.size(), shape.size());
            labels[i] = dataset.label(idx);
        }
        return new Batch(Tensor.of(data, n, shape.channels(), shape.height(), shape.width()), labels);
    }

    /**
     * The batches of one epoch; closing it stops its background worker. It is also a one-shot
     * {@link Iterable} (returning itself), so that {@code for (Batch b : loader.epoch(e))} works.
     */
    public final class BatchIterator implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int total;
        private final BlockingQueue<Object> queue;
        private final Future<?> worker;
        private volatile boolean cancelled;
        private int delivered;
        private boolean failed;

        private BatchIterator(int epoch, int[] order) {
            this.epoch = epoch;
            this.order = order;
            this.total = batchesPerEpoch();
            if (executor != null && total > 0) {
                queue = new ArrayBlockingQueue<>(prefetch);
                worker = executor.submit(this::produce);
            } else {
                queue = null;
                worker = null;
            }
        }

        public int epoch() {
            return epoch;
        }

        /** This iterator itself: an epoch is traversed once. */
        @Override
        public Iterator<Batch> iterator() {
            return this;
        }

        /** Batches in this epoch. */
        public int total() {
            return total;
        }

        private void produce() {
            try {
                for (int b = 0; b < total && !cancelled; b++) {
                    queue.put(buildBatch(epoch, order, b));
                }
            } catch (InterruptedException e) {
                // cancelled: the consumer is gone
            } catch (Throwable t) {
                if (!cancelled) {
                    try {
                        queue.put(new Failure(t));
                    } catch (InterruptedException ignored) {
                        // cancelled while reporting: nobody is listening
                    }
                }
            }
        }

        @Override
        public boolean hasNext() {
            return !failed && !cancelled && delivered < total;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException(cancelled ? "epoch " + epoch + " was closed" : "epoch " + epoch + " is over");
            }
            if (queue == null) {
                return buildBatch(epoch, order, delivered++);
            }
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatasetException("interrupted while waiting for batch " + delivered + " of epoch " + epoch, e);
            }
            if (item instanceof Failure f) {
                failed = true;
                Throwable t = f.cause();
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error err) {
                    throw err;
                }
                throw new DatasetException("preparing batch " + delivered + " of epoch " + epoch + " failed: " + t, t);
            }
            delivered++;
            return (Batch) item;
        }

        /** Stops the background worker and drops prepared batches. */
        @Override
        public void close() {
            cancelled = true;
            if (worker != null) {
                worker.cancel(true);
                queue.clear();
            }
        }
    }

    private record Failure(Throwable cause) {
    }

    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int prefetch = 2;
        private Transform transform;

        private Builder(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Visit the images in a new seeded order each epoch (default: dataset order). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seed of the shuffles and of the per-sample augmentation. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Drop the last batch when it is smaller than the batch size (default: keep it). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Batches prepared ahead on a background thread; 0 prepares them on the caller's thread. */
        public Builder prefetch(int depth) {
            if (depth < 0) {
                throw new IllegalArgumentException("prefetch depth must be >= 0, got " + depth);
            }
            this.prefetch = depth;
            return this;
        }

        /** Applied to every image (CHW floats in [0, 1]) before stacking; null for none. */
        public Builder transform(Transform transform) {
            this.transform = transform;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
