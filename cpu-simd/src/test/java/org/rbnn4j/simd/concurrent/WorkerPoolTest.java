package org.rbnn4j.simd.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryIndexExactlyOnce() {
        try (WorkerPool pool = new WorkerPool(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            pool.parallelFor(1000, hits::incrementAndGet);
            for (int i = 0; i < 1000; i++) {
                assertThat(hits.get(i)).as("index %d", i).isEqualTo(1);
            }
        }
    }

    @Test
    void usesTheCallerAndEveryWorker() throws Exception {
        try (WorkerPool pool = new WorkerPool(3)) {
            // Each task blocks until three tasks run at once: only possible if three threads take one each.
            CyclicBarrier allThree = new CyclicBarrier(3);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            pool.parallelFor(3, i -> {
                threads.add(Thread.currentThread());
                try {
                    allThree.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("tasks did not run concurrently", e);
                }
            });
            assertThat(threads).hasSize(3).contains(Thread.currentThread());
        }
    }

    @Test
    void nestedLoopsRunInlineOnTheCurrentThread() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray inner = new AtomicIntegerArray(4 * 8);
            pool.parallelFor(4, i -> {
                Thread outer = Thread.currentThread();
                assertThat(pool.effectiveThreads()).isEqualTo(1);
                pool.parallelFor(8, j -> {
                    assertThat(Thread.currentThread()).isSameAs(outer);
                    inner.incrementAndGet(i * 8 + j);
                });
            });
            for (int i = 0; i < inner.length(); i++) {
                assertThat(inner.get(i)).isEqualTo(1);
            }
            assertThat(pool.effectiveThreads()).isEqualTo(2);
        }
    }

    @Test
    void rethrowsTheFailureOfATaskAfterAllFinished() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(50, i -> {
                if (i == 17) {
                    throw new IllegalStateException("task 17");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("task 17");
            // The pool still works afterwards, and the loop flag was reset.
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            pool.parallelFor(10, hits::incrementAndGet);
            assertThat(hits.get(9)).isEqualTo(1);
            assertThat(WorkerPool.insideParallelLoop()).isFalse();
        }
    }

    @Test
    void splitPointsCoverTheRangeInAlignedParts() {
        int total = 1000;
        int parts = 3;
        int previous = 0;
        assertThat(WorkerPool.splitPoint(total, parts, 0, 32)).isZero();
        for (int p = 1; p <= parts; p++) {
            int point = WorkerPool.splitPoint(total, parts, p, 32);
            assertThat(point).isGreaterThanOrEqualTo(previous);
            if (p < parts) {
                assertThat(point % 32).isZero();
            }
            previous = point;
        }
        assertThat(previous).isEqualTo(total);
    }
}
