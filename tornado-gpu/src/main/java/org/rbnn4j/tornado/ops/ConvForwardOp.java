package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.tornado.kernels.ConvKernels;
import org.rbnn4j.tornado.kernels.TiledConvKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** {@code y = conv2d(x, w)} on the device, as an implicit GEMM tiled through local memory ({@link TiledConvKernels#forward}). */
public final class ConvForwardOp extends DeviceOperation {
    private final int[] dims = new int[ConvKernels.DIMS];
    private final float[] padValue = new float[1];
    private final KernelContext context = new KernelContext();
    private float[] x;
    private float[] w;
    private float[] y;

    public ConvForwardOp(TornadoDevice device) {
        super(device, "conv_forward");
    }

    public void run(ConvGeometry g, float[] xIn, float[] wIn, float[] yOut) {
        int xs = g.inputSize();
        int ws = g.weightSize();
        int ys = g.outputSize();
        reserve(xs, ws, ys);
        System.arraycopy(xIn, 0, x, 0, xs);
        System.arraycopy(wIn, 0, w, 0, ws);
        ConvKernels.describe(g, dims);
        padValue[0] = g.padValue();
        long pixels = (long) g.batch() * g.outH() * g.outW();
        executeInGroups(new long[][] {{TiledConvKernels.TILE, TiledConvKernels.TILE}},
                new long[] {TiledConvKernels.roundUp(pixels), TiledConvKernels.roundUp(g.outChannels())});
        System.arraycopy(y, 0, yOut, 0, ys);
    }

    @Override
    protected void allocate(int[] capacities) {
        x = new float[capacities[0]];
        w = new float[capacities[1]];
        y = new float[capacities[2]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, x, w, dims, padValue)
                .task("t0", TiledConvKernels::forward, context, x, w, y, dims, padValue)
                .transferToHost(EVERY_EXECUTION, y);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {2};
    }
}
