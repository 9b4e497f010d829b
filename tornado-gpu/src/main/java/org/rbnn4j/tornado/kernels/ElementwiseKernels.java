package org.rbnn4j.tornado.kernels;

import org.rbnn4j.core.compute.kernels.ElementwiseReference;
import uk.ac.manchester.tornado.api.annotations.Parallel;

/**
 * Element-wise kernels around {@code ElementwiseReference}; {@code length[0]} is the number of elements (grid size).
 */
public final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    /** {@code y = hardtanh(x)}. */
    public static void hardtanhForward(float[] x, float[] y, int[] length) {
        int len = length[0];
        for (@Parallel int i = 0; i < len; i++) {
            y[i] = ElementwiseReference.hardtanh(x[i]);
        }
    }

    /** {@code dx = dy} on {@code [-1, 1]}, else 0. */
    public static void hardtanhBackward(float[] x, float[] dy, float[] dx, int[] length) {
        int len = length[0];
        for (@Parallel int i = 0; i < len; i++) {
            dx[i] = ElementwiseReference.hardtanhGrad(x[i], dy[i]);
        }
    }

    /** One SGD step per element; {@code hyper} holds {@code lr, momentum, weightDecay}. */
    public static void sgdUpdate(float[] w, float[] g, float[] v, int[] length, float[] hyper) {
        int len = length[0];
        float lr = hyper[0];
        float momentum = hyper[1];
        float weightDecay = hyper[2];
        for (@Parallel int i = 0; i < len; i++) {
            ElementwiseReference.sgdStep(w, g, v, i, lr, momentum, weightDecay);
        }
    }

    /**
     * The task of the graph that uploads resident velocities: a task graph needs one, and this one leaves the buffer as
     * it is (one work item rewrites element 0 with itself).
     */
    public static void keepResident(float[] v) {
        for (@Parallel int i = 0; i < 1; i++) {
            v[i] = v[i];
        }
    }
}
