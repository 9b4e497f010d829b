package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.tornado.kernels.ConvKernels;
import org.rbnn4j.tornado.kernels.TiledConvKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** {@code dx = dL/dx} of the convolution on the device ({@link ConvKernels#backwardData}). */
public final class ConvBackwardDataOp extends DeviceOperation {
    private final int[] dims = new int[ConvKernels.DIMS];
    private final KernelContext context = new KernelContext();
    private float[] dy;
    private float[] w;
    private float[] dx;

    public ConvBackwardDataOp(TornadoDevice device) {
        super(device, "conv_backward_data");
    }

    public void run(ConvGeometry g, float[] dyIn, float[] wIn, float[] dxOut) {
        int dys = g.outputSize();
        int ws = g.weightSize();
        int dxs = g.inputSize();
        reserve(dys, ws, dxs);
        System.arraycopy(dyIn, 0, dy, 0, dys);
        System.arraycopy(wIn, 0, w, 0, ws);
        ConvKernels.describe(g, dims);
        long pixels = (long) g.batch() * g.inH() * g.inW();
        executeInGroups(new long[][] {{TiledConvKernels.TILE, TiledConvKernels.TILE}},
                new long[] {TiledConvKernels.roundUp(pixels), TiledConvKernels.roundUp(g.inChannels())});
        System.arraycopy(dx, 0, dxOut, 0, dxs);
    }

    @Override
    protected void allocate(int[] capacities) {
        dy = new float[capacities[0]];
        w = new float[capacities[1]];
        dx = new float[capacities[2]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, dy, w, dims)
                .task("t0", TiledConvKernels::backwardData, context, dy, w, dx, dims)
                .transferToHost(EVERY_EXECUTION, dx);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {2};
    }
}
