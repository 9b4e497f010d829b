package org.rbnn4j.tornado.ops;

import java.util.concurrent.atomic.AtomicInteger;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * One compute-SPI operation on a TornadoVM device: a task graph over host <em>staging arrays</em> owned by this
 * object, compiled once and re-executed for every call.
 *
 * <p>Why staging: a TornadoVM execution plan is bound to the array objects it was built with, while the SPI passes
 * whatever arrays the layers hold. Each call copies the caller's inputs into the staging arrays (a host memcpy),
 * executes the plan (which transfers them to the device and the outputs back) and copies the outputs out. The
 * staging arrays only grow (to the next power of two, so a training run settles after its first batch); growing
 * rebuilds and recompiles the plan. Shapes travel in small arrays ({@code dims}), so one compiled plan serves every
 * shape that fits.
 *
 * <p>Not thread-safe: {@code TornadoBackend} serialises the calls.
 */
public abstract class DeviceOperation implements AutoCloseable {
    private static final AtomicInteger GRAPH_COUNTER = new AtomicInteger();
    /** Smallest staging capacity (4 KiB of floats), so that small tensors (per-channel values, biases) never trigger rebuilds. */
    private static final int MIN_CAPACITY = 1024;
    private final TornadoDevice device;
    private final String kind;
    private int[] capacities = new int[0];
    private TornadoExecutionPlan plan;
    private WorkerGrid[] grids = new WorkerGrid[0];
    private long rebuilds;
    private long calls;
    private long callNanos;
    private long executeNanos;

    protected DeviceOperation(TornadoDevice device, String kind) {
        this.device = device;
        this.kind = kind;
    }

    /** Allocates the staging arrays (fields of the subclass) with at least the given lengths. */
    protected abstract void allocate(int[] capacities);

    /**
     * The task graph over the staging arrays, named {@code graphName}, with tasks named {@code t0}, {@code t1}, ...
     * in order; inputs transferred to the device and outputs to the host on every execution.
     */
    protected abstract TaskGraph build(String graphName);

    /** Dimensions (1 or 2) of each task's grid, in task order. */
    protected abstract int[] gridDimensions();

    /**
     * Makes every staging array at least as long as the corresponding {@code sizes} value (same order as for
     * {@link #allocate}), rebuilding the plan when any has to grow.
     */
    protected final void reserve(int... sizes) {
        boolean fits = plan != null && capacities.length == sizes.length;
        for (int i = 0; fits && i < sizes.length; i++) {
            fits = sizes[i] <= capacities[i];
        }
        if (fits) {
            return;
        }
        int[] next = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int old = i < capacities.length ? capacities[i] : 0;
            next[i] = Math.max(old, roundUp(sizes[i]));
        }
        release();
        allocate(next);
        String name = kind + "_" + GRAPH_COUNTER.getAndIncrement();
        TaskGraph graph = build(name);
        int[] dimensions = gridDimensions();
        GridScheduler scheduler = new GridScheduler();
        grids = new WorkerGrid[dimensions.length];
        for (int t = 0; t < dimensions.length; t++) {
            grids[t] = dimensions[t] == 2 ? new WorkerGrid2D(1, 1) : new WorkerGrid1D(1);
            scheduler.addWorkerGrid(name + ".t" + t, grids[t]);
        }
        plan = DevicePlans.create(device, scheduler, graph.snapshot());
        capacities = next;
        rebuilds++;
    }

    /**
     * Runs the plan with one grid per task: {@code work[t]} is {@code {x}} or {@code {x, y}} work items for task
     * {@code t}. The caller skips empty work (a grid of 0 items is not launched).
     */
    protected final void execute(long[]... work) {
        for (int t = 0; t < grids.length; t++) {
            long[] w = work[t];
            grids[t].setGlobalWork(w[0], w.length > 1 ? w[1] : 1, 1);
            grids[t].setLocalWorkToNull();
        }
        long start = System.nanoTime();
        plan.execute();
        executeNanos += System.nanoTime() - start;
    }

    /**
     * As {@link #execute}, with the work-group size of each task: {@code local[t]} is {@code {x}} or {@code {x, y}}
     * (the global work must be a multiple of it), or null for the driver's choice. KernelContext kernels that tile
     * through local memory need their group size fixed.
     */
    protected final void executeInGroups(long[][] local, long[]... work) {
        for (int t = 0; t < grids.length; t++) {
            long[] w = work[t];
            grids[t].setGlobalWork(w[0], w.length > 1 ? w[1] : 1, 1);
            long[] l = local[t];
            if (l == null) {
                grids[t].setLocalWorkToNull();
            } else {
                grids[t].setLocalWork(l[0], l.length > 1 ? l[1] : 1, 1);
            }
        }
        long start = System.nanoTime();
        plan.execute();
        executeNanos += System.nanoTime() - start;
    }

    /** Records one whole call (staging copies included), for {@link #profile()}. */
    public final void recordCall(long nanos) {
        calls++;
        callNanos += nanos;
    }

    /** {@code {calls, nanoseconds in whole calls, nanoseconds in plan executions (transfers and kernels)}}. */
    public final long[] profile() {
        return new long[] {calls, callNanos, executeNanos};
    }

    /** The operation's name, as in its task graphs. */
    public final String kind() {
        return kind;
    }

    /** How many times the plan has been (re)built and compiled. */
    public final long rebuilds() {
        return rebuilds;
    }

    private static int roundUp(int size) {
        if (size <= MIN_CAPACITY) {
            return MIN_CAPACITY;
        }
        int p = Integer.highestOneBit(size);
        return p == size ? size : Math.multiplyExact(p, 2);
    }

    private void release() {
        DevicePlans.close(plan, kind);
        plan = null;
    }

    @Override
    public void close() {
        release();
    }
}
