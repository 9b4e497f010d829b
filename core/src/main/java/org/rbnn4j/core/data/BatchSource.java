package org.rbnn4j.core.data;

/**
 * Where a trainer gets its batches: one pass over a data split per epoch. Implementations must make the order of
 * an epoch a function of the epoch number and their seed only, so that a resumed run sees the same batches as an
 * uninterrupted one.
 */
public interface BatchSource {

    /** The batches of epoch {@code epoch} (0-based). The iterable may hold resources: close it when done. */
    CloseableIterable<Batch> epoch(int epoch);

    /** Number of batches per epoch. */
    int batchesPerEpoch();

    /** Number of examples per epoch. */
    int size();

    /** An iterable that must be closed (a prefetching loader holds a thread). */
    interface CloseableIterable<T> extends Iterable<T>, AutoCloseable {
        @Override
        void close();

        /** Items already in memory: nothing to close. */
        static <T> CloseableIterable<T> of(Iterable<T> items) {
            return new CloseableIterable<>() {
                @Override
                public java.util.Iterator<T> iterator() {
                    return items.iterator();
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
