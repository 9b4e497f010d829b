package org.rbnn4j.tornado.resident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.rbnn.SignGradient;
import org.rbnn4j.tornado.TornadoBackend;
import org.rbnn4j.tornado.TornadoBackendProvider;

/**
 * The resident backend's arena operations against the scalar reference on random shapes (bailout disabled, as all
 * device tests): each call binds its arrays, runs on the arena, and the results come home through the residency
 * protocol ({@code syncToHost}). Results without sums or multiply-adds must be equal; the others within a small
 * relative tolerance (the device may fuse multiply-adds, and the weight gradient sums each sample first).
 */
class ResidentKernelsTest {
    private static final ScalarBackend REFERENCE = new ScalarBackend();
    private static ResidentTornadoBackend resident;

    @BeforeAll
    static void start() {
        TornadoBackend staged = TornadoBackendProvider.onSelectedDevice();
        resident = new ResidentTornadoBackend(staged, 1 << 20, 1 << 24);
    }

    @AfterAll
    static void stop() {
        resident.close();
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void assertClose(String what, float[] got, float[] want, double rel) {
        resident.syncToHost(got);
        double max = 1e-6;
        for (float v : want) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("%s [%d]", what, i).isCloseTo(want[i],
                    org.assertj.core.data.Offset.offset(rel * max));
        }
    }

    private static void assertEqual(String what, float[] got, float[] want) {
        resident.syncToHost(got);
        assertThat(got).as(what).containsExactly(want);
    }

    @Test
    void blendSignsAndTheirBackwardMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int[] shape : new int[][] {{16, 9}, {7, 150}, {64, 576}}) {
            int filters = shape[0];
            int len = shape[1];
            float[] w2 = random(rnd, filters * len);
            float[] rot = random(rnd, filters * len);
            float[] theta = random(rnd, filters);
            theta[0] = 0f;
            theta[1 % filters] = -0.5f;
            for (boolean rotated : new boolean[] {true, false}) {
                float[] r = rotated ? rot : null;
                float[] t = rotated ? theta : null;
                float[] blendRef = new float[filters];
                float[] blendedRef = new float[filters * len];
                float[] signsRef = new float[filters * len];
                REFERENCE.blendAndSign(w2, r, t, filters, len, blendRef, blendedRef, signsRef);
                float[] blend = new float[filters];
                float[] blended = new float[filters * len];
                float[] signs = new float[filters * len];
                resident.blendAndSign(w2, r, t, filters, len, blend, blended, signs);
                String what = filters + "x" + len + (rotated ? " rotated" : "");
                assertEqual("blend " + what, blend, blendRef);
                // w2 + s (Rw2 - w2): the device may fuse the multiply-add (one rounding instead of two).
                assertClose("blended " + what, blended, blendedRef, 1e-6);
                resident.syncToHost(signs);
                for (int i = 0; i < signs.length; i++) {
                    assertThat(signs[i]).as("sign %d of %s", i, what).isEqualTo(blended[i] >= 0f ? 1f : -1f);
                    if (Math.abs(blendedRef[i]) > 1e-5f) {
                        assertThat(signs[i]).as("sign %d of %s", i, what).isEqualTo(signsRef[i]);
                    }
                }

                float[] invStd = random(rnd, filters);
                for (SignGradient surrogate : SignGradient.values()) {
                    float[] grad = random(rnd, filters * len);
                    float[] gradRef = grad.clone();
                    float[] thetaGradRef = rotated ? random(rnd, filters) : null;
                    float[] thetaGrad = rotated ? thetaGradRef.clone() : null;
                    float[] weightGradRef = random(rnd, filters * len);
                    float[] weightGrad = weightGradRef.clone();
                    REFERENCE.blendBackward(gradRef, blendedRef, w2, r, blendRef, t, invStd, filters, len, surrogate,
                            1.7f, 1.2f, thetaGradRef, weightGradRef);
                    resident.blendBackward(grad, blended, w2, r, blend, t, invStd, filters, len, surrogate, 1.7f, 1.2f,
                            thetaGrad, weightGrad);
                    assertClose("weight gradient " + what + " " + surrogate, weightGrad, weightGradRef, 1e-5);
                    if (rotated) {
                        assertClose("theta gradient " + what + " " + surrogate, thetaGrad, thetaGradRef, 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void rotationGemmBiasAndChannelSumsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(4);
        int filters = 12;
        int a = 8;
        int b = 9;
        float[] x = random(rnd, filters * a * b);
        float[] r1 = random(rnd, a * a);
        float[] r2 = random(rnd, b * b);
        float[] outRef = new float[filters * a * b];
        float[] out = new float[filters * a * b];
        REFERENCE.rotateFilters(x, r1, r2, filters, a, b, outRef);
        resident.rotateFilters(x, r1, r2, filters, a, b, out);
        assertClose("R1^T X R2", out, outRef, 1e-6);

        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 0.5f}) {
                    int m = 19;
                    int n = 10;
                    int k = 37;
                    float[] am = random(rnd, 3 + m * k);
                    float[] bm = random(rnd, 5 + k * n);
                    float[] cRef = random(rnd, 2 + m * n);
                    float[] c = cRef.clone();
                    int lda = transA ? m : k;
                    int ldb = transB ? k : n;
                    REFERENCE.sgemm(transA, transB, m, n, k, 1.5f, am, 3, lda, bm, 5, ldb, beta, cRef, 2, n);
                    resident.sgemm(transA, transB, m, n, k, 1.5f, am, 3, lda, bm, 5, ldb, beta, c, 2, n);
                    assertClose("sgemm " + transA + " " + transB + " " + beta, c, cRef, 1e-5);
                }
            }
        }

        int batch = 3;
        int c = 5;
        int hw = 7;
        float[] y = random(rnd, batch * c * hw);
        float[] yRef = y.clone();
        float[] bias = random(rnd, c);
        REFERENCE.addChannelBias(yRef, batch, c, hw, bias);
        resident.markHostWritten(y);
        resident.addChannelBias(y, batch, c, hw, bias);
        assertEqual("bias", y, yRef);
        float[] sums = random(rnd, c);
        float[] sumsRef = sums.clone();
        REFERENCE.accumulateChannelSums(yRef, batch, c, hw, sumsRef);
        resident.accumulateChannelSums(y, batch, c, hw, sums);
        assertEqual("channel sums", sums, sumsRef);
    }

    @Test
    void batchNormScaleAndWeightGradientsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 4;
        int c = 6;
        int hw = 25;
        float[] mean = random(rnd, c);
        float[] variance = random(rnd, c);
        for (int i = 0; i < c; i++) {
            variance[i] = Math.abs(variance[i]) + 0.1f;
        }
        float[] invStdRef = new float[c];
        float[] shiftRef = new float[c];
        float[] runningMeanRef = random(rnd, c);
        float[] runningVarRef = random(rnd, c);
        float[] invStd = new float[c];
        float[] shift = new float[c];
        float[] runningMean = runningMeanRef.clone();
        float[] runningVar = runningVarRef.clone();
        REFERENCE.batchNormStatistics(mean, variance, c, (long) n * hw, 1e-5, 0.1, invStdRef, shiftRef, runningMeanRef,
                runningVarRef);
        resident.batchNormStatistics(mean, variance, c, (long) n * hw, 1e-5, 0.1, invStd, shift, runningMean,
                runningVar);
        assertEqual("invStd", invStd, invStdRef);
        assertEqual("shift", shift, shiftRef);
        assertEqual("running mean", runningMean, runningMeanRef);
        assertEqual("running variance", runningVar, runningVarRef);

        float[] dy = random(rnd, n * c * hw);
        float[] xhat = random(rnd, n * c * hw);
        float[] gamma = random(rnd, c);
        float[] dgammaRef = random(rnd, c);
        float[] dbetaRef = random(rnd, c);
        float[] dgamma = dgammaRef.clone();
        float[] dbeta = dbetaRef.clone();
        float[] dxRef = new float[n * c * hw];
        float[] dx = new float[n * c * hw];
        REFERENCE.batchNormBackward(dy, xhat, n, c, hw, gamma, invStdRef, dgammaRef, dbetaRef, dxRef);
        resident.batchNormBackward(dy, xhat, n, c, hw, gamma, invStd, dgamma, dbeta, dx);
        assertClose("batch norm dx", dx, dxRef, 1e-5);
        assertClose("dgamma", dgamma, dgammaRef, 1e-6);
        assertClose("dbeta", dbeta, dbetaRef, 1e-6);

        float[] scale = random(rnd, c);
        float[] scaleGradRef = random(rnd, c);
        float[] scaleGrad = scaleGradRef.clone();
        float[] dxsRef = new float[n * c * hw];
        float[] dxs = new float[n * c * hw];
        REFERENCE.channelScaleBackward(xhat, dy, n, c, hw, scale, scaleGradRef, dxsRef);
        resident.channelScaleBackward(xhat, dy, n, c, hw, scale, scaleGrad, dxs);
        assertEqual("scale dx", dxs, dxsRef);
        assertClose("scale gradient", scaleGrad, scaleGradRef, 1e-6);

        ConvGeometry g = new ConvGeometry(n, 3, 9, 9, 5, 3, 3, 2, 1, 1f);
        float[] x = random(rnd, g.inputSize());
        float[] gy = random(rnd, g.outputSize());
        float[] dwRef = random(rnd, g.weightSize());
        float[] dw = dwRef.clone();
        REFERENCE.conv2dBackwardWeights(g, x, gy, dwRef);
        resident.conv2dBackwardWeights(g, x, gy, dw);
        assertClose("weight gradient " + g, dw, dwRef, 1e-5);
    }
}
