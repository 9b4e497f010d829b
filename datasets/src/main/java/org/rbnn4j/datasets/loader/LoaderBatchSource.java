package org.rbnn4j.datasets.loader;

import org.rbnn4j.core.data.Batch;
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
    public CloseableIterable<Batch> epoch(int epoch) {
        DataLoader.BatchIterator it = loader.epoch(epoch);
        return new CloseableIterable<>() {
            @Override
            public java.util.Iterator<Batch> iterator() {
                return it;
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
