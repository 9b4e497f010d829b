package org.rbnn4j.datasets.loader;

import java.util.Iterator;
import org.rbnn4j.core.data.BatchSource;

/**
 * A {@link DataLoader} seen as the trainer's {@link BatchSource}: epoch {@code e}'s batches depend only on the
 * loader's seed and {@code e}, which is what makes resumed runs equal uninterrupted ones.
 */
public final class LoaderBatchSource implements BatchSource, AutoCloseable {
    private final DataLoader loader;

    public LoaderBatchSource(DataLoader loader) {
        this.loader = loader;
    }

    public DataLoader loader() {
        return loader;
    }

    @Override
    public CloseableIterable<org.rbnn4j.core.data.Batch> epoch(int epoch) {
        DataLoader.BatchIterator it = loader.epoch(epoch);
        return new CloseableIterable<>() {
            @Override
            public Iterator<org.rbnn4j.core.data.Batch> iterator() {
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public org.rbnn4j.core.data.Batch next() {
                        Batch b = it.next();
                        return new org.rbnn4j.core.data.Batch(b.images(), b.labels());
                    }
                };
            }

            @Override
            public void close() {
                it.close();
            }
        };
    }

    @Override
    public int batchesPerEpoch() {
        return loader.batchesPerEpoch();
    }

    @Override
    public int size() {
        return loader.dataset().size();
    }

    @Override
    public void close() {
        loader.close();
    }
}
