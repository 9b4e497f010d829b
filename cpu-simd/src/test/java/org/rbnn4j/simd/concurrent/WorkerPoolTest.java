package org.rbnn4j.simd.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryIndexExactlyOnceOnSeveralThreads() {
        try (WorkerPool pool = new WorkerPool(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Thread caller = Thread.currentThread();
            CountDownLatch helperRan = new CountDownLatch(1);
            pool.parallelFor(1000, i -> {
                hits.incrementAndGet(i);
                threads.add(Thread.currentThread());
                if (Thread.currentThread() != caller) {
                    helperRan.countDown();
                } else {
                    awaitQuietly(helperRan); // leave work for the helpers even on a busy machine
                }
            });
            for (int i = 0; i < 1000; i++) {
                assertThat(hits.get(i)).as("index %d", i).isEqualTo(1);
            }
            assertThat(threads).contains(Thread.currentThread()).hasSizeGreaterThan(1);
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
