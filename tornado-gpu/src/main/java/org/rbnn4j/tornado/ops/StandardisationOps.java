package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.tornado.kernels.StandardisationKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** The binary layers' per-run standardisation and its sign backward on the device ({@link StandardisationKernels}). */
public final class StandardisationOps {
    private StandardisationOps() {
    }

    /** {@code ComputeBackend.standardiseRuns}: {@code xhat} and/or {@code signs} (null: not wanted) and {@code invStd}. */
    public static final class Standardise extends DeviceOperation {
        private final int[] dims = new int[StandardisationKernels.DIMS];
        private float[] x;
        private float[] xhat;
        private float[] signs;
        private float[] invStd;

        public Standardise(TornadoDevice device) {
            super(device, "standardise_runs");
        }

        public void run(float[] xIn, int runs, int len, float[] xhatOut, float[] signsOut, float[] invStdOut) {
            int size = Math.multiplyExact(runs, len);
            reserve(size, runs);
            System.arraycopy(xIn, 0, x, 0, size);
            dims[StandardisationKernels.RUNS] = runs;
            dims[StandardisationKernels.LEN] = len;
            dims[StandardisationKernels.WRITE_XHAT] = xhatOut != null ? 1 : 0;
            dims[StandardisationKernels.WRITE_SIGNS] = signsOut != null ? 1 : 0;
            execute(new long[] {runs});
            // xhat before signs: the SPI lets signs be xhat (only the signs remain) or x.
            if (xhatOut != null) {
                System.arraycopy(xhat, 0, xhatOut, 0, size);
            }
            if (signsOut != null) {
                System.arraycopy(signs, 0, signsOut, 0, size);
            }
            System.arraycopy(invStd, 0, invStdOut, 0, runs);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            xhat = new float[capacities[0]];
            signs = new float[capacities[0]];
            invStd = new float[capacities[1]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, dims)
                    .task("t0", StandardisationKernels::standardise, x, xhat, signs, invStd, dims)
                    .transferToHost(EVERY_EXECUTION, xhat, signs, invStd);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /** {@code ComputeBackend.standardiseRunsSignBackward}, in place on {@code grad}. */
    public static final class SignBackward extends DeviceOperation {
        private final int[] dims = new int[StandardisationKernels.DIMS];
        private final float[] surrogate = new float[3];
        private float[] xhat;
        private float[] invStd;
        private float[] grad;

        public SignBackward(TornadoDevice device) {
            super(device, "standardise_sign_backward");
        }

        public void run(float[] xhatIn, int runs, int len, float[] invStdIn, float peak, float slope, float scale,
                        float[] gradInOut) {
            int size = Math.multiplyExact(runs, len);
            reserve(size, runs);
            System.arraycopy(xhatIn, 0, xhat, 0, size);
            System.arraycopy(invStdIn, 0, invStd, 0, runs);
            System.arraycopy(gradInOut, 0, grad, 0, size);
            dims[StandardisationKernels.RUNS] = runs;
            dims[StandardisationKernels.LEN] = len;
            surrogate[0] = peak;
            surrogate[1] = slope;
            surrogate[2] = scale;
            execute(new long[] {runs});
            System.arraycopy(grad, 0, gradInOut, 0, size);
        }

        @Override
        protected void allocate(int[] capacities) {
            xhat = new float[capacities[0]];
            grad = new float[capacities[0]];
            invStd = new float[capacities[1]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, xhat, invStd, grad, dims, surrogate)
                    .task("t0", StandardisationKernels::signBackward, xhat, invStd, grad, dims, surrogate)
                    .transferToHost(EVERY_EXECUTION, grad);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }
}
