package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.core.compute.kernels.PoolingReference;
import org.rbnn4j.tornado.kernels.PoolingKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.common.TornadoFunctions;

/** Pooling (max with argmax, average, global average) and the residual add on the device ({@link PoolingKernels}). */
public final class PoolingOps {
    private PoolingOps() {
    }

    private static void fill(int[] dims, int planes, int h, int w, int kernel, int stride, int padding) {
        dims[PoolingKernels.PLANES] = planes;
        dims[PoolingKernels.H] = h;
        dims[PoolingKernels.W] = w;
        dims[PoolingKernels.KERNEL] = kernel;
        dims[PoolingKernels.STRIDE] = stride;
        dims[PoolingKernels.PADDING] = padding;
        dims[PoolingKernels.OUT_H] = PoolingReference.outputSize(h, kernel, stride, padding);
        dims[PoolingKernels.OUT_W] = PoolingReference.outputSize(w, kernel, stride, padding);
    }

    private static int outputs(int[] dims) {
        return dims[PoolingKernels.PLANES] * dims[PoolingKernels.OUT_H] * dims[PoolingKernels.OUT_W];
    }

    /** Max pooling: the output and, per output, the index of the input element it took. */
    public static final class MaxForward extends DeviceOperation {
        private final int[] dims = new int[PoolingKernels.DIMS];
        private float[] x;
        private float[] y;
        private int[] argmax;

        public MaxForward(TornadoDevice device) {
            super(device, "max_pool_forward");
        }

        public void run(float[] xIn, int planes, int h, int w, int kernel, int stride, int padding, float[] yOut,
                        int[] argmaxOut) {
            fill(dims, planes, h, w, kernel, stride, padding);
            int xs = planes * h * w;
            int ys = outputs(dims);
            reserve(xs, ys);
            System.arraycopy(xIn, 0, x, 0, xs);
            execute(new long[] {ys});
            System.arraycopy(y, 0, yOut, 0, ys);
            System.arraycopy(argmax, 0, argmaxOut, 0, ys);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            y = new float[capacities[1]];
            argmax = new int[capacities[1]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, dims)
                    .task("t0", PoolingKernels::maxPoolForward, x, y, argmax, dims)
                    .transferToHost(EVERY_EXECUTION, y, argmax);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /** Backward of max pooling: each input element gathers the gradients of the outputs that took it. */
    public static final class MaxBackward extends DeviceOperation {
        private final int[] dims = new int[PoolingKernels.DIMS];
        private float[] dy;
        private int[] argmax;
        private float[] dx;

        public MaxBackward(TornadoDevice device) {
            super(device, "max_pool_backward");
        }

        public void run(float[] dyIn, int[] argmaxIn, int planes, int h, int w, int kernel, int stride, int padding,
                        float[] dxOut) {
            fill(dims, planes, h, w, kernel, stride, padding);
            int xs = planes * h * w;
            int ys = outputs(dims);
            reserve(xs, ys);
            System.arraycopy(dyIn, 0, dy, 0, ys);
            System.arraycopy(argmaxIn, 0, argmax, 0, ys);
            execute(new long[] {xs});
            System.arraycopy(dx, 0, dxOut, 0, xs);
        }

        @Override
        protected void allocate(int[] capacities) {
            dx = new float[capacities[0]];
            dy = new float[capacities[1]];
            argmax = new int[capacities[1]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, dy, argmax, dims)
                    .task("t0", PoolingKernels::maxPoolBackward, dy, argmax, dx, dims)
                    .transferToHost(EVERY_EXECUTION, dx);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /**
     * Planes in, planes out through one {@link PoolingKernels} kernel over {@code (in, out, dims)}: average pooling and
     * its backward pass, the global average and its backward pass (one instance, and one compiled plan, each).
     */
    public static final class PlaneMap extends DeviceOperation {
        private final TornadoFunctions.Task3<float[], float[], int[]> kernel;
        private final int[] dims = new int[PoolingKernels.DIMS];
        private float[] in;
        private float[] out;

        public PlaneMap(TornadoDevice device, String kind, TornadoFunctions.Task3<float[], float[], int[]> kernel) {
            super(device, kind);
            this.kernel = kernel;
        }

        /**
         * {@code inSize} floats of {@code src} through the kernel into {@code outSize} floats of {@code dst}, the
         * shape as a pooling of {@code planes} planes of {@code h x w} (the global average: {@code h} = the plane size,
         * {@code w = window = stride = 1}).
         */
        public void run(float[] src, int inSize, float[] dst, int outSize, int planes, int h, int w, int window,
                        int stride) {
            fill(dims, planes, h, w, window, stride, 0);
            reserve(inSize, outSize);
            System.arraycopy(src, 0, in, 0, inSize);
            execute(new long[] {outSize});
            System.arraycopy(out, 0, dst, 0, outSize);
        }

        @Override
        protected void allocate(int[] capacities) {
            in = new float[capacities[0]];
            out = new float[capacities[1]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, in, dims)
                    .task("t0", kernel, in, out, dims)
                    .transferToHost(EVERY_EXECUTION, out);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /** {@code z = x + y}; {@code z} may be {@code x} or {@code y} (the staging arrays are distinct). */
    public static final class Add extends DeviceOperation {
        private final int[] length = new int[1];
        private float[] x;
        private float[] y;
        private float[] z;

        public Add(TornadoDevice device) {
            super(device, "add");
        }

        public void run(float[] xIn, float[] yIn, float[] zOut, int len) {
            reserve(len);
            System.arraycopy(xIn, 0, x, 0, len);
            System.arraycopy(yIn, 0, y, 0, len);
            length[0] = len;
            execute(new long[] {len});
            System.arraycopy(z, 0, zOut, 0, len);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            y = new float[capacities[0]];
            z = new float[capacities[0]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, y, length)
                    .task("t0", PoolingKernels::add, x, y, z, length)
                    .transferToHost(EVERY_EXECUTION, z);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }
}
