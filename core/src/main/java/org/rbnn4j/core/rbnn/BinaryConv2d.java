package org.rbnn4j.core.rbnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.ReusableTensor;
import org.rbnn4j.core.nn.ScheduledLayer;
import org.rbnn4j.core.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rotated binary convolution of RBNN, exactly as DESIGN.md §1 (the official {@code BinarizeConv2d}):
 * <ol>
 *   <li>{@code w2 = (w - mean) / std} per output filter (unbiased std);</li>
 *   <li>{@code a2 = (x - mean) / std} per sample over {@code C*H*W} (unbiased std);</li>
 *   <li>-4. in the first training batch of every {@code rotationEvery}-th epoch, 3 alternating Procrustes steps
 *       fit the rotation to {@code w2} ({@link FilterRotation});</li>
 *   <li>{@code Rw = R^T w2}, a constant for the backward pass, {@code delta = Rw - w2};</li>
 *   <li>{@code w3 = w2 + s * delta} with {@code s = |sin theta|} per filter;</li>
 *   <li>{@code bw = sign(w3)}, {@code ba = sign(a2)} ({@code sign(0) = +1}), with the annealed surrogate backward;</li>
 *   <li>{@code y = conv2d(ba, bw) * alpha}.</li>
 * </ol>
 * The backward pass is exact for that graph: through the activation standardisation (full Jacobian), the
 * surrogate sign derivatives, the blend ({@code dL/dw2 = (1 - s) dL/dw3}, nothing through {@code Rw}), the
 * weight standardisation, {@code theta} and {@code alpha}.
 *
 * <p>Parameters: {@code weight} {@code [Cout, Cin, k, k]}, {@code alpha} {@code [Cout]}, {@code theta}
 * {@code [Cout]} (a parameter only with a learned blend; a buffer with a fixed one; absent with rotation off).
 * Buffers: {@code R1}, {@code R2} (bi-rotation) or {@code R} (full rotation).
 *
 * <p>At construction the latent weights are filled by a weight initialiser (by default PyTorch's
 * {@code Conv2d} initialisation, uniform in {@code +-1/sqrt(fan_in)}) and {@code alpha} gets their per-filter
 * {@code mean(|w|)}. Note that the reference computes {@code alpha} from PyTorch's default initialisation and
 * its models then re-initialise the weights ({@code kaiming_normal_}) without touching {@code alpha}: a model
 * that wants that exactly constructs with the default initialiser and overwrites {@link #weight()} afterwards;
 * {@link #resetAlphaFromWeights()} recomputes {@code alpha} from whatever weights the layer holds.
 *
 * <p>Like the other layers, the output of {@code forward} and the input gradient of {@code backward} are tensors
 * the layer owns and hands out again on the next call with the same shape (see {@code ReusableTensor}).
 *
 * <p>Scheduling: the trainer calls {@link #onEpochStart} (sets {@code t}, {@code k}) and {@link #onBatchStart}
 * (decides whether this batch updates the rotation). Before the first {@code onEpochStart} the layer uses the
 * reference's initial {@code t = 0.1}, {@code k = 10} and never rotates, like the reference's {@code epoch = -1}.
 */
public final class BinaryConv2d implements ScheduledLayer {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryConv2d.class);
    /** The full rotation gets slow beyond this filter size (one n x n SVD per step). */
    private static final int FULL_ROTATION_WARN_SIZE = 1024;

    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int filterSize;
    private final FilterMatrixShape filterShape;
    private final BinaryConvOptions options;

    private final Parameter weight;
    private final Parameter alpha;
    /** Per-filter blend angle; a parameter iff {@link #thetaParameter} is non-null. */
    private final Tensor theta;
    private final Parameter thetaParameter;
    private final FilterRotation rotation;

    // Schedule state.
    private float t = 0.1f;
    private float k = 10f;
    private int epoch = -1;
    private boolean rotationPending;

    // Weight path, recomputed from the parameters by every forward (filters * n each).
    private final float[] weightInvStd;
    private final float[] blend;
    private final float[] standardised;
    private final float[] rotated;
    private final float[] blended;
    private final float[] binaryWeights;
    private final float[] weightGrad;

    // Activation path of the last training forward.
    private boolean cached;
    private ConvGeometry cachedGeometry;
    private int[] cachedInputShape;
    private float[] standardisedInput = new float[0];
    private float[] binaryInput = new float[0];
    private float[] sampleInvStd = new float[0];
    /** {@code conv(ba, bw)} before the scale, kept for {@code dL/dalpha}. */
    private float[] convOutput = new float[0];
    private float[] convGrad = new float[0];
    private float[] evalActivations = new float[0];
    private float[] evalInvStd = new float[0];
    private final ReusableTensor output = new ReusableTensor();
    private final ReusableTensor inputGrad = new ReusableTensor();

    // What the weight path was last computed from, so that evaluation can skip recomputing it.
    /** Whether the snapshot below holds what the last {@link #computeWeights} read (only evaluations take one). */
    private boolean snapshotValid;
    private float[] snapshotWeights;
    private float[] snapshotTheta;
    private float[][] snapshotRotation;

    // Diagnostics.
    private boolean[] previousSigns;
    private long rotationUpdates;
    private long rotationUpdateNanos;
    private long rotationApplyNanos;

    /** A reference-method layer ({@link BinaryConvOptions#defaults()}). */
    public BinaryConv2d(int inChannels, int outChannels, int kernel, int stride, int padding, RandomGenerator random) {
        this(inChannels, outChannels, kernel, stride, padding, BinaryConvOptions.defaults(), random);
    }

    /**
     * A square-kernel binary convolution with PyTorch's default {@code Conv2d} initialisation of the latent
     * weights ({@link #pytorchDefaultInit}). {@code random} draws, in this order, the latent weights and then the
     * initial rotation ({@code R1}, then {@code R2}; or {@code R}), so a seeded generator gives a reproducible layer.
     */
    public BinaryConv2d(int inChannels, int outChannels, int kernel, int stride, int padding,
                        BinaryConvOptions options, RandomGenerator random) {
        this(inChannels, outChannels, kernel, stride, padding, options, random, BinaryConv2d::pytorchDefaultInit);
    }

    /**
     * A square-kernel binary convolution whose latent weights are filled by {@code weightInit} (for example a
     * model's {@code WeightInit::fill}); {@code alpha} is then set to their per-filter {@code mean(|w|)}, and the
     * initial rotation is drawn from {@code random} after the weights.
     */
    public BinaryConv2d(int inChannels, int outChannels, int kernel, int stride, int padding,
                        BinaryConvOptions options, RandomGenerator random,
                        BiConsumer<Tensor, RandomGenerator> weightInit) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("invalid binary convolution: " + inChannels + "->" + outChannels
                    + " kernel " + kernel + " stride " + stride + " padding " + padding);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.filterSize = inChannels * kernel * kernel;
        if (filterSize < 2) {
            throw new IllegalArgumentException("a binary convolution filter needs at least 2 values to be standardised, got "
                    + filterSize);
        }
        this.filterShape = FilterMatrixShape.of(filterSize);
        this.options = options;

        Tensor w = Tensor.zeros(outChannels, inChannels, kernel, kernel);
        weightInit.accept(w, random);
        this.weight = new Parameter(w);
        this.alpha = new Parameter(Tensor.zeros(outChannels));
        resetAlphaFromWeights();

        this.theta = Tensor.full((float) options.initialTheta(), outChannels);
        this.thetaParameter = options.rotation() != RotationMode.OFF && options.learnBlend() ? new Parameter(theta) : null;
        this.rotation = switch (options.rotation()) {
            case OFF -> null;
            case BI_ROTATION -> new BiRotation(filterShape, random);
            case FULL -> {
                if (filterSize > FULL_ROTATION_WARN_SIZE) {
                    LOG.warn("full {}x{} rotation: every update runs {}x{} SVDs; prefer the bi-rotation for large filters",
                            filterSize, filterSize, filterSize, filterSize);
                }
                yield new FullRotation(filterSize, random);
            }
        };

        int total = outChannels * filterSize;
        this.weightInvStd = new float[outChannels];
        this.blend = new float[outChannels];
        this.standardised = new float[total];
        this.rotated = new float[total];
        this.blended = new float[total];
        this.binaryWeights = new float[total];
        this.weightGrad = new float[total];
    }

    /**
     * PyTorch's default {@code Conv2d} weight initialisation, {@code kaiming_uniform_(a = sqrt(5))}: uniform in
     * {@code +-1/sqrt(fan_in)} with {@code fan_in = Cin*kh*kw}. The reference computes {@code alpha} from these
     * weights before its models re-initialise them.
     */
    public static void pytorchDefaultInit(Tensor weight, RandomGenerator random) {
        int fanIn = weight.size() / weight.dim(0);
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] wd = weight.data();
        for (int i = 0; i < wd.length; i++) {
            wd[i] = (float) ((random.nextDouble() * 2.0 - 1.0) * bound);
        }
    }

    // ---------------------------------------------------------------------------------------------- schedule

    @Override
    public void onEpochStart(int epoch, int totalEpochs, double t, double k) {
        this.epoch = epoch;
        this.t = (float) t;
        this.k = (float) k;
        this.rotationPending = false;
    }

    @Override
    public void onBatchStart(int batchInEpoch) {
        rotationPending = rotation != null && epoch >= 0 && epoch % options.rotationEvery() == 0
                && (options.rotationSchedule() == RotationSchedule.PER_ITERATION || batchInEpoch == 0);
    }

    /** Whether the next training forward runs the rotation update. */
    public boolean rotationPending() {
        return rotationPending;
    }

    // ---------------------------------------------------------------------------------------------- forward

    @Override
    public Tensor forward(Tensor x, Mode mode) {
        x.requireRank(4, "BinaryConv2d");
        if (x.dim(1) != inChannels) {
            throw new IllegalArgumentException("BinaryConv2d expects " + inChannels + " input channels, got shape "
                    + Arrays.toString(x.shape()));
        }
        boolean training = mode.training();
        int batch = x.dim(0);
        ConvGeometry g = geometry(batch, x.dim(2), x.dim(3));
        int sampleSize = inChannels * g.inH() * g.inW();
        int inputSize = g.inputSize();

        computeWeights(training);

        ComputeBackend backend = Backends.current();
        float[] xd = x.data();
        float[] ba;
        if (options.binaryActivations()) {
            if (training) {
                if (standardisedInput.length < inputSize) {
                    standardisedInput = new float[inputSize];
                    binaryInput = new float[inputSize];
                }
                if (sampleInvStd.length < batch) {
                    sampleInvStd = new float[batch];
                }
                // a2 (kept for the backward pass) and ba = sign(a2).
                backend.standardiseRuns(xd, batch, sampleSize, standardisedInput, binaryInput, sampleInvStd);
                ba = binaryInput;
            } else {
                if (evalActivations.length < inputSize) {
                    evalActivations = new float[inputSize];
                }
                if (evalInvStd.length < batch) {
                    evalInvStd = new float[batch];
                }
                // Only the signs; the training state of a pending backward pass stays untouched.
                backend.standardiseRuns(xd, batch, sampleSize, null, evalActivations, evalInvStd);
                ba = evalActivations;
            }
        } else {
            ba = xd;
        }

        Tensor out = output.get(batch, outChannels, g.outH(), g.outW());
        float[] y = out.data();
        float[] conv;
        if (training) {
            if (convOutput.length != y.length) {
                convOutput = new float[y.length];
            }
            conv = convOutput;
        } else {
            conv = y;
        }
        if (options.binaryActivations()) {
            backend.binaryConv2dForward(g, ba, binaryWeights, conv);
        } else {
            backend.conv2dForward(g, ba, binaryWeights, conv);
        }
        backend.channelScale(conv, batch, outChannels, g.outH() * g.outW(), alpha.value().data(), y);
        if (training) {
            cached = true;
            cachedGeometry = g;
            cachedInputShape = x.shape();
            if (!options.binaryActivations()) {
                binaryInput = xd;
            }
        }
        return out;
    }

    /** The convolution geometry of this layer for an input of the given batch and spatial size. */
    public ConvGeometry geometry(int batch, int inH, int inW) {
        return new ConvGeometry(batch, inChannels, inH, inW, outChannels, kernel, kernel, stride, padding,
                options.padValue());
    }

    /**
     * Steps 1 and 3-7 on the weights: fills {@code standardised} (w2), {@code rotated} (Rw), {@code blend} (s),
     * {@code blended} (w3) and {@code binaryWeights} (sign w3) from the current parameters, running the rotation
     * update first when one is pending and {@code training}.
     */
    private void computeWeights(boolean training) {
        float[] w = weight.value().data();
        ComputeBackend backend = Backends.current();
        if (training) {
            // SGD changes the weights after every training step: no snapshot (it would read them on the host).
            snapshotValid = false;
        } else if (weightsUnchangedSinceLastCompute(backend)) {
            // Evaluation between SGD steps sees the same parameters batch after batch: nothing to recompute.
            return;
        }
        int n = filterSize;
        backend.standardiseRuns(w, outChannels, n, standardised, null, weightInvStd);
        if (rotation == null) {
            backend.blendAndSign(standardised, null, null, outChannels, n, blend, blended, binaryWeights);
        } else {
            if (training && rotationPending) {
                long start = System.nanoTime();
                rotation.update(standardised, outChannels, options.alternatingSteps());
                rotationUpdateNanos += System.nanoTime() - start;
                rotationUpdates++;
                rotationPending = false;
            }
            long start = System.nanoTime();
            rotation.rotate(standardised, outChannels, rotated);
            rotationApplyNanos += System.nanoTime() - start;
            backend.blendAndSign(standardised, rotated, theta.data(), outChannels, n, blend, blended, binaryWeights);
        }
        if (!training) {
            snapshotInputsOfWeights();
        }
    }

    /**
     * {@link #computeWeights} for the host: the transformed weights, rotated weights (for a layer without rotation, a
     * copy of the standardised ones), blends and signs brought to the host arrays (the diagnostics and exports read).
     */
    private void computeWeightsOnHost() {
        computeWeights(false);
        ComputeBackend backend = Backends.current();
        backend.syncToHost(weightInvStd, standardised, blend, blended, binaryWeights);
        if (rotation == null) {
            System.arraycopy(standardised, 0, rotated, 0, rotated.length);
        } else {
            backend.syncToHost(rotated);
        }
    }

    /** Whether the latent weights, theta and the rotation still equal what the last {@link #computeWeights} used. */
    private boolean weightsUnchangedSinceLastCompute(ComputeBackend backend) {
        if (!snapshotValid) {
            return false;
        }
        backend.syncToHost(weight.value().data(), theta.data());
        if (!Arrays.equals(snapshotWeights, weight.value().data())
                || !Arrays.equals(snapshotTheta, theta.data())) {
            return false;
        }
        if (rotation != null) {
            int[] index = {0};
            boolean[] same = {true};
            rotation.visitBuffers("", (name, buffer) -> {
                same[0] &= Arrays.equals(snapshotRotation[index[0]++], buffer.data());
            });
            return same[0];
        }
        return true;
    }

    private void snapshotInputsOfWeights() {
        snapshotValid = true;
        if (snapshotWeights == null) {
            snapshotWeights = weight.value().data().clone();
            snapshotTheta = theta.data().clone();
            if (rotation != null) {
                List<float[]> copies = new ArrayList<>();
                rotation.visitBuffers("", (name, buffer) -> copies.add(buffer.data().clone()));
                snapshotRotation = copies.toArray(new float[0][]);
            }
            return;
        }
        System.arraycopy(weight.value().data(), 0, snapshotWeights, 0, snapshotWeights.length);
        System.arraycopy(theta.data(), 0, snapshotTheta, 0, snapshotTheta.length);
        if (rotation != null) {
            int[] index = {0};
            rotation.visitBuffers("", (name, buffer) -> {
                float[] copy = snapshotRotation[index[0]++];
                System.arraycopy(buffer.data(), 0, copy, 0, copy.length);
            });
        }
    }

    // ---------------------------------------------------------------------------------------------- backward

    @Override
    public Tensor backward(Tensor gradOutput) {
        if (!cached) {
            throw new IllegalStateException("BinaryConv2d.backward without a preceding training forward");
        }
        cached = false;
        ConvGeometry g = cachedGeometry;
        float[] dy = gradOutput.data();
        if (dy.length != g.outputSize()) {
            throw new IllegalArgumentException("gradient shape " + Arrays.toString(gradOutput.shape())
                    + " does not match the output of the last forward");
        }
        int batch = g.batch();
        // y = conv * alpha: dL/dalpha = sum conv * dy, dL/dconv = dy * alpha.
        if (convGrad.length != dy.length) {
            convGrad = new float[dy.length];
        }
        float[] dconv = convGrad;
        ComputeBackend backend = Backends.current();
        backend.channelScaleBackward(convOutput, dy, batch, outChannels, g.outH() * g.outW(), alpha.value().data(),
                alpha.grad().data(), dconv);
        backend.fill(weightGrad, 0f);
        backend.conv2dBackwardWeights(g, binaryInput, dconv, weightGrad);
        Tensor inGrad = inputGrad.get(cachedInputShape);
        float[] dx = inGrad.data();
        backend.conv2dBackwardData(g, dconv, binaryWeights, dx);

        // From dL/dbw to the gradients of the latent weights and theta.
        backend.blendBackward(weightGrad, blended, standardised, rotation == null ? null : rotated, blend,
                rotation == null ? null : theta.data(), weightInvStd, outChannels, filterSize, options.signGradient(), t,
                k, thetaParameter != null ? thetaParameter.grad().data() : null, weight.grad().data());
        if (options.binaryActivations()) {
            activationBackward(backend, dx, batch, inChannels * g.inH() * g.inW());
        } else {
            binaryInput = new float[0];
        }
        return inGrad;
    }

    /** In place: {@code dx} holds {@code dL/dba} and becomes {@code dL/dx}. */
    private void activationBackward(ComputeBackend backend, float[] dx, int batch, int sampleSize) {
        SignGradient surrogate = options.signGradient();
        float tActivations = Math.max(t, 1f);
        float[] a2 = standardisedInput;
        float[] invStd = sampleInvStd;
        switch (surrogate) {
            // Clipped-linear surrogates run fused with the standardisation backward (the same arithmetic as
            // SignGradient.activationDerivative: peak sqrt(2) t' in float, slope t'^2, scale 1).
            case RBNN -> backend.standardiseRunsSignBackward(a2, batch, sampleSize, invStd,
                    (float) (SignGradientKernels.SQRT2 * tActivations), tActivations * tActivations, 1f, dx);
            case APPROX_SIGN -> backend.standardiseRunsSignBackward(a2, batch, sampleSize, invStd, 2f, 2f, 1f, dx);
            default -> {
                backend.syncToHost(a2, dx);
                backend.parallelFor(batch, i -> surrogate.scaleBySurrogate(a2, i * sampleSize, dx, i * sampleSize,
                        sampleSize, tActivations, 1f));
                backend.markHostWritten(dx);
                // The identity surrogate: only the standardisation backward.
                backend.standardiseRunsSignBackward(a2, batch, sampleSize, invStd, 1f, 0f, 1f, dx);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- state

    @Override
    public void visitParameters(String prefix, BiConsumer<String, Parameter> visitor) {
        visitor.accept(prefix + "weight", weight);
        visitor.accept(prefix + "alpha", alpha);
        if (thetaParameter != null) {
            visitor.accept(prefix + "theta", thetaParameter);
        }
    }

    @Override
    public void visitBuffers(String prefix, BiConsumer<String, Tensor> visitor) {
        if (rotation != null) {
            rotation.visitBuffers(prefix, visitor);
            if (thetaParameter == null) {
                visitor.accept(prefix + "theta", theta);
            }
        }
    }

    /** Sets {@code alpha_j = mean(|w_j|)} of the current latent weights (the reference's initialisation). */
    public void resetAlphaFromWeights() {
        float[] w = weight.value().data();
        float[] al = alpha.value().data();
        ComputeBackend backend = Backends.current();
        backend.syncToHost(w, al);
        for (int j = 0; j < outChannels; j++) {
            double sum = 0;
            for (int i = 0; i < filterSize; i++) {
                sum += Math.abs(w[j * filterSize + i]);
            }
            al[j] = (float) (sum / filterSize);
        }
        backend.markHostWritten(al);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter alpha() {
        return alpha;
    }

    /** The blend angles {@code theta} {@code [Cout]}, live (a parameter's value, or a buffer with a fixed blend). */
    public Tensor blendAngles() {
        return theta;
    }

    /** The {@code theta} parameter; throws with rotation off or a fixed blend, where theta is not trained. */
    public Parameter theta() {
        if (thetaParameter == null) {
            throw new IllegalStateException("theta is not a trained parameter of this layer (rotation "
                    + options.rotation() + ", learnBlend " + options.learnBlend() + ")");
        }
        return thetaParameter;
    }

    /** The rotation state, or {@code null} with rotation off. */
    public FilterRotation rotation() {
        return rotation;
    }

    public BinaryConvOptions options() {
        return options;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    /** {@code n = Cin * k * k}. */
    public int filterSize() {
        return filterSize;
    }

    public FilterMatrixShape filterShape() {
        return filterShape;
    }

    /** The current annealing temperature {@code t}. */
    public float temperature() {
        return t;
    }

    /** The current weight-gradient scale {@code k}. */
    public float gradientScale() {
        return k;
    }

    // ---------------------------------------------------------------------------------------------- export

    /**
     * The binary weights {@code sign(w3)} of the current parameters and rotation, {@code [Cout, Cin, k, k]} of
     * {@code +-1} floats (a new tensor): what packed inference packs, together with {@link #alpha()}.
     */
    public Tensor binaryWeights() {
        computeWeightsOnHost();
        return Tensor.of(binaryWeights.clone(), outChannels, inChannels, kernel, kernel);
    }

    /** The final float weights {@code w3} before binarisation, {@code [Cout, Cin, k, k]} (a new tensor). */
    public Tensor blendedWeights() {
        computeWeightsOnHost();
        return Tensor.of(blended.clone(), outChannels, inChannels, kernel, kernel);
    }

    /** The rotated standardised weights {@code R^T w2} for the current rotation, {@code [Cout, Cin, k, k]}. */
    public Tensor rotatedWeights() {
        computeWeightsOnHost();
        return Tensor.of(rotated.clone(), outChannels, inChannels, kernel, kernel);
    }

    // ---------------------------------------------------------------------------------------------- diagnostics

    /**
     * All diagnostics from the current parameters and rotation; advances the flip-rate baseline (see
     * {@link #flipRate()}). Does not run a rotation update.
     */
    public BinaryConvDiagnostics diagnostics() {
        computeWeightsOnHost();
        double before = meanAngularBias(standardised);
        double after = meanAngularBias(rotated);
        double flips = advanceFlipBaseline();
        double error = quantisationErrorOfCurrent();
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < outChannels; j++) {
            sum += blend[j];
            min = Math.min(min, blend[j]);
            max = Math.max(max, blend[j]);
        }
        return new BinaryConvDiagnostics(before, after, flips, error, sum / outChannels, min, max,
                rotationUpdates, rotationUpdateNanos, rotationApplyNanos);
    }

    /** Mean over filters of the angle between the standardised weights {@code w2} and their signs, in radians. */
    public double angularBiasBeforeRotation() {
        computeWeightsOnHost();
        return meanAngularBias(standardised);
    }

    /** Mean over filters of the angle between the rotated weights {@code R^T w2} and their signs, in radians. */
    public double angularBiasAfterRotation() {
        computeWeightsOnHost();
        return meanAngularBias(rotated);
    }

    /**
     * Fraction of binary weights {@code sign(w3)} that differ from those seen by the previous call of this method
     * or {@link #diagnostics()}; NaN on the first call. Call it once before training to measure the first epoch.
     */
    public double flipRate() {
        computeWeightsOnHost();
        return advanceFlipBaseline();
    }

    /** {@code sum_j ||alpha_j sign(w3_j) - w3_j||^2 / (Cout * n)}, the mean squared error per weight. */
    public double quantisationError() {
        computeWeightsOnHost();
        return quantisationErrorOfCurrent();
    }

    /** Mean over filters of {@code s = |sin theta|}; 0 with rotation off. */
    public double meanBlend() {
        computeWeightsOnHost();
        double sum = 0;
        for (int j = 0; j < outChannels; j++) {
            sum += blend[j];
        }
        return sum / outChannels;
    }

    /** Rotation updates run since construction. */
    public long rotationUpdates() {
        return rotationUpdates;
    }

    /** Wall time spent in rotation updates since construction, in nanoseconds. */
    public long rotationUpdateNanos() {
        return rotationUpdateNanos;
    }

    /** Wall time spent applying the rotation in forward passes since construction, in nanoseconds. */
    public long rotationApplyNanos() {
        return rotationApplyNanos;
    }

    private double meanAngularBias(float[] filters) {
        int n = filterSize;
        double sum = 0;
        int counted = 0;
        double signNorm = Math.sqrt(n);
        for (int j = 0; j < outChannels; j++) {
            int off = j * n;
            double dot = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                float v = filters[off + i];
                dot += v * SignKernels.sign(v);
                sq += (double) v * v;
            }
            if (sq > 0) {
                double cos = Math.max(-1.0, Math.min(1.0, dot / (Math.sqrt(sq) * signNorm)));
                sum += Math.acos(cos);
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private double advanceFlipBaseline() {
        int total = outChannels * filterSize;
        double rate = Double.NaN;
        if (previousSigns == null) {
            previousSigns = new boolean[total];
        } else {
            int flips = 0;
            for (int i = 0; i < total; i++) {
                if ((binaryWeights[i] > 0) != previousSigns[i]) {
                    flips++;
                }
            }
            rate = (double) flips / total;
        }
        for (int i = 0; i < total; i++) {
            previousSigns[i] = binaryWeights[i] > 0;
        }
        return rate;
    }

    private double quantisationErrorOfCurrent() {
        int n = filterSize;
        float[] al = alpha.value().data();
        Backends.current().syncToHost(al);
        double sum = 0;
        for (int j = 0; j < outChannels; j++) {
            int off = j * n;
            for (int i = 0; i < n; i++) {
                double d = al[j] * binaryWeights[off + i] - blended[off + i];
                sum += d * d;
            }
        }
        return sum / ((double) outChannels * n);
    }

    @Override
    public String toString() {
        return "BinaryConv2d(" + inChannels + "->" + outChannels + ", k" + kernel + ", s" + stride + ", p" + padding
                + ", " + options.rotation() + ")";
    }
}
