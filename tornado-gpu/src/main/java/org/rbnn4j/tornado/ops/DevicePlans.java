package org.rbnn4j.tornado.ops;

import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Execution plans as every device operation of this module builds and frees them (the staged operations, the
 * resident SGD state, the resident arena): on one device, with a grid per task, compiled with {@link #OPENCL_FLAGS}.
 */
public final class DevicePlans {
    /**
     * OpenCL build options: TornadoVM's default adds {@code -cl-mad-enable -cl-fast-relaxed-math}, which lets the
     * driver use approximate division and ignore NaN/infinity rules; without them the device keeps IEEE float semantics
     * like the JVM (contractions into fused multiply-adds stay possible, see {@code TornadoSettings}). Even then OpenCL
     * allows single-precision division and square root 2.5 and 3 ulp of error: {@code
     * -cl-fp32-correctly-rounded-divide-sqrt} asks for the correctly rounded results Java computes (on an NVIDIA H200,
     * without it, {@code dy / hw} of the global average gradient came out one ulp off for some quotients).
     */
    public static final String OPENCL_FLAGS = "-cl-fp32-correctly-rounded-divide-sqrt -w";

    private DevicePlans() {
    }

    /** A plan of {@code graphs} on {@code device} with the grids of {@code scheduler}. */
    public static TornadoExecutionPlan create(TornadoDevice device, GridScheduler scheduler,
                                              ImmutableTaskGraph... graphs) {
        return new TornadoExecutionPlan(graphs)
                .withDevice(device)
                .withGridScheduler(scheduler)
                .withCompilerFlags(TornadoVMBackendType.OPENCL, OPENCL_FLAGS);
    }

    /** Frees {@code plan}'s device memory (nothing if null); {@code owner} names it in the error. */
    public static void close(TornadoExecutionPlan plan, String owner) {
        if (plan == null) {
            return;
        }
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("TornadoVM could not free the device memory of " + owner, e);
        }
    }
}
