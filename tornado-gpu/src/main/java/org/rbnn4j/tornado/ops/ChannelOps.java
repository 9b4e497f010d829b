package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.tornado.kernels.ChannelKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** The per-channel maps on the device: a layer's scale and its backward, the option-A shortcut and its gradient. */
public final class ChannelOps {
    private ChannelOps() {
    }

    /** {@code y = x * scale[ch]} over {@code [n, c, hw]}; {@code y} may be {@code x}. */
    public static final class Scale extends DeviceOperation {
        private final int[] dims = new int[3];
        private float[] x;
        private float[] scale;
        private float[] y;

        public Scale(TornadoDevice device) {
            super(device, "channel_scale");
        }

        public void run(float[] xIn, int n, int c, int hw, float[] scaleIn, float[] yOut) {
            int size = n * c * hw;
            reserve(size, c);
            System.arraycopy(xIn, 0, x, 0, size);
            System.arraycopy(scaleIn, 0, scale, 0, c);
            dims[0] = n;
            dims[1] = c;
            dims[2] = hw;
            execute(new long[] {size});
            System.arraycopy(y, 0, yOut, 0, size);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            y = new float[capacities[0]];
            scale = new float[capacities[1]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, scale, dims)
                    .task("t0", ChannelKernels::scale, x, scale, y, dims)
                    .transferToHost(EVERY_EXECUTION, y);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }

    /**
     * Backward of {@link Scale}: {@code dx = dy * scale[ch]} and the per-plane sums of {@code x * dy}, which the caller
     * adds per channel in image order ({@code ComputeBackend.channelScaleBackward}'s arithmetic).
     */
    public static final class ScaleBackward extends DeviceOperation {
        private final int[] dims = new int[3];
        private float[] x;
        private float[] dy;
        private float[] scale;
        private float[] dx;
        private double[] sums;

        public ScaleBackward(TornadoDevice device) {
            super(device, "channel_scale_backward");
        }

        /** Writes {@code dx} (may be {@code dyIn}) and {@code planeSums[0, n * c)}. */
        public void run(float[] xIn, float[] dyIn, int n, int c, int hw, float[] scaleIn, float[] dxOut,
                        double[] planeSums) {
            int size = n * c * hw;
            int planes = n * c;
            reserve(size, c, planes);
            System.arraycopy(xIn, 0, x, 0, size);
            System.arraycopy(dyIn, 0, dy, 0, size);
            System.arraycopy(scaleIn, 0, scale, 0, c);
            dims[0] = n;
            dims[1] = c;
            dims[2] = hw;
            execute(new long[] {planes}, new long[] {size});
            System.arraycopy(dx, 0, dxOut, 0, size);
            System.arraycopy(sums, 0, planeSums, 0, planes);
        }

        @Override
        protected void allocate(int[] capacities) {
            x = new float[capacities[0]];
            dy = new float[capacities[0]];
            dx = new float[capacities[0]];
            scale = new float[capacities[1]];
            sums = new double[capacities[2]];
        }

        @Override
        protected TaskGraph build(String graphName) {
            return new TaskGraph(graphName)
                    .transferToDevice(EVERY_EXECUTION, x, dy, scale, dims)
                    .task("t0", ChannelKernels::planeDots, x, dy, sums, dims)
                    .task("t1", ChannelKernels::scale, dy, scale, dx, dims)
                    .transferToHost(EVERY_EXECUTION, dx, sums);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1, 1};
        }
    }

    /** The option-A shortcut ({@code forward}) or its gradient ({@code !forward}). */
    public static final class PadSubsample extends DeviceOperation {
        private final boolean forward;
        private final int[] dims = new int[7];
        private float[] in;
        private float[] out;

        public PadSubsample(TornadoDevice device, boolean forward) {
            super(device, forward ? "pad_subsample" : "pad_subsample_grad");
            this.forward = forward;
        }

        public void run(float[] src, int n, int cin, int h, int w, int cout, int padFront, int stride, float[] dst) {
            int small = n * cin * h * w;
            int large = n * cout * ((h + stride - 1) / stride) * ((w + stride - 1) / stride);
            int inSize = forward ? small : large;
            int outSize = forward ? large : small;
            reserve(inSize, outSize);
            System.arraycopy(src, 0, in, 0, inSize);
            dims[0] = n;
            dims[1] = cin;
            dims[2] = h;
            dims[3] = w;
            dims[4] = cout;
            dims[5] = padFront;
            dims[6] = stride;
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
            TaskGraph graph = new TaskGraph(graphName).transferToDevice(EVERY_EXECUTION, in, dims);
            graph = forward ? graph.task("t0", ChannelKernels::padSubsample, in, out, dims)
                    : graph.task("t0", ChannelKernels::padSubsampleGrad, in, out, dims);
            return graph.transferToHost(EVERY_EXECUTION, out);
        }

        @Override
        protected int[] gridDimensions() {
            return new int[] {1};
        }
    }
}
