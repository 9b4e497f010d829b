package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;
import static uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.tornado.kernels.ConvKernels;
import org.rbnn4j.tornado.kernels.TiledConvKernels;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Accumulates {@code dL/dw} of the convolution on the device: by default each sample's gradient as an implicit GEMM
 * tiled through local memory ({@link TiledConvKernels#backwardWeightsPerSample}), then a sum over the samples
 * ({@link ConvKernels#sumSamples}); in reproducible mode one work item per weight in the reference's order
 * ({@link ConvKernels#backwardWeights}).
 */
public final class ConvBackwardWeightsOp extends DeviceOperation {
    private final boolean referenceOrder;
    private final int[] dims = new int[ConvKernels.DIMS];
    private final float[] padValue = new float[1];
    private final KernelContext context = new KernelContext();
    private float[] x;
    private float[] dy;
    private float[] dw;
    private float[] partial;

    /** @param referenceOrder sum in the reference's order (one work item per weight) instead of per sample first */
    public ConvBackwardWeightsOp(TornadoDevice device, boolean referenceOrder) {
        super(device, referenceOrder ? "conv_backward_weights_reference_order" : "conv_backward_weights");
        this.referenceOrder = referenceOrder;
    }

    public void run(ConvGeometry g, float[] xIn, float[] dyIn, float[] dwInOut) {
        int xs = g.inputSize();
        int dys = g.outputSize();
        int dws = g.weightSize();
        reserve(xs, dys, dws, referenceOrder ? 1 : Math.multiplyExact(dws, g.batch()));
        System.arraycopy(xIn, 0, x, 0, xs);
        System.arraycopy(dyIn, 0, dy, 0, dys);
        System.arraycopy(dwInOut, 0, dw, 0, dws);
        ConvKernels.describe(g, dims);
        padValue[0] = g.padValue();
        if (referenceOrder) {
            execute(new long[] {dws});
        } else {
            long columns = (long) g.inChannels() * g.kernelH() * g.kernelW();
            executeInGroups(new long[][] {{TiledConvKernels.TILE, TiledConvKernels.TILE}, null},
                    new long[] {TiledConvKernels.roundUp(columns), TiledConvKernels.roundUp(g.outChannels()) * g.batch()},
                    new long[] {dws});
        }
        System.arraycopy(dw, 0, dwInOut, 0, dws);
    }

    @Override
    protected void allocate(int[] capacities) {
        x = new float[capacities[0]];
        dy = new float[capacities[1]];
        dw = new float[capacities[2]];
        partial = new float[capacities[3]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        TaskGraph graph = new TaskGraph(graphName).transferToDevice(EVERY_EXECUTION, x, dy, dw, dims, padValue);
        if (referenceOrder) {
            graph.task("t0", ConvKernels::backwardWeights, x, dy, dw, dims, padValue);
        } else {
            graph.transferToDevice(FIRST_EXECUTION, partial)
                    .task("t0", TiledConvKernels::backwardWeightsPerSample, context, x, dy, partial, dims, padValue)
                    .task("t1", ConvKernels::sumSamples, partial, dw, dims);
        }
        return graph.transferToHost(EVERY_EXECUTION, dw);
    }

    @Override
    protected int[] gridDimensions() {
        return referenceOrder ? new int[] {1} : new int[] {2, 1};
    }
}
