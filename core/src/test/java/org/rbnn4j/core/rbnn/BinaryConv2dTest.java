package org.rbnn4j.core.rbnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.compute.kernels.ConvReference;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;

class BinaryConv2dTest {
    private static final int CIN = 3;
    private static final int COUT = 4;
    private static final int N = CIN * 9;
    private static ComputeBackend previous;

    @BeforeAll
    static void useScalarBackend() {
        previous = Backends.use(new ScalarBackend());
    }

    @AfterAll
    static void restoreBackend() {
        Backends.use(previous);
    }

    private static BinaryConv2d layer(BinaryConvOptions options, long seed) {
        return new BinaryConv2d(CIN, COUT, 3, 1, 1, options, new SplittableRandom(seed));
    }

    private static Tensor input(int batch, int size, long seed) {
        return Tensor.of(RotationTest.gaussian(batch * CIN * size * size, seed), batch, CIN, size, size);
    }

    private static List<String> parameterNames(BinaryConv2d layer) {
        List<String> names = new ArrayList<>();
        layer.visitParameters("", (name, p) -> names.add(name));
        return names;
    }

    private static List<String> bufferNames(BinaryConv2d layer) {
        List<String> names = new ArrayList<>();
        layer.visitBuffers("conv.", (name, t) -> names.add(name));
        return names;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** sign of the per-sample standardised input: the binary activations the layer convolves. */
    private static float[] binaryActivations(Tensor x) {
        int sample = x.size() / x.dim(0);
        float[] out = new float[x.size()];
        for (int i = 0; i < x.dim(0); i++) {
            StandardisationKernels.standardise(x.data(), i * sample, sample, out, i * sample);
        }
        SignKernels.sign(out, 0, out, 0, out.length);
        return out;
    }

    /** conv(ba, bw) * alpha with the scalar reference convolution. */
    private static float[] referenceOutput(ConvGeometry g, float[] ba, float[] bw, float[] alpha) {
        float[] y = new float[g.outputSize()];
        int idx = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int co = 0; co < g.outChannels(); co++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        y[idx++] = ConvReference.forwardAt(ba, bw, g.inChannels(), g.inH(), g.inW(), g.kernelH(),
                                g.kernelW(), g.stride(), g.padding(), g.padValue(), n, co, oy, ox) * alpha[co];
                    }
                }
            }
        }
        return y;
    }

    @Test
    void atTheReferenceInitialisationTheLatentWeightsGetExactlyZeroGradient() {
        BinaryConv2d layer = layer(BinaryConvOptions.defaults(), 1);
        assertThat(layer.blendAngles().data()).containsOnly((float) (Math.PI / 2));
        assertThat(layer.meanBlend()).isEqualTo(1.0);
        layer.onEpochStart(0, 10, 0.01, 100);
        layer.onBatchStart(0);
        Tensor x = input(2, 6, 2);
        Tensor y = layer.forward(x, Mode.TRAIN);
        Tensor dx = layer.backward(Tensor.of(RotationTest.gaussian(y.size(), 3), y.shape()));
        assertThat(layer.weight().grad().data()).containsOnly(0f);
        assertThat(maxAbs(layer.alpha().grad().data())).isPositive();
        assertThat(maxAbs(dx.data())).isPositive();
    }

    @Test
    void alphaGradientMatchesFiniteDifferences() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().blendInit(0.7).build(), 4);
        layer.onEpochStart(0, 10, 0.5, 2);
        layer.onBatchStart(0);
        Tensor x = input(2, 5, 5);
        Tensor y = layer.forward(x, Mode.TRAIN);
        float[] g = RotationTest.gaussian(y.size(), 6);
        layer.backward(Tensor.of(g, y.shape()));
        float[] alpha = layer.alpha().value().data();
        float eps = 1e-2f;
        for (int j = 0; j < COUT; j++) {
            float keep = alpha[j];
            alpha[j] = keep + eps;
            double plus = dot(layer.forward(x, Mode.EVAL).data(), g);
            alpha[j] = keep - eps;
            double minus = dot(layer.forward(x, Mode.EVAL).data(), g);
            alpha[j] = keep;
            double fd = (plus - minus) / (2 * eps);
            assertThat((double) layer.alpha().grad().data()[j]).isCloseTo(fd, within(1e-3 * Math.max(1, Math.abs(fd))));
        }
    }

    /**
     * The backward chain, checked piece by piece by finite differences of smooth functions: with
     * {@code dL/dw3} and {@code dL/da2} rebuilt independently from the reference convolution and the surrogate,
     * theta's gradient is the derivative of {@code <dL/dw3, w3(theta)>} with {@code Rw} held constant, W's is the
     * derivative of {@code <(1-s) dL/dw3, standardise(W)>}, and x's that of {@code <dL/da2, standardise(x)>}.
     */
    @Test
    void gradientsFollowTheSurrogateChain() {
        float t = 0.5f;
        float k = 2f;
        BinaryConv2d layer = layer(BinaryConvOptions.builder().blendInit(0.6).build(), 7);
        float[] theta = layer.blendAngles().data();
        float[] angles = {0.4f, 1.1f, -0.7f, 2.5f};
        System.arraycopy(angles, 0, theta, 0, COUT);
        layer.onEpochStart(0, 10, t, k);
        layer.onBatchStart(0);
        Tensor x = input(2, 5, 8);
        Tensor y = layer.forward(x, Mode.TRAIN);
        float[] gy = RotationTest.gaussian(y.size(), 9);
        Tensor dx = layer.backward(Tensor.of(gy, y.shape()));

        ConvGeometry g = layer.geometry(2, 5, 5);
        float[] w3 = layer.blendedWeights().data();
        float[] bw = w3.clone();
        SignKernels.sign(bw, 0, bw, 0, bw.length);
        float[] ba = binaryActivations(x);
        float[] alpha = layer.alpha().value().data();
        float[] dconv = new float[gy.length];
        int plane = g.outH() * g.outW();
        for (int i = 0; i < gy.length; i++) {
            dconv[i] = gy[i] * alpha[(i / plane) % COUT];
        }
        float[] dw3 = new float[COUT * N];
        for (int co = 0; co < COUT; co++) {
            for (int ci = 0; ci < CIN; ci++) {
                for (int ky = 0; ky < 3; ky++) {
                    for (int kx = 0; kx < 3; kx++) {
                        int idx = ((co * CIN + ci) * 3 + ky) * 3 + kx;
                        float dbw = ConvReference.backwardWeightsAt(ba, dconv, 2, CIN, 5, 5, COUT, g.outH(), g.outW(),
                                1, 1, 0f, co, ci, ky, kx);
                        dw3[idx] = dbw * SignGradient.RBNN.weightDerivative(w3[idx], t, k);
                    }
                }
            }
        }
        assertThat(maxAbs(dw3)).as("the surrogate passes some gradient").isPositive();

        // theta: d/dtheta <dw3, w3(theta)>, w3 recomputed by the layer with the rotation held fixed.
        float[] thetaGrad = layer.theta().grad().data();
        double eps = 1e-3;
        for (int j = 0; j < COUT; j++) {
            float keep = theta[j];
            theta[j] = (float) (keep + eps);
            double plus = dot(layer.blendedWeights().data(), dw3);
            theta[j] = (float) (keep - eps);
            double minus = dot(layer.blendedWeights().data(), dw3);
            theta[j] = keep;
            double fd = (plus - minus) / (2 * eps);
            assertThat((double) thetaGrad[j]).as("dL/dtheta[%d]", j).isCloseTo(fd, within(1e-2 * Math.max(1, Math.abs(fd))));
        }

        // W: d/dW <(1 - s) dw3, standardise(W)> per filter.
        float[] w = layer.weight().value().data();
        float[] weightGrad = layer.weight().grad().data();
        double wScale = maxAbs(weightGrad);
        assertThat(wScale).isPositive();
        for (int j = 0; j < COUT; j++) {
            double s = Math.abs(Math.sin(angles[j]));
            float[] filter = new float[N];
            float[] upstream = new float[N];
            System.arraycopy(w, j * N, filter, 0, N);
            for (int i = 0; i < N; i++) {
                upstream[i] = (float) ((1 - s) * dw3[j * N + i]);
            }
            for (int i = 0; i < N; i++) {
                double fd = standardisedDerivative(filter, upstream, i, 1e-3 * maxAbs(filter));
                assertThat((double) weightGrad[j * N + i]).as("dL/dW[%d,%d]", j, i).isCloseTo(fd, within(1e-2 * wScale));
            }
        }

        // x: d/dx <dL/da2, standardise(x)> per sample, dL/da2 = conv backward data * surrogate(a2).
        int sample = CIN * 25;
        float[] a2 = new float[x.size()];
        for (int n = 0; n < 2; n++) {
            StandardisationKernels.standardise(x.data(), n * sample, sample, a2, n * sample);
        }
        float[] da2 = new float[x.size()];
        int idx = 0;
        for (int n = 0; n < 2; n++) {
            for (int ci = 0; ci < CIN; ci++) {
                for (int iy = 0; iy < 5; iy++) {
                    for (int ix = 0; ix < 5; ix++) {
                        float dba = ConvReference.backwardDataAt(dconv, bw, CIN, COUT, g.outH(), g.outW(), 3, 3, 1, 1,
                                n, ci, iy, ix);
                        da2[idx] = dba * SignGradient.RBNN.activationDerivative(a2[idx], t);
                        idx++;
                    }
                }
            }
        }
        double xScale = maxAbs(dx.data());
        assertThat(xScale).isPositive();
        for (int n = 0; n < 2; n++) {
            float[] xs = new float[sample];
            float[] up = new float[sample];
            System.arraycopy(x.data(), n * sample, xs, 0, sample);
            System.arraycopy(da2, n * sample, up, 0, sample);
            for (int i = 0; i < sample; i += 3) {
                double fd = standardisedDerivative(xs, up, i, 1e-2);
                assertThat((double) dx.data()[n * sample + i]).as("dL/dx[%d,%d]", n, i).isCloseTo(fd, within(1e-2 * xScale));
            }
        }
    }

    /** d/dv_i of {@code <g, standardise(v)>} by central differences, standardising in double. */
    private static double standardisedDerivative(float[] v, float[] g, int i, double eps) {
        double[] d = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            d[k] = v[k];
        }
        d[i] = v[i] + eps;
        double plus = standardisedDot(d, g);
        d[i] = v[i] - eps;
        double minus = standardisedDot(d, g);
        return (plus - minus) / (2 * eps);
    }

    private static double standardisedDot(double[] v, float[] g) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double sq = 0;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(sq / (v.length - 1));
        double sum = 0;
        for (int k = 0; k < v.length; k++) {
            sum += g[k] * (v[k] - mean) / std;
        }
        return sum;
    }

    @Test
    void forwardIsTheReferenceConvolutionOfTheSigns() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().blendInit(0.8).build(), 10);
        layer.onEpochStart(0, 4, 1.0, 1.0);
        layer.onBatchStart(0);
        Tensor x = input(3, 6, 11);
        Tensor y = layer.forward(x, Mode.TRAIN);
        float[] bw = layer.binaryWeights().data();
        assertThat(bw).containsOnly(-1f, 1f);
        float[] expected = referenceOutput(layer.geometry(3, 6, 6), binaryActivations(x), bw, layer.alpha().value().data());
        assertThat(y.shape()).containsExactly(3, COUT, 6, 6);
        assertThat(y.data()).containsExactly(expected);
        // Evaluation reuses the rotation as it is: the same output, and no update.
        assertThat(layer.forward(x, Mode.EVAL).data()).containsExactly(expected);
        assertThat(layer.rotationUpdates()).isEqualTo(1);
    }

    @Test
    void rotationOffIsTheXnorLikeBaseline() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().rotation(RotationMode.OFF).build(), 12);
        assertThat(layer.rotation()).isNull();
        assertThat(parameterNames(layer)).containsExactly("weight", "alpha");
        assertThat(bufferNames(layer)).isEmpty();
        assertThatThrownBy(layer::theta).isInstanceOf(IllegalStateException.class);
        float[] w2 = layer.weight().value().data().clone();
        for (int j = 0; j < COUT; j++) {
            StandardisationKernels.standardise(w2, j * N, N, w2, j * N);
        }
        assertThat(layer.blendedWeights().data()).containsExactly(w2);
        assertThat(layer.angularBiasAfterRotation()).isEqualTo(layer.angularBiasBeforeRotation());
        layer.onEpochStart(0, 4, 0.5, 2);
        layer.onBatchStart(0);
        Tensor y = layer.forward(input(2, 5, 13), Mode.TRAIN);
        layer.backward(Tensor.of(RotationTest.gaussian(y.size(), 14), y.shape()));
        assertThat(maxAbs(layer.weight().grad().data())).as("no blend: the weights learn from the start").isPositive();
    }

    @Test
    void aFixedBlendKeepsThetaAsABufferAndUntouched() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().learnBlend(false).blendInit(0.5).build(), 15);
        assertThat(parameterNames(layer)).containsExactly("weight", "alpha");
        assertThat(bufferNames(layer)).containsExactly("conv.R1", "conv.R2", "conv.theta");
        assertThat(layer.meanBlend()).isCloseTo(0.5, within(1e-6));
        float[] before = layer.blendAngles().data().clone();
        layer.onEpochStart(0, 4, 0.5, 2);
        layer.onBatchStart(0);
        Tensor y = layer.forward(input(2, 5, 16), Mode.TRAIN);
        layer.backward(Tensor.of(RotationTest.gaussian(y.size(), 17), y.shape()));
        assertThat(layer.blendAngles().data()).containsExactly(before);
        assertThat(maxAbs(layer.weight().grad().data())).isPositive();
    }

    @Test
    void blendInitSetsThetaToTheArcsine() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().blendInit(0.5).build(), 18);
        assertThat(parameterNames(layer)).containsExactly("weight", "alpha", "theta");
        assertThat(bufferNames(layer)).containsExactly("conv.R1", "conv.R2");
        assertThat(layer.theta().value().data()).containsOnly((float) (Math.PI / 6));
        assertThat(layer.diagnostics().meanBlend()).isCloseTo(0.5, within(1e-6));
        assertThatThrownBy(() -> BinaryConvOptions.builder().blendInit(1.5).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void floatActivationsPassTheInputUnchanged() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().binaryActivations(false).build(), 19);
        layer.onEpochStart(0, 4, 0.5, 2);
        layer.onBatchStart(1);
        Tensor x = input(2, 5, 20);
        Tensor y = layer.forward(x, Mode.TRAIN);
        float[] bw = layer.binaryWeights().data();
        ConvGeometry g = layer.geometry(2, 5, 5);
        float[] alpha = layer.alpha().value().data();
        float[] expected = referenceOutput(g, x.data(), bw, alpha);
        for (int i = 0; i < expected.length; i++) {
            assertThat(y.data()[i]).isCloseTo(expected[i], within(1e-5f));
        }
        float[] gy = RotationTest.gaussian(y.size(), 21);
        Tensor dx = layer.backward(Tensor.of(gy, y.shape()));
        int plane = g.outH() * g.outW();
        float[] dconv = new float[gy.length];
        for (int i = 0; i < gy.length; i++) {
            dconv[i] = gy[i] * alpha[(i / plane) % COUT];
        }
        assertThat(dx.data()[7]).isCloseTo(ConvReference.backwardDataAt(dconv, bw, CIN, COUT, 5, 5, 3, 3, 1, 1, 0, 0, 1, 2),
                within(1e-5f));
    }

    @Test
    void onePaddingFeedsPlusOneAtTheBorders() {
        BinaryConvOptions onePad = BinaryConvOptions.builder().onePadding(true).build();
        BinaryConv2d layer = layer(onePad, 22);
        BinaryConv2d zeroPadded = layer(BinaryConvOptions.defaults(), 22);
        Tensor x = input(1, 5, 23);
        Tensor y = layer.forward(x, Mode.EVAL);
        ConvGeometry g = layer.geometry(1, 5, 5);
        assertThat(g.padValue()).isEqualTo(1f);
        float[] expected = referenceOutput(g, binaryActivations(x), layer.binaryWeights().data(), layer.alpha().value().data());
        assertThat(y.data()).containsExactly(expected);
        float[] zero = zeroPadded.forward(x, Mode.EVAL).data();
        // Interior outputs agree, corners differ (the padded taps count +1 instead of 0).
        assertThat(y.data()[2 * 5 + 2]).isEqualTo(zero[2 * 5 + 2]);
        assertThat(y.data()[0]).isNotEqualTo(zero[0]);
    }

    @Test
    void rotationRunsInTheFirstBatchOfRotationEpochsOnly() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().rotationEvery(2).build(), 24);
        Tensor x = input(1, 4, 25);
        layer.onBatchStart(0);
        assertThat(layer.rotationPending()).as("before the first epoch, as the reference's epoch -1").isFalse();
        layer.onEpochStart(0, 4, 0.1, 10);
        layer.onBatchStart(0);
        assertThat(layer.rotationPending()).isTrue();
        layer.forward(x, Mode.EVAL);
        assertThat(layer.rotationUpdates()).as("evaluation never rotates").isZero();
        layer.forward(x, Mode.TRAIN);
        assertThat(layer.rotationUpdates()).isEqualTo(1);
        layer.onBatchStart(1);
        layer.forward(x, Mode.TRAIN);
        assertThat(layer.rotationUpdates()).isEqualTo(1);
        layer.onEpochStart(1, 4, 0.2, 5);
        layer.onBatchStart(0);
        assertThat(layer.rotationPending()).as("epoch 1 with rotationEvery 2").isFalse();
        layer.onEpochStart(2, 4, 0.2, 5);
        layer.onBatchStart(0);
        layer.forward(x, Mode.TRAIN);
        assertThat(layer.rotationUpdates()).isEqualTo(2);
        assertThat(layer.rotationUpdateNanos()).isPositive();

        BinaryConv2d perIteration = layer(BinaryConvOptions.builder().rotationSchedule(RotationSchedule.PER_ITERATION).build(), 24);
        perIteration.onEpochStart(0, 4, 0.1, 10);
        for (int b = 0; b < 3; b++) {
            perIteration.onBatchStart(b);
            perIteration.forward(x, Mode.TRAIN);
        }
        assertThat(perIteration.rotationUpdates()).isEqualTo(3);

        BinaryConv2d off = layer(BinaryConvOptions.builder().rotation(RotationMode.OFF).build(), 24);
        off.onEpochStart(0, 4, 0.1, 10);
        off.onBatchStart(0);
        assertThat(off.rotationPending()).isFalse();
    }

    @Test
    void fullRotationByTheKroneckerProductReproducesTheBiRotationLayer() {
        BinaryConv2d bi = layer(BinaryConvOptions.builder().blendInit(0.9).build(), 26);
        BinaryConv2d full = layer(BinaryConvOptions.builder().blendInit(0.9).rotation(RotationMode.FULL).build(), 26);
        assertThat(bufferNames(full)).containsExactly("conv.R");
        assertThat(full.weight().value().data()).containsExactly(bi.weight().value().data());
        ((FullRotation) full.rotation()).matrix().copyFrom(Tensor.of(bi.rotation().toFullMatrix(), N, N));
        float[] viaBi = bi.rotatedWeights().data();
        float[] viaFull = full.rotatedWeights().data();
        for (int i = 0; i < viaBi.length; i++) {
            assertThat(viaFull[i]).isCloseTo(viaBi[i], within(1e-5f));
        }
        Tensor x = input(2, 5, 27);
        assertThat(full.forward(x, Mode.EVAL).data()).containsExactly(bi.forward(x, Mode.EVAL).data());
        // The full update trains and raises its objective like the bi-rotation's.
        full.onEpochStart(0, 4, 0.5, 2);
        full.onBatchStart(0);
        float[] w2 = full.weight().value().data().clone();
        for (int j = 0; j < COUT; j++) {
            StandardisationKernels.standardise(w2, j * N, N, w2, j * N);
        }
        double before = full.rotation().objective(w2, COUT);
        Tensor y = full.forward(x, Mode.TRAIN);
        full.backward(Tensor.of(RotationTest.gaussian(y.size(), 28), y.shape()));
        assertThat(full.rotation().objective(w2, COUT)).isGreaterThan(before);
        assertThat(maxAbs(full.theta().grad().data())).isPositive();
    }

    @Test
    void diagnosticsFollowTheirDefinitions() {
        BinaryConv2d layer = new BinaryConv2d(4, 16, 3, 1, 1, BinaryConvOptions.defaults(), new SplittableRandom(29));
        int n = 36;
        float[] w2 = layer.weight().value().data().clone();
        for (int j = 0; j < 16; j++) {
            StandardisationKernels.standardise(w2, j * n, n, w2, j * n);
        }
        double expectedBias = 0;
        for (int j = 0; j < 16; j++) {
            double abs = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                abs += Math.abs(w2[j * n + i]);
                sq += w2[j * n + i] * w2[j * n + i];
            }
            expectedBias += Math.acos(abs / (Math.sqrt(sq) * Math.sqrt(n)));
        }
        assertThat(layer.angularBiasBeforeRotation()).isCloseTo(expectedBias / 16, within(1e-6));

        BinaryConvDiagnostics first = layer.diagnostics();
        assertThat(first.flipRate()).isNaN();
        assertThat(first.meanBlend()).isEqualTo(1.0);
        assertThat(layer.flipRate()).isZero();

        // Negating one filter's latent weights negates its w2, Rw and w3: all n of its signs flip.
        float[] w = layer.weight().value().data();
        for (int i = 0; i < n; i++) {
            w[3 * n + i] = -w[3 * n + i];
        }
        assertThat(layer.flipRate()).isEqualTo(1.0 / 16);

        float[] w3 = layer.blendedWeights().data();
        float[] alpha = layer.alpha().value().data();
        double error = 0;
        for (int i = 0; i < w3.length; i++) {
            double d = alpha[i / n] * (w3[i] >= 0 ? 1 : -1) - w3[i];
            error += d * d;
        }
        assertThat(layer.quantisationError()).isCloseTo(error / w3.length, within(1e-6));

        // The update fits the rotation: the angular bias of the rotated weights drops.
        double biasAfterBefore = layer.angularBiasAfterRotation();
        layer.onEpochStart(0, 4, 0.1, 10);
        layer.onBatchStart(0);
        layer.forward(Tensor.of(RotationTest.gaussian(2 * 4 * 16, 30), 2, 4, 4, 4), Mode.TRAIN);
        BinaryConvDiagnostics after = layer.diagnostics();
        assertThat(after.angularBiasAfter()).isLessThan(biasAfterBefore);
        assertThat(after.rotationUpdates()).isEqualTo(1);
        assertThat(after.rotationUpdateNanos()).isPositive();
        assertThat(after.rotationApplyNanos()).isPositive();
    }

    @Test
    void backwardNeedsATrainingForwardAndBatchSizesMayChange() {
        BinaryConv2d layer = layer(BinaryConvOptions.defaults(), 31);
        Tensor y = layer.forward(input(3, 5, 32), Mode.EVAL);
        assertThatThrownBy(() -> layer.backward(y)).isInstanceOf(IllegalStateException.class);
        Tensor y3 = layer.forward(input(3, 5, 33), Mode.TRAIN);
        assertThat(layer.backward(Tensor.zerosLike(y3)).shape()).containsExactly(3, CIN, 5, 5);
        Tensor x1 = input(1, 5, 34);
        Tensor y1 = layer.forward(x1, Mode.TRAIN);
        float[] g = RotationTest.gaussian(y1.size(), 35);
        float[] dx1 = layer.backward(Tensor.of(g, y1.shape())).data();
        // A fresh layer with the same state gives the same gradient: no stale state from the larger batch.
        BinaryConv2d fresh = layer(BinaryConvOptions.defaults(), 31);
        fresh.forward(x1, Mode.TRAIN);
        assertThat(fresh.backward(Tensor.of(g, y1.shape())).data()).containsExactly(dx1);
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(1, CIN + 1, 5, 5), Mode.EVAL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void strideAndPaddingFollowTheGeometry() {
        BinaryConv2d layer = new BinaryConv2d(16, 32, 1, 2, 0, new SplittableRandom(36));
        assertThat(layer.filterShape()).isEqualTo(new FilterMatrixShape(4, 4));
        Tensor y = layer.forward(Tensor.of(RotationTest.gaussian(2 * 16 * 8 * 8, 37), 2, 16, 8, 8), Mode.EVAL);
        assertThat(y.shape()).containsExactly(2, 32, 4, 4);
    }

    @Test
    void evaluationSeesEveryChangeOfWeightsThetaOrRotation() {
        BinaryConv2d layer = layer(BinaryConvOptions.builder().blendInit(0.7).build(), 38);
        Tensor x = input(2, 5, 39);
        float[] first = layer.forward(x, Mode.EVAL).data().clone();
        assertThat(layer.forward(x, Mode.EVAL).data()).containsExactly(first);
        float[] rotatedBefore = layer.rotatedWeights().data();

        BiRotation rotation = (BiRotation) layer.rotation();
        float[] identity = new float[rotation.r1().size()];
        int a = rotation.r1().dim(0);
        for (int i = 0; i < a; i++) {
            identity[i * a + i] = 1f;
        }
        rotation.r1().copyFrom(Tensor.of(identity, a, a));
        assertThat(layer.rotatedWeights().data()).isNotEqualTo(rotatedBefore);
        assertThat(layer.forward(x, Mode.EVAL).data()).containsExactly(recomputed(layer, x));

        layer.blendAngles().data()[1] = 0.1f;
        assertThat(layer.forward(x, Mode.EVAL).data()).containsExactly(recomputed(layer, x));
        layer.weight().value().data()[5] += 0.3f;
        assertThat(layer.forward(x, Mode.EVAL).data()).containsExactly(recomputed(layer, x));
    }

    /** The output of a fresh layer with the same state. */
    private static float[] recomputed(BinaryConv2d layer, Tensor x) {
        BinaryConv2d fresh = layer(layer.options(), 1000);
        fresh.weight().value().copyFrom(layer.weight().value());
        fresh.alpha().value().copyFrom(layer.alpha().value());
        fresh.blendAngles().copyFrom(layer.blendAngles());
        BiRotation from = (BiRotation) layer.rotation();
        BiRotation to = (BiRotation) fresh.rotation();
        to.r1().copyFrom(from.r1());
        to.r2().copyFrom(from.r2());
        return fresh.forward(x, Mode.EVAL).data();
    }

    @Test
    void anEvaluationBetweenForwardAndBackwardChangesNoGradient() {
        Tensor x = input(2, 5, 40);
        float[] g = RotationTest.gaussian(2 * COUT * 25, 41);
        BinaryConv2d plain = layer(BinaryConvOptions.builder().blendInit(0.5).build(), 42);
        BinaryConv2d interrupted = layer(BinaryConvOptions.builder().blendInit(0.5).build(), 42);
        for (BinaryConv2d l : List.of(plain, interrupted)) {
            l.onEpochStart(0, 4, 0.5, 2);
            l.onBatchStart(0);
            l.forward(x, Mode.TRAIN);
        }
        interrupted.forward(input(3, 5, 43), Mode.EVAL);
        float[] dxPlain = plain.backward(Tensor.of(g, 2, COUT, 5, 5)).data();
        float[] dxInterrupted = interrupted.backward(Tensor.of(g, 2, COUT, 5, 5)).data();
        assertThat(dxInterrupted).containsExactly(dxPlain);
        assertThat(interrupted.alpha().grad().data()).containsExactly(plain.alpha().grad().data());
        assertThat(interrupted.weight().grad().data()).containsExactly(plain.weight().grad().data());
        assertThat(interrupted.theta().grad().data()).containsExactly(plain.theta().grad().data());
    }
}
