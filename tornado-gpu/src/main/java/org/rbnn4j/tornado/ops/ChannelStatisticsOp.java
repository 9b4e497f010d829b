package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;
import static uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION;

import org.rbnn4j.tornado.kernels.NormKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Per-channel mean and biased variance on the device: four tasks in one graph (sample sums, means, sample squared
 * deviations around the means, variances), so the partial sums and the means never leave the device.
 */
public final class ChannelStatisticsOp extends DeviceOperation {
    private final int[] dims = new int[NormKernels.DIMS];
    private float[] x;
    private double[] sums;
    private double[] squares;
    private float[] mean;
    private float[] variance;

    public ChannelStatisticsOp(TornadoDevice device) {
        super(device, "channel_statistics");
    }

    public void run(float[] xIn, int n, int c, int hw, float[] meanOut, float[] varianceOut) {
        int xs = n * c * hw;
        reserve(xs, c * n, c);
        System.arraycopy(xIn, 0, x, 0, xs);
        dims[NormKernels.N] = n;
        dims[NormKernels.C] = c;
        dims[NormKernels.HW] = hw;
        long[] perSample = {(long) c * n};
        long[] perChannel = {c};
        execute(perSample, perChannel, perSample, perChannel);
        System.arraycopy(mean, 0, meanOut, 0, c);
        System.arraycopy(variance, 0, varianceOut, 0, c);
    }

    @Override
    protected void allocate(int[] capacities) {
        x = new float[capacities[0]];
        sums = new double[capacities[1]];
        squares = new double[capacities[1]];
        mean = new float[capacities[2]];
        variance = new float[capacities[2]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, x, dims)
                // Device-only intermediates: allocated (and copied) once, never read back.
                .transferToDevice(FIRST_EXECUTION, sums, squares)
                .task("t0", NormKernels::sampleSums, x, sums, dims)
                .task("t1", NormKernels::channelAverages, sums, mean, dims)
                .task("t2", NormKernels::sampleSquaredDeviations, x, mean, squares, dims)
                .task("t3", NormKernels::channelAverages, squares, variance, dims)
                .transferToHost(EVERY_EXECUTION, mean, variance);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {1, 1, 1, 1};
    }
}
