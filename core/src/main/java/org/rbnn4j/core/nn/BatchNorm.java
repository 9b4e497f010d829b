package org.rbnn4j.core.nn;

import java.util.Arrays;
import java.util.function.BiConsumer;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Batch normalisation with PyTorch semantics, over an input viewed as {@code [n, channels, hw]}.
 *
 * <p>TRAIN: normalises with the batch mean and the <em>biased</em> batch variance, and updates
 * {@code running_mean = (1 - momentum) * running_mean + momentum * mean} and
 * {@code running_var = (1 - momentum) * running_var + momentum * unbiasedVar} (momentum 0.1).
 * EVAL: normalises with the running statistics. Both add {@code eps = 1e-5} to the variance.
 * Parameters {@code weight} (gamma) and {@code bias} (beta), buffers {@code running_mean} and
 * {@code running_var} (initially 0 and 1).
 *
 * <p>Re-estimation ("precise BN"): between {@link #beginStatisticsEstimate()} and {@link #endStatisticsEstimate()}
 * every TRAIN forward sets the running statistics to the equal-weight average of the batches seen since the
 * begin (PyTorch's {@code momentum=None}) instead of the exponential average. With small batches and a high
 * learning rate the exponential average lags the weights by several steps, which can cost tens of points of
 * test accuracy; one pass at the final weights removes that lag.
 *
 * <p>{@link BatchNorm2d} and {@link BatchNorm1d} only differ in the input shapes they accept.
 */
public abstract class BatchNorm implements Layer {
    public static final double DEFAULT_EPS = 1e-5;
    public static final double DEFAULT_MOMENTUM = 0.1;

    private final int channels;
    private final double eps;
    private final double momentum;
    private final Parameter gamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;

    // Per-channel scratch, reused every call.
    private final float[] mean;
    private final float[] variance;
    private final float[] invStd;
    private final float[] shift;
    private final float[] evalScale;

    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor normalized = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();
    private Tensor input;
    private Tensor xhat;
    private Tensor lastOutput;
    private Mode lastMode;
    private int lastN;
    private int lastHw;
    /** Batches averaged so far in a statistics estimate, or -1 outside one (exponential average). */
    private int estimateBatches = -1;

    protected BatchNorm(int channels, double gammaInit, double eps, double momentum) {
        Shapes.requirePositive(channels, "channels");
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("need eps > 0 and 0 <= momentum <= 1, got eps " + eps + ", momentum " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.gamma = new Parameter(Tensor.full((float) gammaInit, channels));
        this.beta = new Parameter(Tensor.zeros(channels));
        this.runningMean = Tensor.zeros(channels);
        this.runningVar = Tensor.full(1f, channels);
        this.mean = new float[channels];
        this.variance = new float[channels];
        this.invStd = new float[channels];
        this.shift = new float[channels];
        this.evalScale = new float[channels];
    }

    /** Checks the input shape and returns the number of values per channel and sample ({@code hw}). */
    protected abstract int valuesPerChannel(Tensor x);

    public int channels() {
        return channels;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** Gamma, named {@code weight} as in PyTorch. */
    public Parameter weight() {
        return gamma;
    }

    /** Beta, named {@code bias} as in PyTorch. */
    public Parameter bias() {
        return beta;
    }

    /**
     * Starts re-estimating the running statistics: the next TRAIN forwards replace them by the plain average
     * of their batch statistics (the first batch overwrites the old values).
     */
    public void beginStatisticsEstimate() {
        estimateBatches = 0;
    }

    /** Ends a statistics estimate; TRAIN forwards update the running statistics with the momentum again. */
    public void endStatisticsEstimate() {
        estimateBatches = -1;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        int hw = valuesPerChannel(x);
        int n = x.dim(0);
        Tensor y = output.get(x.shape());
        ComputeBackend backend = Backends.current();
        if (mode.training()) {
            long m = (long) n * hw;
            if (m < 2) {
                throw new IllegalArgumentException(this + " needs more than 1 value per channel in training, got input "
                        + Arrays.toString(x.shape()));
            }
            backend.channelMeanVariance(x.data(), n, channels, hw, mean, variance);
            double factor = estimateBatches < 0 ? momentum : 1.0 / ++estimateBatches;
            backend.batchNormStatistics(mean, variance, channels, m, eps, factor, invStd, shift, runningMean.data(),
                    runningVar.data());
            xhat = normalized.get(x.shape());
            backend.batchNormOutput(x.data(), n, channels, hw, invStd, shift, gamma.value().data(),
                    beta.value().data(), xhat.data(), y.data());
        } else {
            backend.batchNormEvalAffine(gamma.value().data(), beta.value().data(), runningMean.data(),
                    runningVar.data(), channels, eps, invStd, evalScale, shift);
            backend.channelAffine(x.data(), n, channels, hw, evalScale, shift, y.data());
        }
        input = x;
        lastOutput = y;
        lastMode = mode;
        lastN = n;
        lastHw = hw;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Shapes.requireGradient(gradOutput, lastOutput, toString());
        Tensor dx = inputGrad.get(gradOutput.shape());
        float[] dy = gradOutput.data();
        if (lastMode.training()) {
            Backends.current().batchNormBackward(dy, xhat.data(), lastN, channels, lastHw,
                    gamma.value().data(), invStd, gamma.grad().data(), beta.grad().data(), dx.data());
        } else {
            evalBackward(dy, dx.data());
        }
        return dx;
    }

    /** Backward of the fixed affine map used in evaluation: statistics are constants there. */
    private void evalBackward(float[] dy, float[] dx) {
        float[] x = input.data();
        float[] rm = runningMean.data();
        float[] dg = gamma.grad().data();
        float[] db = beta.grad().data();
        ComputeBackend backend = Backends.current();
        backend.syncToHost(dy, x, rm, dg, db, invStd, evalScale);
        for (int c = 0; c < channels; c++) {
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < lastN; i++) {
                int base = (i * channels + c) * lastHw;
                for (int p = 0; p < lastHw; p++) {
                    float d = dy[base + p];
                    sumDy += d;
                    sumDyXhat += (double) d * (x[base + p] - rm[c]) * invStd[c];
                    dx[base + p] = d * evalScale[c];
                }
            }
            dg[c] += (float) sumDyXhat;
            db[c] += (float) sumDy;
        }
        backend.markHostWritten(dx, dg, db);
    }

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        visitor.accept(prefix + "weight", gamma);
        visitor.accept(prefix + "bias", beta);
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        visitor.accept(prefix + "running_mean", runningMean);
        visitor.accept(prefix + "running_var", runningVar);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + channels + ")";
    }
}
