package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * The TornadoVM pattern the device-resident training step is to rest on, checked on the installed SDK: one device
 * buffer (the <em>arena</em>) holds every array of a step at fixed offsets, and every operation is a task graph of one
 * execution plan that reads and writes the arena at offsets passed in a small {@code int[]} per call, consuming the
 * arena from whichever graph ran last and persisting it for the next. Host arrays reach it through an upload graph
 * (a staging array copied into a region) and come back through a download graph (a region copied into a staging
 * array), only when the residency protocol asks ({@code syncToHost} / {@code markHostWritten}).
 *
 * <p>Checked here: any order of graphs (operations repeated, interleaved, uploads between them) sees the arena as the
 * last graph left it; regions not uploaded keep their device values; the arena never travels after its first upload.
 * Unlike {@link ResidencyPatternTest} (arrays bound to graphs), the graphs here do not depend on which arrays a layer
 * holds, so one compiled graph per operation serves every layer (no per-layer compilation).
 */
class ArenaPatternTest {
    private static final int ARENA = 1 << 14;
    private static final int STAGING = 1 << 12;

    /** The task of the first graph: leaves the freshly transferred arena as it is. */
    public static void keep(float[] arena) {
        for (@Parallel int i = 0; i < 1; i++) {
            arena[i] = arena[i];
        }
    }

    /** {@code arena[args[0] + i] = staging[i]} for {@code i < args[1]}. */
    public static void copyIn(float[] staging, float[] arena, int[] args) {
        int off = args[0];
        for (@Parallel int i = 0; i < args[1]; i++) {
            arena[off + i] = staging[i];
        }
    }

    /** {@code staging[i] = arena[args[0] + i]} for {@code i < args[1]}. */
    public static void copyOut(float[] arena, float[] staging, int[] args) {
        int off = args[0];
        for (@Parallel int i = 0; i < args[1]; i++) {
            staging[i] = arena[off + i];
        }
    }

    /** An operation on regions: {@code z = clamp(x, -1, 1) * w}, offsets {@code x, w, z} and length in {@code args}. */
    public static void clampTimes(float[] arena, int[] args) {
        int x = args[0];
        int w = args[1];
        int z = args[2];
        for (@Parallel int i = 0; i < args[3]; i++) {
            arena[z + i] = Math.min(1f, Math.max(-1f, arena[x + i])) * arena[w + i];
        }
    }

    /** Another: {@code z += x} (in place, as an SGD step updates weights). */
    public static void accumulate(float[] arena, int[] args) {
        int x = args[0];
        int z = args[2];
        for (@Parallel int i = 0; i < args[3]; i++) {
            arena[z + i] = arena[z + i] + arena[x + i];
        }
    }

    private static final class Arena implements AutoCloseable {
        final float[] arena = new float[ARENA];
        final float[] staging = new float[STAGING];
        final int[] upArgs = new int[2];
        final int[] downArgs = new int[2];
        final int[] opArgs = new int[4];
        final WorkerGrid1D upGrid = new WorkerGrid1D(1);
        final WorkerGrid1D downGrid = new WorkerGrid1D(1);
        final WorkerGrid1D opGrid = new WorkerGrid1D(1);
        final WorkerGrid1D accGrid = new WorkerGrid1D(1);
        final TornadoExecutionPlan plan;
        int uploads;
        int downloads;

        Arena(TornadoDevice device) {
            TaskGraph init = new TaskGraph("arena_init")
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, arena)
                    .task("t0", ArenaPatternTest::keep, arena)
                    .persistOnDevice(arena);
            TaskGraph upload = new TaskGraph("arena_upload")
                    .consumeFromDevice(arena)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, staging, upArgs)
                    .task("t0", ArenaPatternTest::copyIn, staging, arena, upArgs)
                    .persistOnDevice(arena);
            TaskGraph download = new TaskGraph("arena_download")
                    .consumeFromDevice(arena)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, downArgs)
                    .task("t0", ArenaPatternTest::copyOut, arena, staging, downArgs)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, staging)
                    .persistOnDevice(arena);
            TaskGraph op = new TaskGraph("arena_op")
                    .consumeFromDevice(arena)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, opArgs)
                    .task("t0", ArenaPatternTest::clampTimes, arena, opArgs)
                    .persistOnDevice(arena);
            TaskGraph acc = new TaskGraph("arena_acc")
                    .consumeFromDevice(arena)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, opArgs)
                    .task("t0", ArenaPatternTest::accumulate, arena, opArgs)
                    .persistOnDevice(arena);
            GridScheduler grids = new GridScheduler();
            grids.addWorkerGrid("arena_init.t0", new WorkerGrid1D(1));
            grids.addWorkerGrid("arena_upload.t0", upGrid);
            grids.addWorkerGrid("arena_download.t0", downGrid);
            grids.addWorkerGrid("arena_op.t0", opGrid);
            grids.addWorkerGrid("arena_acc.t0", accGrid);
            plan = new TornadoExecutionPlan(init.snapshot(), upload.snapshot(), download.snapshot(), op.snapshot(),
                    acc.snapshot()).withDevice(device).withGridScheduler(grids);
            plan.withGraph(0).execute();
        }

        void upload(float[] host, int offset) {
            System.arraycopy(host, 0, staging, 0, host.length);
            upArgs[0] = offset;
            upArgs[1] = host.length;
            upGrid.setGlobalWork(host.length, 1, 1);
            plan.withGraph(1).execute();
            uploads++;
        }

        float[] download(int offset, int length) {
            downArgs[0] = offset;
            downArgs[1] = length;
            downGrid.setGlobalWork(length, 1, 1);
            plan.withGraph(2).execute();
            downloads++;
            float[] out = new float[length];
            System.arraycopy(staging, 0, out, 0, length);
            return out;
        }

        void clampTimes(int x, int w, int z, int length) {
            opArgs[0] = x;
            opArgs[1] = w;
            opArgs[2] = z;
            opArgs[3] = length;
            opGrid.setGlobalWork(length, 1, 1);
            plan.withGraph(3).execute();
        }

        void accumulate(int x, int z, int length) {
            opArgs[0] = x;
            opArgs[1] = 0;
            opArgs[2] = z;
            opArgs[3] = length;
            accGrid.setGlobalWork(length, 1, 1);
            plan.withGraph(4).execute();
        }

        @Override
        public void close() throws TornadoExecutionPlanException {
            plan.close();
        }
    }

    @Test
    void operationsOnRegionsOfOneResidentBufferSeeEachOthersResults() throws TornadoExecutionPlanException {
        TestDevice.backend();
        TornadoDevice device = TornadoDevices.select(System.getProperty(TornadoDevices.DEVICE_PROPERTY));
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1000;
        // Regions: x at 0, w at 1024, z at 2048, u at 3072 (a "weight" updated in place by accumulate).
        float[] x = TestDevice.random(rnd, n);
        float[] w = TestDevice.random(rnd, n);
        float[] u = TestDevice.random(rnd, n);
        for (int i = 0; i < n; i++) {
            x[i] *= 3f;
        }
        float[] z = new float[n];
        float[] uHost = u.clone();
        try (Arena arena = new Arena(device)) {
            arena.upload(x, 0);
            arena.upload(w, 1024);
            arena.upload(u, 3072);
            for (int step = 0; step < 3; step++) {
                arena.clampTimes(0, 1024, 2048, n);   // z = clamp(x) * w
                arena.accumulate(2048, 3072, n);      // u += z, on the device only
                arena.clampTimes(0, 1024, 2048, n);   // the same operation again, after another one
                for (int i = 0; i < n; i++) {
                    z[i] = Math.min(1f, Math.max(-1f, x[i])) * w[i];
                    uHost[i] += z[i];
                }
                if (step == 1) {
                    // The host changes x between steps (a new batch): one upload of that region only.
                    for (int i = 0; i < n; i++) {
                        x[i] = -x[i];
                    }
                    arena.upload(x, 0);
                }
            }
            assertThat(arena.download(2048, n)).as("z after three steps").containsExactly(z);
            assertThat(arena.download(3072, n)).as("u, updated only on the device").containsExactly(uHost);
            assertThat(arena.download(1024, n)).as("w, never written by an operation").containsExactly(w);
            assertThat(arena.arena).as("the arena itself never came back to the host").containsOnly(0f);
            assertThat(arena.uploads).isEqualTo(4);
            assertThat(arena.downloads).isEqualTo(3);
        }
    }
}
