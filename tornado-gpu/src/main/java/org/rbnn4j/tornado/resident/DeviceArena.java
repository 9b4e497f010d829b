package org.rbnn4j.tornado.resident;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.function.BiFunction;
import org.rbnn4j.tornado.kernels.ArenaKernels;
import org.rbnn4j.tornado.ops.DevicePlans;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Device memory that keeps arrays between operations: one device buffer (the arena) holds every array that
 * operations have touched, each in its own region, and one execution plan holds a task graph per arena kernel, each
 * consuming the arena from the graph that ran before it and persisting it for the next (the pattern checked by
 * {@code ArenaPatternTest}). Host arrays travel only when the residency protocol of the compute SPI asks: into their
 * region before an operation reads them if the host is newer ({@link #bind}), back when the host reads them
 * ({@link #toHost}).
 *
 * <p>Regions are kept by {@link ArenaRegions}: first fit in the free spans, and the regions of arrays the garbage
 * collector has cleared (a step's activations and gradients, dropped when it ends) are freed without any transfer.
 * When no span fits even after asking the collector for the dead arrays, the arena is flushed: every region whose
 * newest values are on the device is brought home and all regions are forgotten; the arena doubles up to a maximum,
 * and the plan is rebuilt for it (its kernels compile again). A training step's working set is the same from step to
 * step, so after the first steps it runs without flushes.
 *
 * <p>Not thread-safe: its backend serialises calls.
 */
final class DeviceArena implements AutoCloseable {

    /**
     * An arena kernel: name, grid dimensions (1, or 2 for a {@code KernelContext} kernel tiled in work groups) and the
     * task it adds to a graph over {@code {arena, args, scalars, kernelContext, scratchA, scratchB, doubles}} (the
     * scratch arrays: device-only doubles for partial sums, at least {@link #ensureScratch} long).
     */
    record Kernel(String name, int dimensions, BiFunction<TaskGraph, Object[], TaskGraph> task) {
    }

    private static final AtomicInteger ARENA_COUNTER = new AtomicInteger();
    private static final int STAGING = 1 << 20;
    private static final int INIT = 0;
    private static final int UPLOAD = 1;
    private static final int DOWNLOAD = 2;
    private static final int FIRST_KERNEL = 3;
    /** How long a full arena waits for the garbage collector to report dead arrays before it flushes. */
    private static final long GC_WAIT_MILLIS = 100;

    private final TornadoDevice device;
    /** The arena stops doubling at this many floats (then a full arena is only flushed). */
    private final long maxCapacity;
    private final List<Kernel> kernels;
    private final ArenaRegions regions = new ArenaRegions(0);
    private final float[] staging = new float[STAGING];
    private final int[] copyArgs = new int[2];
    private final int[] args = new int[16];
    private final float[] scalars = new float[4];
    private final double[] doubles = new double[4];
    private final KernelContext context = new KernelContext();
    private float[] arena;
    /** Device-only double scratch of the reductions (partial sums), resident like the arena. */
    private double[] scratchA = new double[1024];
    private double[] scratchB = new double[1024];
    private TornadoExecutionPlan plan;
    private WorkerGrid[] grids;
    private long uploads;
    private long downloads;
    private long floatsUp;
    private long floatsDown;
    private long launches;
    private long flushes;

    DeviceArena(TornadoDevice device, int initialCapacity, long maxCapacity, List<Kernel> kernels) {
        this.device = device;
        this.maxCapacity = maxCapacity;
        this.kernels = List.copyOf(kernels);
        build(initialCapacity);
    }

    /** The graph index of kernel {@code k} of the list given at construction. */
    static int graphOf(int k) {
        return FIRST_KERNEL + k;
    }

    /**
     * Regions for {@code inputs} (their newest values uploaded where the host is newer) and {@code outputs} (nothing
     * uploaded), in one call so that a flush cannot move a region handed out earlier; returns the offsets, inputs
     * first. Null arrays get offset -1. An array may appear in both lists, and must when the operation writes only part
     * of it: an output's region is not filled from the host, so values the operation leaves would come home as garbage.
     */
    int[] bind(float[][] inputs, float[][] outputs) {
        if (!place(inputs, outputs) && (regions.collectGarbage(GC_WAIT_MILLIS) == 0 || !place(inputs, outputs))) {
            long live = 0;
            for (float[][] list : new float[][][] {inputs, outputs}) {
                for (float[] a : list) {
                    live += a == null ? 0 : a.length;
                }
            }
            flush(live);
            if (!place(inputs, outputs)) {
                throw new IllegalStateException("one operation's " + live + " floats do not fit the arena's "
                        + arena.length);
            }
        }
        int[] offsets = new int[inputs.length + outputs.length];
        int k = 0;
        for (float[] a : inputs) {
            offsets[k++] = a == null ? -1 : upload(regions.find(a), a);
        }
        for (float[] a : outputs) {
            offsets[k++] = a == null ? -1 : regions.find(a).offset;
        }
        return offsets;
    }

    /**
     * {@link #bind}, with the offsets written to the next launch's {@link #args} in the same order (inputs, then
     * outputs, -1 for null arrays), for kernels whose arguments start with them; returns those args.
     */
    int[] bindArgs(float[][] inputs, float[][] outputs) {
        int[] offsets = bind(inputs, outputs);
        System.arraycopy(offsets, 0, args, 0, offsets.length);
        return args;
    }

    /** Gives every array of the lists a region; false if one did not fit (those placed keep theirs). */
    private boolean place(float[][] inputs, float[][] outputs) {
        for (float[][] list : new float[][][] {inputs, outputs}) {
            for (float[] a : list) {
                if (a != null && regions.find(a) == null && regions.allocate(a) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** After an arena kernel wrote {@code a}: the device holds its newest values. */
    void deviceWrote(float[] a) {
        if (a != null) {
            regions.find(a).state = ArenaRegions.State.DEVICE_NEWER;
        }
    }

    /** Brings {@code a}'s newest values to its host array if the device holds them. */
    void toHost(float[] a) {
        ArenaRegions.Region r = a == null ? null : regions.find(a);
        if (r == null || r.state != ArenaRegions.State.DEVICE_NEWER) {
            return;
        }
        for (int done = 0; done < r.length; done += STAGING) {
            int len = Math.min(STAGING, r.length - done);
            copyArgs[0] = r.offset + done;
            copyArgs[1] = len;
            grids[DOWNLOAD].setGlobalWork(len, 1, 1);
            plan.withGraph(DOWNLOAD).execute();
            System.arraycopy(staging, 0, a, done, len);
        }
        r.state = ArenaRegions.State.IN_SYNC;
        downloads++;
        floatsDown += r.length;
    }

    /** The host wrote {@code a}: its region (if any) is refreshed before an operation reads it. */
    void hostWrote(float[] a) {
        ArenaRegions.Region r = a == null ? null : regions.find(a);
        if (r != null) {
            r.state = ArenaRegions.State.HOST_NEWER;
        }
    }

    /** Brings every region the device holds newer values of to its host array. */
    void synchronizeHost() {
        for (float[] a : regions.deviceNewer()) {
            toHost(a);
        }
    }

    /** Runs arena kernel {@code k} over {@code work} items with {@link #args} / {@link #scalars} as set. */
    void launch(int k, long work) {
        if (work <= 0) {
            return;
        }
        int graph = graphOf(k);
        grids[graph].setGlobalWork(work, 1, 1);
        grids[graph].setLocalWorkToNull();
        plan.withGraph(graph).execute();
        launches++;
    }

    /** Runs 2-D arena kernel {@code k} over {@code x * y} items in work groups of {@code localX * localY}. */
    void launch(int k, long x, long y, long localX, long localY) {
        if (x <= 0 || y <= 0) {
            return;
        }
        int graph = graphOf(k);
        grids[graph].setGlobalWork(x, y, 1);
        grids[graph].setLocalWork(localX, localY, 1);
        plan.withGraph(graph).execute();
        launches++;
    }

    int[] args() {
        return args;
    }

    /**
     * Makes both double scratch arrays hold at least {@code doubles} values; growing them rebuilds the plan, which first
     * brings every region's newest values home (as a flush does).
     */
    void ensureScratch(int doubles) {
        if (doubles <= scratchA.length) {
            return;
        }
        forgetRegions();
        int capacity = Math.max(doubles, 2 * scratchA.length);
        scratchA = new double[capacity];
        scratchB = new double[capacity];
        release();
        build(arena.length);
    }

    float[] scalars() {
        return scalars;
    }

    /** Double parameters of the next launch (those a kernel computes with in double, as its reference does). */
    double[] doubles() {
        return doubles;
    }

    /**
     * {@code {uploads, downloads, floats up, floats down, kernel launches, flushes, regions reclaimed, arena floats,
     * most floats in regions at once}}.
     */
    long[] counters() {
        return new long[] {uploads, downloads, floatsUp, floatsDown, launches, flushes, regions.reclaimed(),
                arena.length, regions.peakFloats()};
    }

    private int upload(ArenaRegions.Region r, float[] a) {
        if (r.state == ArenaRegions.State.HOST_NEWER) {
            for (int done = 0; done < r.length; done += STAGING) {
                int len = Math.min(STAGING, r.length - done);
                System.arraycopy(a, done, staging, 0, len);
                copyArgs[0] = r.offset + done;
                copyArgs[1] = len;
                grids[UPLOAD].setGlobalWork(len, 1, 1);
                plan.withGraph(UPLOAD).execute();
            }
            r.state = ArenaRegions.State.IN_SYNC;
            uploads++;
            floatsUp += r.length;
        }
        return r.offset;
    }

    /**
     * Brings the device's newest values home and forgets every region; the arena doubles (up to {@link #maxCapacity})
     * so that a step's working set soon fits, and grows at least to twice what one operation needs.
     */
    private void flush(long live) {
        if (live > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("one operation needs " + live + " floats, more than a Java array holds");
        }
        forgetRegions();
        long capacity = Math.max(Math.min(2L * arena.length, maxCapacity), 2 * live);
        if (capacity > arena.length) {
            release();
            build((int) Math.min(capacity, Integer.MAX_VALUE - 8));
        }
    }

    /** Every region's newest values home, then no region: the arena's contents may be dropped or rebuilt. */
    private void forgetRegions() {
        synchronizeHost();
        regions.clear(arena.length);
        flushes++;
    }

    private void build(int capacity) {
        arena = new float[capacity];
        regions.clear(capacity);
        String prefix = "arena" + ARENA_COUNTER.getAndIncrement() + "_";
        List<String> names = new ArrayList<>(List.of(prefix + "init", prefix + "upload", prefix + "download"));
        List<TaskGraph> graphs = new ArrayList<>();
        graphs.add(new TaskGraph(names.get(INIT))
                .transferToDevice(EVERY_EXECUTION, arena, scratchA, scratchB)
                .task("t0", ArenaKernels::keep, arena)
                .persistOnDevice(arena, scratchA, scratchB));
        graphs.add(new TaskGraph(names.get(UPLOAD))
                .consumeFromDevice(arena, scratchA, scratchB)
                .transferToDevice(EVERY_EXECUTION, staging, copyArgs)
                .task("t0", ArenaKernels::copyIn, staging, arena, copyArgs)
                .persistOnDevice(arena, scratchA, scratchB));
        graphs.add(new TaskGraph(names.get(DOWNLOAD))
                .consumeFromDevice(arena, scratchA, scratchB)
                .transferToDevice(EVERY_EXECUTION, copyArgs)
                .task("t0", ArenaKernels::copyOut, arena, staging, copyArgs)
                .transferToHost(EVERY_EXECUTION, staging)
                .persistOnDevice(arena, scratchA, scratchB));
        for (Kernel kernel : kernels) {
            String name = prefix + kernel.name();
            names.add(name);
            TaskGraph g = new TaskGraph(name)
                    .consumeFromDevice(arena, scratchA, scratchB)
                    .transferToDevice(EVERY_EXECUTION, args, scalars, doubles);
            g = kernel.task().apply(g, new Object[] {arena, args, scalars, context, scratchA, scratchB, doubles});
            graphs.add(g.persistOnDevice(arena, scratchA, scratchB));
        }
        GridScheduler scheduler = new GridScheduler();
        grids = new WorkerGrid[graphs.size()];
        for (int i = 0; i < graphs.size(); i++) {
            boolean twoD = i >= FIRST_KERNEL && kernels.get(i - FIRST_KERNEL).dimensions() == 2;
            grids[i] = twoD ? new WorkerGrid2D(1, 1) : new WorkerGrid1D(1);
            scheduler.addWorkerGrid(names.get(i) + ".t0", grids[i]);
        }
        ImmutableTaskGraph[] snapshots = new ImmutableTaskGraph[graphs.size()];
        for (int i = 0; i < snapshots.length; i++) {
            snapshots[i] = graphs.get(i).snapshot();
        }
        plan = DevicePlans.create(device, scheduler, snapshots);
        plan.withGraph(INIT).execute();
    }

    private void release() {
        DevicePlans.close(plan, "the arena");
        plan = null;
    }

    /** Brings the device's newest values home, then frees the device memory (also when that fails). */
    @Override
    public void close() {
        try {
            synchronizeHost();
        } finally {
            release();
            regions.clear(0);
        }
    }
}
