package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.tornado.kernels.ConvKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/** Accumulates {@code dL/dw} of the convolution on the device ({@link ConvKernels#backwardWeights}). */
public final class ConvBackwardWeightsOp extends DeviceOperation {
    private final int[] dims = new int[ConvKernels.DIMS];
    private final float[] padValue = new float[1];
    private float[] x;
    private float[] dy;
    private float[] dw;

    public ConvBackwardWeightsOp(TornadoDevice device) {
        super(device, "conv_backward_weights");
    }

    public void run(ConvGeometry g, float[] xIn, float[] dyIn, float[] dwInOut) {
        int xs = g.inputSize();
        int dys = g.outputSize();
        int dws = g.weightSize();
        reserve(xs, dys, dws);
        System.arraycopy(xIn, 0, x, 0, xs);
        System.arraycopy(dyIn, 0, dy, 0, dys);
        System.arraycopy(dwInOut, 0, dw, 0, dws);
        ConvKernels.describe(g, dims);
        padValue[0] = g.padValue();
        execute(new long[] {dws});
        System.arraycopy(dw, 0, dwInOut, 0, dws);
    }

    @Override
    protected void allocate(int[] capacities) {
        x = new float[capacities[0]];
        dy = new float[capacities[1]];
        dw = new float[capacities[2]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, x, dy, dw, dims, padValue)
                .task("t0", ConvKernels::backwardWeights, x, dy, dw, dims, padValue)
                .transferToHost(EVERY_EXECUTION, dw);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {1};
    }
}
