package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * The TornadoVM pattern that keeping parameters on the device across training steps will rest on (issue: parameters,
 * gradients and optimiser state resident; not built yet), checked on the installed SDK with the {@code float[]} arrays
 * the compute SPI passes: one execution plan of several task graphs, each consuming from the graph before it
 * ({@code consumeFromDevice}) and persisting what later graphs need ({@code persistOnDevice}), resident arrays passed
 * through every graph of the chain. A parameter transferred once ({@code FIRST_EXECUTION}) and updated on the device
 * by a later graph is read updated by the first graph at the next step, its host array untouched until fetched on
 * demand ({@code UNDER_DEMAND} plus {@link TornadoExecutionResult#transferToHost}).
 *
 * <p>Found while writing this (TornadoVM 5.2, PoCL): two graphs consuming from the same producer fail in the plan's
 * allocation step (NullPointerException in {@code TornadoVMInterpreter.executeAlloc}), hence the pass-through chain; a
 * kernel method named like an OpenCL built-in ({@code clamp}, {@code step}) fails to build ({@code clCreateKernel} -46,
 * then a crash in the driver at launch).
 */
class ResidencyPatternTest {
    private static final int N = 4096;
    private static final float[] W0 = {0.5f, 1f, 2f, 4f};
    private static final float LR = 0.25f;

    /** "Forward": {@code y = x * w[i % 4]}. */
    public static void forwardKernel(float[] x, float[] w, float[] y, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            y[i] = x[i] * w[i % 4];
        }
    }

    /** "Activation": {@code z = hardtanh(y)}. */
    public static void hardtanhKernel(float[] y, float[] z, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = y[i];
            if (v < -1f) {
                v = -1f;
            }
            if (v > 1f) {
                v = 1f;
            }
            z[i] = v;
        }
    }

    /** "SGD": {@code w -= lr}. */
    public static void sgdKernel(float[] w, float lr) {
        for (@Parallel int i = 0; i < 4; i++) {
            w[i] = w[i] - lr;
        }
    }

    @Test
    void aParameterUpdatedOnTheDeviceStaysThereAcrossStepsAndComesBackOnDemand()
            throws TornadoExecutionPlanException {
        TestDevice.backend();
        TornadoDevice device = TornadoDevices.select(System.getProperty(TornadoDevices.DEVICE_PROPERTY));
        float[] x = new float[N];
        float[] y = new float[N];
        float[] z = new float[N];
        float[] w = W0.clone();
        for (int i = 0; i < N; i++) {
            x[i] = (i % 100) / 100f;
        }
        TaskGraph forward = new TaskGraph("resident_fwd")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .task("t0", ResidencyPatternTest::forwardKernel, x, w, y, N)
                .persistOnDevice(y, w);
        TaskGraph activation = new TaskGraph("resident_act")
                .consumeFromDevice("resident_fwd", y, w)
                .task("t1", ResidencyPatternTest::hardtanhKernel, y, z, N)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, z)
                .persistOnDevice(w);
        TaskGraph update = new TaskGraph("resident_sgd")
                .consumeFromDevice("resident_act", w)
                .task("t2", ResidencyPatternTest::sgdKernel, w, LR)
                .persistOnDevice(w)
                .transferToHost(DataTransferMode.UNDER_DEMAND, w);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(forward.snapshot(), activation.snapshot(),
                update.snapshot()).withDevice(device)) {
            for (int s = 0; s < 3; s++) {
                plan.withGraph(0).execute();
                plan.withGraph(1).execute();
                TornadoExecutionResult result = plan.withGraph(2).execute();
                for (int i = 0; i < N; i++) {
                    // step s reads the weights after s device updates
                    float expected = Math.max(-1f, Math.min(1f, x[i] * (W0[i % 4] - LR * s)));
                    assertThat(z[i]).as("step %d element %d", s, i).isEqualTo(expected);
                }
                if (s == 0) {
                    assertThat(w).as("host weights untouched while the device updates its copy").containsExactly(W0);
                }
                if (s == 1) {
                    result.transferToHost(w);
                    assertThat(w).as("fetched on demand after two updates")
                            .containsExactly(W0[0] - 2 * LR, W0[1] - 2 * LR, W0[2] - 2 * LR, W0[3] - 2 * LR);
                }
            }
        }
    }
}
