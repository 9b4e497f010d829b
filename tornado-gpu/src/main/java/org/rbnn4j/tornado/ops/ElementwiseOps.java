package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.tornado.kernels.ElementwiseKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** The element-wise operations on the device: hardtanh forward and backward, and the SGD update. */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    /** {@code y = clamp(x, -1, 1)}; {@code y} may be {@code x}. */
    public static final class HardtanhForward extends DeviceOperation {
        private final int[] length = new int[1];
        private float[] x;
        private float[] y;

        public HardtanhForward(TornadoDevice device) {
            super(device, "hardtanh_forward");
        }

        public void run(float[] xIn, float[] yOut, int len) {
            reserve(len);
            System.arraycopy(xIn, 0, x, 0, len);
            length[0] = len;
            execute(new long[] {len});
            System.arraycopy(y, 0, yOut, 0, len);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            y = new float[capacities[0]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, length)
                    .task("t0", ElementwiseKernels::hardtanhForward, x, y, length)
                    .transferToHost(EVERY_EXECUTION, y);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /** {@code dx = dy} where {@code -1 <= x <= 1}, else 0. */
    public static final class HardtanhBackward extends DeviceOperation {
        private final int[] length = new int[1];
        private float[] x;
        private float[] dy;
        private float[] dx;

        public HardtanhBackward(TornadoDevice device) {
            super(device, "hardtanh_backward");
        }

        public void run(float[] xIn, float[] dyIn, float[] dxOut, int len) {
            reserve(len);
            System.arraycopy(xIn, 0, x, 0, len);
            System.arraycopy(dyIn, 0, dy, 0, len);
            length[0] = len;
            execute(new long[] {len});
            System.arraycopy(dx, 0, dxOut, 0, len);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            dy = new float[capacities[0]];
            dx = new float[capacities[0]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, dy, length)
                    .task("t0", ElementwiseKernels::hardtanhBackward, x, dy, dx, length)
                    .transferToHost(EVERY_EXECUTION, dx);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /** One SGD step with momentum and weight decay, PyTorch semantics; updates {@code w} and {@code velocity}. */
    public static final class Sgd extends DeviceOperation {
        private final int[] length = new int[1];
        private final float[] hyper = new float[3];
        private float[] w;
        private float[] g;
        private float[] v;

        public Sgd(TornadoDevice device) {
            super(device, "sgd_update");
        }

        public void run(float[] wInOut, float[] gIn, float[] velocityInOut, int len, float lr, float momentum,
                        float weightDecay) {
            reserve(len);
            System.arraycopy(wInOut, 0, w, 0, len);
            System.arraycopy(gIn, 0, g, 0, len);
            System.arraycopy(velocityInOut, 0, v, 0, len);
            length[0] = len;
            hyper[0] = lr;
            hyper[1] = momentum;
            hyper[2] = weightDecay;
            execute(new long[] {len});
            System.arraycopy(w, 0, wInOut, 0, len);
            System.arraycopy(v, 0, velocityInOut, 0, len);
        }

        @Override
        protected void allocate(int[] capacities) {
            w = new float[capacities[0]];
            g = new float[capacities[0]];
            v = new float[capacities[0]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, w, g, v, length, hyper)
                    .task("t0", ElementwiseKernels::sgdUpdate, w, g, v, length, hyper)
                    .transferToHost(EVERY_EXECUTION, w, v);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }
}
