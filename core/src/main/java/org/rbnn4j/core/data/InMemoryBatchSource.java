package org.rbnn4j.core.data;

import java.util.List;

/** Batches already in memory, the same ones in the same order every epoch (tests, small evaluations). */
public record InMemoryBatchSource(List<Batch> batches) implements BatchSource {
    public InMemoryBatchSource {
        batches = List.copyOf(batches);
    }

    @Override
    public CloseableIterable<Batch> epoch(int epoch) {
        return CloseableIterable.of(batches);
    }

    @Override
    public int batchesPerEpoch() {
        return batches.size();
    }

    @Override
    public int size() {
        return batches.stream().mapToInt(Batch::size).sum();
    }
}
