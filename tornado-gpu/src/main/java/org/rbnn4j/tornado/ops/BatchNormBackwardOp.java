package org.rbnn4j.tornado.ops;

import static uk.ac.manchester.tornado.api.enums.DataTransferMode.EVERY_EXECUTION;
import static uk.ac.manchester.tornado.api.enums.DataTransferMode.FIRST_EXECUTION;

import org.rbnn4j.tornado.kernels.NormKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Backward of training-mode batch normalisation on the device: sample sums, channel sums (accumulating
 * {@code dgamma}, {@code dbeta}), then the input gradient, three tasks in one graph.
 */
public final class BatchNormBackwardOp extends DeviceOperation {
    private final int[] dims = new int[NormKernels.DIMS];
    private float[] dy;
    private float[] xhat;
    private float[] dx;
    private double[] sumDy;
    private double[] sumDyXhat;
    private float[] gamma;
    private float[] invStd;
    private float[] dgamma;
    private float[] dbeta;
    private float[] sums;

    public BatchNormBackwardOp(TornadoDevice device) {
        super(device, "batchnorm_backward");
    }

    public void run(float[] dyIn, float[] xhatIn, int n, int c, int hw, float[] gammaIn, float[] invStdIn,
                    float[] dgammaInOut, float[] dbetaInOut, float[] dxOut) {
        int xs = n * c * hw;
        reserve(xs, c * n, c);
        System.arraycopy(dyIn, 0, dy, 0, xs);
        System.arraycopy(xhatIn, 0, xhat, 0, xs);
        System.arraycopy(gammaIn, 0, gamma, 0, c);
        System.arraycopy(invStdIn, 0, invStd, 0, c);
        System.arraycopy(dgammaInOut, 0, dgamma, 0, c);
        System.arraycopy(dbetaInOut, 0, dbeta, 0, c);
        dims[NormKernels.N] = n;
        dims[NormKernels.C] = c;
        dims[NormKernels.HW] = hw;
        execute(new long[] {(long) c * n}, new long[] {c}, new long[] {xs});
        System.arraycopy(dgamma, 0, dgammaInOut, 0, c);
        System.arraycopy(dbeta, 0, dbetaInOut, 0, c);
        System.arraycopy(dx, 0, dxOut, 0, xs);
    }

    @Override
    protected void allocate(int[] capacities) {
        dy = new float[capacities[0]];
        xhat = new float[capacities[0]];
        dx = new float[capacities[0]];
        sumDy = new double[capacities[1]];
        sumDyXhat = new double[capacities[1]];
        gamma = new float[capacities[2]];
        invStd = new float[capacities[2]];
        dgamma = new float[capacities[2]];
        dbeta = new float[capacities[2]];
        sums = new float[2 * capacities[2]];
    }

    @Override
    protected TaskGraph build(String graphName) {
        return new TaskGraph(graphName)
                .transferToDevice(EVERY_EXECUTION, dy, xhat, gamma, invStd, dgamma, dbeta, dims)
                // Device-only intermediates: allocated (and copied) once, never read back.
                .transferToDevice(FIRST_EXECUTION, sumDy, sumDyXhat, sums)
                .task("t0", NormKernels::sampleGradientSums, dy, xhat, sumDy, sumDyXhat, dims)
                .task("t1", NormKernels::channelGradientSums, sumDy, sumDyXhat, dgamma, dbeta, sums, dims)
                .task("t2", NormKernels::batchNormInputGradient, dy, xhat, gamma, invStd, sums, dx, dims)
                .transferToHost(EVERY_EXECUTION, dgamma, dbeta, dx);
    }

    @Override
    protected int[] gridDimensions() {
        return new int[] {1, 1, 1};
    }
}
