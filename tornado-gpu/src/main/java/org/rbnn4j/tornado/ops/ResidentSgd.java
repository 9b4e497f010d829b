package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;
import static uk.ac.manchester.tornado.api.enums.DataTransferMode.UNDER_DEMAND;

import java.util.concurrent.atomic.AtomicInteger;
import org.rbnn4j.tornado.kernels.ElementwiseKernels;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * The SGD step of a whole optimiser with its velocities resident on the device: one launch per step over all
 * parameters laid end to end, in which only the weights and gradients travel (weights both ways, gradients in); the
 * velocities stay in one device buffer from step to step and come back to their host arrays only when asked
 * ({@link #synchronizeHost}: checkpoints, closing).
 *
 * <p>One execution plan of two task graphs sharing the velocity buffer:
 * <ul>
 *   <li>{@code upload}: the host's velocities to the device ({@code EVERY_EXECUTION}), persisted. Runs before the first
 *       step and after the host has changed them ({@link #markHostWritten}: velocities loaded from a checkpoint);</li>
 *   <li>{@code step}: consumes the velocity buffer from the graph executed before it (the upload, or the previous
 *       step: TornadoVM hands a consumed buffer over from the plan's last executed graph), updates weights and
 *       velocities with the same per-element arithmetic as every backend ({@code ElementwiseReference.sgdStep}),
 *       sends the weights back and keeps the velocities ({@code UNDER_DEMAND}).</li>
 * </ul>
 * The layout (which host arrays, at which offsets) is fixed by the first step's arrays; a step with other arrays
 * (another optimiser) first brings the resident velocities home, then lays out and uploads the new ones.
 *
 * <p>Not thread-safe: {@code TornadoBackend} serialises the calls.
 */
public final class ResidentSgd implements AutoCloseable {
    private static final AtomicInteger GRAPH_COUNTER = new AtomicInteger();

    private final TornadoDevice device;
    private final int[] length = new int[1];
    private final float[] hyper = new float[3];
    /** The host velocity arrays of the current layout, in order, and where each starts in {@link #velocities}. */
    private float[][] hostVelocities = new float[0][];
    private int[] offsets = new int[0];
    private float[] weights;
    private float[] grads;
    /** Host mirror of the device's velocity buffer, current only right after an upload or a synchronisation. */
    private float[] velocities;
    private TornadoExecutionPlan plan;
    private TornadoExecutionResult lastStep;
    private boolean hostIsNewer = true;
    private boolean deviceIsNewer;
    private long builds;
    private long steps;
    private long uploads;
    private long downloads;
    private long stepNanos;
    private long planNanos;

    public ResidentSgd(TornadoDevice device) {
        this.device = device;
    }

    /**
     * One SGD step of every {@code weights[i]} (whole arrays) from {@code grads[i]} with velocity {@code velocities[i]}.
     */
    public void step(float[][] weightArrays, float[][] gradArrays, float[][] velocityArrays, float lr, float momentum,
                     float weightDecay) {
        long start = System.nanoTime();
        if (!sameLayout(velocityArrays)) {
            layOut(velocityArrays);
        }
        int total = length[0];
        if (total == 0) {
            return;
        }
        for (int i = 0; i < weightArrays.length; i++) {
            int len = hostVelocities[i].length;
            if (weightArrays[i].length != len || gradArrays[i].length != len) {
                throw new IllegalArgumentException("parameter " + i + ": weights " + weightArrays[i].length
                        + ", gradients " + gradArrays[i].length + ", velocity " + len + " values");
            }
            System.arraycopy(weightArrays[i], 0, weights, offsets[i], len);
            System.arraycopy(gradArrays[i], 0, grads, offsets[i], len);
        }
        hyper[0] = lr;
        hyper[1] = momentum;
        hyper[2] = weightDecay;
        long planStart = System.nanoTime();
        if (hostIsNewer) {
            for (int i = 0; i < hostVelocities.length; i++) {
                System.arraycopy(hostVelocities[i], 0, velocities, offsets[i], hostVelocities[i].length);
            }
            plan.withGraph(0).execute();
            hostIsNewer = false;
            uploads++;
        }
        lastStep = plan.withGraph(1).execute();
        planNanos += System.nanoTime() - planStart;
        deviceIsNewer = true;
        for (int i = 0; i < weightArrays.length; i++) {
            System.arraycopy(weights, offsets[i], weightArrays[i], 0, hostVelocities[i].length);
        }
        steps++;
        stepNanos += System.nanoTime() - start;
    }

    /** Copies the device's velocities to their host arrays if the device has newer ones. */
    public void synchronizeHost() {
        if (!deviceIsNewer) {
            return;
        }
        long start = System.nanoTime();
        lastStep.transferToHost(velocities);
        for (int i = 0; i < hostVelocities.length; i++) {
            System.arraycopy(velocities, offsets[i], hostVelocities[i], 0, hostVelocities[i].length);
        }
        deviceIsNewer = false;
        downloads++;
        planNanos += System.nanoTime() - start;
    }

    /** Brings the velocities home if any of {@code arrays} is one of them and the device holds newer values. */
    public void syncToHost(float[]... arrays) {
        for (float[] a : arrays) {
            for (float[] v : hostVelocities) {
                if (v == a) {
                    synchronizeHost();
                    return;
                }
            }
        }
    }

    /**
     * The host has written {@code arrays}: if any is a resident velocity, the next step uploads the host's velocities
     * first. Velocities the host did not write but the device holds newer are brought home before (without touching
     * the written arrays), so that the upload carries the newest value of every one.
     */
    public void markHostWritten(float[]... arrays) {
        boolean[] written = new boolean[hostVelocities.length];
        boolean any = false;
        for (float[] a : arrays) {
            for (int i = 0; i < hostVelocities.length; i++) {
                if (hostVelocities[i] == a) {
                    written[i] = true;
                    any = true;
                }
            }
        }
        if (!any) {
            return;
        }
        if (deviceIsNewer) {
            long start = System.nanoTime();
            lastStep.transferToHost(velocities);
            for (int i = 0; i < hostVelocities.length; i++) {
                if (!written[i]) {
                    System.arraycopy(velocities, offsets[i], hostVelocities[i], 0, hostVelocities[i].length);
                }
            }
            deviceIsNewer = false;
            downloads++;
            planNanos += System.nanoTime() - start;
        }
        hostIsNewer = true;
    }

    /** {@code {builds, steps, uploads, downloads, nanoseconds in steps, nanoseconds in the plan}}. */
    public long[] counters() {
        return new long[] {builds, steps, uploads, downloads, stepNanos, planNanos};
    }

    private boolean sameLayout(float[][] velocityArrays) {
        if (plan == null || velocityArrays.length != hostVelocities.length) {
            return false;
        }
        for (int i = 0; i < velocityArrays.length; i++) {
            if (velocityArrays[i] != hostVelocities[i]) {
                return false;
            }
        }
        return true;
    }

    /** Brings the old layout's velocities home, then lays the new arrays end to end and builds the plan for them. */
    private void layOut(float[][] velocityArrays) {
        synchronizeHost();
        release();
        int n = velocityArrays.length;
        int[] next = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            next[i] = total;
            total = Math.addExact(total, velocityArrays[i].length);
        }
        hostVelocities = velocityArrays.clone();
        offsets = next;
        length[0] = total;
        hostIsNewer = true;
        deviceIsNewer = false;
        if (total == 0) {
            return;
        }
        weights = new float[total];
        grads = new float[total];
        velocities = new float[total];
        String name = "sgd_resident_" + GRAPH_COUNTER.getAndIncrement();
        TaskGraph upload = new TaskGraph(name + "_upload")
                .transferToDevice(EVERY_EXECUTION, velocities)
                .task("t0", ElementwiseKernels::keepResident, velocities)
                .persistOnDevice(velocities);
        TaskGraph step = new TaskGraph(name)
                .consumeFromDevice(velocities)
                .transferToDevice(EVERY_EXECUTION, weights, grads, length, hyper)
                .task("t0", ElementwiseKernels::sgdUpdate, weights, grads, velocities, length, hyper)
                .transferToHost(EVERY_EXECUTION, weights)
                .persistOnDevice(velocities)
                .transferToHost(UNDER_DEMAND, velocities);
        // The layout fixes both grids: one work item for the upload's task, one per value for the step.
        GridScheduler scheduler = new GridScheduler();
        scheduler.addWorkerGrid(name + "_upload.t0", new WorkerGrid1D(1));
        scheduler.addWorkerGrid(name + ".t0", new WorkerGrid1D(total));
        plan = DevicePlans.create(device, scheduler, upload.snapshot(), step.snapshot());
        builds++;
    }

    private void release() {
        DevicePlans.close(plan, "the SGD velocities");
        plan = null;
        lastStep = null;
    }

    /** Brings the velocities home, then frees the device memory (also when bringing them home fails). */
    @Override
    public void close() {
        try {
            synchronizeHost();
        } finally {
            release();
            hostVelocities = new float[0][];
            offsets = new int[0];
            hostIsNewer = true;
            deviceIsNewer = false;
        }
    }
}
