package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;
import static uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION;

import org.rbnn4j.tornado.kernels.RotationDeviceKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * The device halves of one bi-rotation step (the SVDs between them run on the host) and the rotation itself, over
 * {@code filters} filters of {@code a x b} values ({@link RotationDeviceKernels}).
 */
public final class RotationOps {
    private RotationOps() {
    }

    private static void describe(int[] dims, int filters, int a, int b) {
        dims[RotationDeviceKernels.FILTERS] = filters;
        dims[RotationDeviceKernels.ROWS] = a;
        dims[RotationDeviceKernels.COLS] = b;
    }

    /** {@code B_j = sign(R1^T X_j R2)} and {@code D1 = sum_j B_j (X_j R2)^T}: the first half of a step. */
    public static final class Signs extends DeviceOperation {
        private final int[] dims = new int[RotationDeviceKernels.DIMS];
        private float[] x;
        private float[] r1;
        private float[] r2;
        private float[] y;
        private float[] signs;
        private double[] d1;

        public Signs(TornadoDevice device) {
            super(device, "rotation_signs");
        }

        public void run(float[] xIn, float[] r1In, float[] r2In, int filters, int a, int b, float[] signsOut, double[] d1Out) {
            int size = filters * a * b;
            reserve(size, a * a, b * b);
            System.arraycopy(xIn, 0, x, 0, size);
            System.arraycopy(r1In, 0, r1, 0, a * a);
            System.arraycopy(r2In, 0, r2, 0, b * b);
            describe(dims, filters, a, b);
            execute(new long[] {size}, new long[] {size}, new long[] {(long) a * a});
            System.arraycopy(signs, 0, signsOut, 0, size);
            System.arraycopy(d1, 0, d1Out, 0, a * a);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            y = new float[capacities[0]];
            signs = new float[capacities[0]];
            r1 = new float[capacities[1]];
            d1 = new double[capacities[1]];
            r2 = new float[capacities[2]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, r1, r2, dims)
                    .transferToDevice(FIRST_EXECUTION, y)
                    .task("t0", RotationDeviceKernels::rightMultiply, x, r2, y, dims)
                    .task("t1", RotationDeviceKernels::rotatedSigns, r1, y, signs, dims)
                    .task("t2", RotationDeviceKernels::leftCorrelation, signs, y, d1, dims)
                    .transferToHost(EVERY_EXECUTION, signs, d1);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1, 1, 1};
        }
    }

    /** {@code D2 = sum_j X_j^T (R1 B_j)} with the new {@code R1}: the second half of a step. */
    public static final class RightCorrelation extends DeviceOperation {
        private final int[] dims = new int[RotationDeviceKernels.DIMS];
        private float[] x;
        private float[] r1;
        private float[] signs;
        private float[] z;
        private double[] d2;

        public RightCorrelation(TornadoDevice device) {
            super(device, "rotation_right_correlation");
        }

        public void run(float[] xIn, float[] r1In, float[] signsIn, int filters, int a, int b, double[] d2Out) {
            int size = filters * a * b;
            reserve(size, a * a, b * b);
            System.arraycopy(xIn, 0, x, 0, size);
            System.arraycopy(r1In, 0, r1, 0, a * a);
            System.arraycopy(signsIn, 0, signs, 0, size);
            describe(dims, filters, a, b);
            execute(new long[] {size}, new long[] {(long) b * b});
            System.arraycopy(d2, 0, d2Out, 0, b * b);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            signs = new float[capacities[0]];
            z = new float[capacities[0]];
            r1 = new float[capacities[1]];
            d2 = new double[capacities[2]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, r1, signs, dims)
                    .transferToDevice(FIRST_EXECUTION, z)
                    .task("t0", RotationDeviceKernels::leftMultiply, r1, signs, z, dims)
                    .task("t1", RotationDeviceKernels::rightCorrelation, x, z, d2, dims)
                    .transferToHost(EVERY_EXECUTION, d2);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1, 1};
        }
    }

    /** {@code out_j = R1^T X_j R2} for every filter. */
    public static final class Rotate extends DeviceOperation {
        private final int[] dims = new int[RotationDeviceKernels.DIMS];
        private float[] x;
        private float[] r1;
        private float[] r2;
        private float[] y;
        private float[] out;

        public Rotate(TornadoDevice device) {
            super(device, "rotation_apply");
        }

        public void run(float[] xIn, float[] r1In, float[] r2In, int filters, int a, int b, float[] outArray) {
            int size = filters * a * b;
            reserve(size, a * a, b * b);
            System.arraycopy(xIn, 0, x, 0, size);
            System.arraycopy(r1In, 0, r1, 0, a * a);
            System.arraycopy(r2In, 0, r2, 0, b * b);
            describe(dims, filters, a, b);
            execute(new long[] {size}, new long[] {size});
            System.arraycopy(out, 0, outArray, 0, size);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            y = new float[capacities[0]];
            out = new float[capacities[0]];
            r1 = new float[capacities[1]];
            r2 = new float[capacities[2]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, r1, r2, dims)
                    .transferToDevice(FIRST_EXECUTION, y)
                    .task("t0", RotationDeviceKernels::rightMultiply, x, r2, y, dims)
                    .task("t1", RotationDeviceKernels::transposedLeftMultiply, r1, y, out, dims)
                    .transferToHost(EVERY_EXECUTION, out);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1, 1};
        }
    }
}
