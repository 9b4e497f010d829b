package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.tornado.kernels.NormKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** {@code y = x * scale[ch] + shift[ch]} on the device ({@link NormKernels#channelAffine}); {@code y} may be {@code x}. */
public final class ChannelAffineOp extends DeviceOperation {
    private final int[] dims = new int[NormKernels.DIMS];
    private float[] x;
    private float[] scale;
    private float[] shift;
    private float[] y;

    public ChannelAffineOp(TornadoDevice device) {
        super(device, "channel_affine");
    }

    public void run(float[] xIn, int n, int c, int hw, float[] scaleIn, float[] shiftIn, float[] yOut) {
        int xs = n * c * hw;
        reserve(xs, c);
        System.arraycopy(xIn, 0, x, 0, xs);
        System.arraycopy(scaleIn, 0, scale, 0, c);
        System.arraycopy(shiftIn, 0, shift, 0, c);
        dims[NormKernels.N] = n;
        dims[NormKernels.C] = c;
        dims[NormKernels.HW] = hw;
        execute(new long[] {xs});
        System.arraycopy(y, 0, yOut, 0, xs);
    }

    @Override
    protected void allocate(int[] capacities) {
        x = new float[capacities[0]];
        y = new float[capacities[0]];
        scale = new float[capacities[1]];
        shift = new float[capacities[1]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, x, scale, shift, dims)
                .task("t0", NormKernels::channelAffine, x, scale, shift, y, dims)
                .transferToHost(EVERY_EXECUTION, y);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {1};
    }
}
