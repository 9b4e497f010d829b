package org.rbnn4j.simd.concurrent;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads running parallel loops: {@link #parallelFor} splits {@code tasks} indices over the
 * workers and the calling thread, which takes part in the work, and returns when all are done.
 *
 * <p>A parallel loop started from inside another one (from any pool) runs inline on the current thread: kernels can
 * parallelise themselves without caring whether their caller already did (convolution over images calls GEMM).
 */
public final class WorkerPool implements AutoCloseable {
    private static final ThreadLocal<Boolean> INSIDE_PARALLEL_LOOP = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final ExecutorService executor;

    /** A pool with {@code threads} threads in all (the caller counts as one); below 1 means all available cores. */
    public WorkerPool(int threads) {
        this.threads = threads < 1 ? Runtime.getRuntime().availableProcessors() : threads;
        if (this.threads == 1) {
            executor = null;
        } else {
            int poolId = POOL_IDS.incrementAndGet();
            AtomicInteger ids = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "rbnn-simd-" + poolId + "-" + ids.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            executor = Executors.newFixedThreadPool(this.threads - 1, factory);
        }
    }

    /** Threads that work on a parallel loop, the caller included. */
    public int threads() {
        return threads;
    }

    /** Whether the current thread is running a task of a parallel loop (nested loops then run inline). */
    public static boolean insideParallelLoop() {
        return INSIDE_PARALLEL_LOOP.get();
    }

    /** Threads a loop started now would actually use: 1 inside another loop. */
    public int effectiveThreads() {
        return insideParallelLoop() ? 1 : threads;
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, tasks)}, spread over the pool; returns when all
     * are done. The first exception thrown by a task is rethrown here (after every task has finished).
     */
    public void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (executor == null || tasks == 1 || insideParallelLoop()) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            INSIDE_PARALLEL_LOOP.set(Boolean.TRUE);
            try {
                for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                    body.accept(i);
                }
            } finally {
                INSIDE_PARALLEL_LOOP.set(Boolean.FALSE);
            }
        };
        int helpers = Math.min(threads, tasks) - 1;
        Future<?>[] futures = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            futures[h] = executor.submit(loop);
        }
        Throwable failure = null;
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(tasks); // stop handing out work
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the helpers still use shared buffers: wait for them regardless
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Start of part {@code part} of {@code parts} when {@code total} items are split as evenly as possible in
     * units of {@code align} items (the last part takes the remainder).
     */
    public static int splitPoint(int total, int parts, int part, int align) {
        int units = (total + align - 1) / align;
        long start = (long) units * part / parts * align;
        return (int) Math.min(total, start);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
        }
    }
}
