package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rbnn4j.tornado.TestDevice.assertClose;
import static org.rbnn4j.tornado.TestDevice.random;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.tornado.ops.ConvBackwardWeightsOp;

/**
 * Every device operation against {@link ScalarBackend} on random shapes (run with bailout disabled, so these are
 * device results). Several shapes per operation also check that one compiled plan serves many shapes and that
 * growing staging arrays keep earlier results right.
 */
class TornadoBackendKernelsTest {
    private static final ScalarBackend REFERENCE = new ScalarBackend();
    private static TornadoBackend device;

    @BeforeAll
    static void start() {
        device = TestDevice.backend();
    }

    @Test
    void convolutionPassesMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(1);
        // Each operation compiles for the first shape, once more when the sixth needs larger staging arrays, and
        // the shapes in between reuse the compiled plan with their own dims (each device compile costs ~1 s on PoCL).
        ConvGeometry[] shapes = {
                new ConvGeometry(2, 3, 8, 8, 4, 3, 3, 1, 1, 0f),
                new ConvGeometry(1, 5, 7, 9, 6, 3, 3, 2, 1, 0f),
                new ConvGeometry(3, 2, 6, 5, 3, 1, 1, 2, 0, 0f),
                new ConvGeometry(2, 4, 6, 7, 5, 2, 3, 1, 1, 1f), // one padding, non-square kernel
                new ConvGeometry(1, 2, 3, 3, 9, 5, 5, 1, 1, 0f), // kernel as large as the padded input
                new ConvGeometry(4, 16, 8, 8, 32, 3, 3, 2, 1, 0f), // larger: the staging arrays grow
                // several 16x16 tiles in every direction, none of them full: 429 pixels, 37 filters, 180-long sums
                new ConvGeometry(3, 20, 11, 13, 37, 3, 3, 1, 1, 0f),
                new ConvGeometry(1, 1, 4, 4, 1, 3, 3, 1, 1, 0f), // smaller again: reuses the grown plan
        };
        for (ConvGeometry g : shapes) {
            float[] x = random(rnd, g.inputSize());
            float[] w = random(rnd, g.weightSize());
            float[] dy = random(rnd, g.outputSize());

            float[] yRef = new float[g.outputSize()];
            float[] y = random(rnd, g.outputSize());
            REFERENCE.conv2dForward(g, x, w, yRef);
            device.conv2dForward(g, x, w, y);
            assertClose("forward " + g, y, yRef, 1e-5);

            float[] dxRef = new float[g.inputSize()];
            float[] dx = random(rnd, g.inputSize());
            REFERENCE.conv2dBackwardData(g, dy, w, dxRef);
            device.conv2dBackwardData(g, dy, w, dx);
            assertClose("backward data " + g, dx, dxRef, 1e-5);

            float[] dwRef = random(rnd, g.weightSize()); // accumulated into
            float[] dw = dwRef.clone();
            REFERENCE.conv2dBackwardWeights(g, x, dy, dwRef);
            device.conv2dBackwardWeights(g, x, dy, dw);
            assertClose("backward weights " + g, dw, dwRef, 1e-5);
        }
    }

    @Test
    void referenceOrderWeightGradientMatchesTheReference() {
        SplittableRandom rnd = new SplittableRandom(8);
        try (ConvBackwardWeightsOp op = new ConvBackwardWeightsOp(TornadoDevices.select(null), true)) {
            for (ConvGeometry g : new ConvGeometry[] {new ConvGeometry(3, 4, 7, 6, 5, 3, 3, 1, 1, 0f),
                    new ConvGeometry(2, 3, 8, 8, 4, 3, 3, 2, 1, 1f)}) {
                float[] x = random(rnd, g.inputSize());
                float[] dy = random(rnd, g.outputSize());
                float[] dwRef = random(rnd, g.weightSize());
                float[] dw = dwRef.clone();
                REFERENCE.conv2dBackwardWeights(g, x, dy, dwRef);
                op.run(g, x, dy, dw);
                assertClose("reference-order backward weights " + g, dw, dwRef, 1e-5);
            }
        }
    }

    @Test
    void binaryConvolutionIsExact() {
        SplittableRandom rnd = new SplittableRandom(2);
        ConvGeometry g = new ConvGeometry(2, 16, 8, 8, 16, 3, 3, 1, 1, 0f);
        float[] x = signs(random(rnd, g.inputSize()));
        float[] w = signs(random(rnd, g.weightSize()));
        float[] yRef = new float[g.outputSize()];
        float[] y = new float[g.outputSize()];
        REFERENCE.conv2dForward(g, x, w, yRef);
        device.conv2dForward(g, x, w, y);
        assertThat(y).containsExactly(yRef);
    }

    private static float[] signs(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] >= 0 ? 1f : -1f;
        }
        return v;
    }

    @Test
    void sgemmMatchesTheReferenceForEveryTransposeOffsetAndBeta() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    // up to 40 x 40 x 50: several 16 x 16 work groups and reduction tiles, ragged edges
                    int m = 1 + rnd.nextInt(40);
                    int n = 1 + rnd.nextInt(40);
                    int k = 1 + rnd.nextInt(50);
                    int lda = (ta ? m : k) + rnd.nextInt(3);
                    int ldb = (tb ? k : n) + rnd.nextInt(3);
                    int ldc = n + rnd.nextInt(3);
                    int aOff = rnd.nextInt(5);
                    int bOff = rnd.nextInt(5);
                    int cOff = rnd.nextInt(5);
                    float[] a = random(rnd, aOff + (ta ? k : m) * lda);
                    float[] b = random(rnd, bOff + (tb ? n : k) * ldb);
                    float[] cRef = random(rnd, cOff + m * ldc + 3);
                    if (beta == 0f) {
                        cRef[cOff] = Float.NaN; // never read with beta == 0
                    }
                    float[] c = cRef.clone();
                    float alpha = (float) (rnd.nextDouble() * 2);
                    REFERENCE.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cRef, cOff, ldc);
                    device.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                    assertClose("sgemm ta=" + ta + " tb=" + tb + " beta=" + beta + " " + m + "x" + n + "x" + k, c, cRef, 1e-5);
                }
            }
        }
    }

    @Test
    void batchNormalisationOperationsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(4);
        int[][] shapes = {{8, 16, 64}, {3, 5, 7}, {8, 64, 1}, {16, 32, 16}, {1, 3, 1}};
        for (int[] s : shapes) {
            int n = s[0];
            int c = s[1];
            int hw = s[2];
            String what = n + "x" + c + "x" + hw;
            float[] x = random(rnd, n * c * hw);
            for (int i = 0; i < x.length; i++) {
                x[i] = 3f * x[i] + 0.5f; // a mean away from zero
            }
            float[] meanRef = new float[c];
            float[] varRef = new float[c];
            float[] mean = new float[c];
            float[] var = new float[c];
            REFERENCE.channelMeanVariance(x, n, c, hw, meanRef, varRef);
            device.channelMeanVariance(x, n, c, hw, mean, var);
            assertClose("mean " + what, mean, meanRef, 1e-6);
            assertClose("variance " + what, var, varRef, 1e-6);

            float[] scale = random(rnd, c);
            float[] shift = random(rnd, c);
            float[] yRef = new float[x.length];
            float[] y = new float[x.length];
            REFERENCE.channelAffine(x, n, c, hw, scale, shift, yRef);
            device.channelAffine(x, n, c, hw, scale, shift, y);
            assertClose("affine " + what, y, yRef, 1e-6);
            float[] inPlace = x.clone();
            device.channelAffine(inPlace, n, c, hw, scale, shift, inPlace);
            assertClose("affine in place " + what, inPlace, yRef, 1e-6);

            float[] dy = random(rnd, x.length);
            float[] xhat = random(rnd, x.length);
            float[] gamma = random(rnd, c);
            float[] invStd = random(rnd, c);
            float[] dgammaRef = random(rnd, c);
            float[] dbetaRef = random(rnd, c);
            float[] dgamma = dgammaRef.clone();
            float[] dbeta = dbetaRef.clone();
            float[] dxRef = new float[x.length];
            float[] dx = new float[x.length];
            REFERENCE.batchNormBackward(dy, xhat, n, c, hw, gamma, invStd, dgammaRef, dbetaRef, dxRef);
            device.batchNormBackward(dy, xhat, n, c, hw, gamma, invStd, dgamma, dbeta, dx);
            assertClose("dgamma " + what, dgamma, dgammaRef, 1e-6);
            assertClose("dbeta " + what, dbeta, dbetaRef, 1e-6);
            assertClose("batch norm dx " + what, dx, dxRef, 1e-5);
        }
    }

    @Test
    void standardisationAndItsSignBackwardMatchTheReference() {
        TornadoBackend device = TestDevice.backend();
        SplittableRandom rnd = new SplittableRandom(8);
        // (runs, len): samples of a binary layer's input, filters of its weights, odd lengths, a tail of < 8
        int[][] shapes = {{4, 1024}, {16, 144}, {3, 27}, {5, 13}, {2, 4097}};
        for (int[] shape : shapes) {
            int runs = shape[0];
            int len = shape[1];
            String what = runs + " runs of " + len;
            float[] x = random(rnd, runs * len);
            for (int i = 0; i < len; i++) {
                x[i] = 0.25f; // a constant run: invStd 0, xhat 0
            }
            float[] xhatRef = new float[x.length];
            float[] signsRef = new float[x.length];
            float[] invRef = new float[runs];
            REFERENCE.standardiseRuns(x, runs, len, xhatRef, signsRef, invRef);
            float[] xhat = new float[x.length];
            float[] signs = new float[x.length];
            float[] inv = new float[runs];
            device.standardiseRuns(x, runs, len, xhat, signs, inv);
            assertClose("xhat " + what, xhat, xhatRef, 1e-6);
            assertThat(signs).as("signs " + what).containsExactly(signsRef);
            assertClose("invStd " + what, inv, invRef, 1e-6);
            // Only the signs, written over x itself (the binary forward's form).
            float[] inPlace = x.clone();
            float[] invOnly = new float[runs];
            device.standardiseRuns(inPlace, runs, len, null, inPlace, invOnly);
            assertThat(inPlace).as("signs in place " + what).containsExactly(signsRef);

            float[] gradRef = random(rnd, x.length);
            float[] grad = gradRef.clone();
            float t = 0.7f;
            REFERENCE.standardiseRunsSignBackward(xhatRef, runs, len, invRef, (float) Math.sqrt(2) * t, t * t, 1.4f,
                    gradRef);
            device.standardiseRunsSignBackward(xhatRef, runs, len, invRef, (float) Math.sqrt(2) * t, t * t, 1.4f, grad);
            assertClose("sign backward " + what, grad, gradRef, 1e-5);
        }
    }

    /**
     * NaN and infinities pass through the device kernels as through the reference: the backend compiles without
     * {@code -cl-fast-relaxed-math} (TornadoVM's default), which lets the compiler assume they never occur, so a NaN
     * loss would be hidden instead of reported. Division is exact too (the global average gradient divides).
     */
    @Test
    void nanAndInfinitiesPropagateAndDivisionIsExact() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, Float.NaN, -0f, 3f, -3f};
        int n = x.length;
        float[] yRef = new float[n];
        float[] y = new float[n];
        REFERENCE.hardtanhForward(x, yRef, n);
        device.hardtanhForward(x, y, n);
        assertThat(y).as("hardtanh of NaN and infinities").containsExactly(yRef);
        float[] z = new float[n];
        float[] zRef = new float[n];
        REFERENCE.add(x, yRef, zRef, n);
        device.add(x, y, z, n);
        assertThat(z).as("sums with NaN and infinities").containsExactly(zRef);
        float[] means = new float[n];
        float[] meansRef = new float[n];
        REFERENCE.globalAvgPoolForward(x, 2, 4, meansRef);
        device.globalAvgPoolForward(x, 2, 4, means);
        assertThat(means).as("plane means with NaN").containsExactly(meansRef);
        // Quotients that an approximate division (2 ulp, as OpenCL allows by default) gets wrong somewhere.
        SplittableRandom rnd = new SplittableRandom(11);
        int planes = 4096;
        int hw = 81;
        float[] dy = random(rnd, planes);
        float[] dxRef = new float[planes * hw];
        float[] dx = new float[planes * hw];
        REFERENCE.globalAvgPoolBackward(dy, planes, hw, dxRef);
        device.globalAvgPoolBackward(dy, planes, hw, dx);
        assertThat(dx).as("dy / hw").containsExactly(dxRef);
    }

    @Test
    void elementwiseOperationsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int length : new int[] {1, 30, 4097, 100}) { // one growth (1024 -> 8192)
            float[] x = random(rnd, length);
            for (int i = 0; i < length; i++) {
                x[i] *= 2f;
            }
            if (length > 3) {
                x[0] = 1f; // boundaries pass the gradient (PyTorch's convention)
                x[1] = -1f;
                x[2] = Math.nextUp(1f);
            }
            float[] yRef = new float[length];
            float[] y = new float[length];
            REFERENCE.hardtanhForward(x, yRef, length);
            device.hardtanhForward(x, y, length);
            assertThat(y).as("hardtanh %d", length).containsExactly(yRef);

            float[] dy = random(rnd, length);
            float[] dxRef = new float[length];
            float[] dx = new float[length];
            REFERENCE.hardtanhBackward(x, dy, dxRef, length);
            device.hardtanhBackward(x, dy, dx, length);
            assertThat(dx).as("hardtanh backward %d", length).containsExactly(dxRef);

            float[] wRef = random(rnd, length);
            float[] vRef = random(rnd, length);
            float[] g = random(rnd, length);
            float[] w = wRef.clone();
            float[] v = vRef.clone();
            REFERENCE.sgdUpdate(wRef, g, vRef, length, 0.1f, 0.9f, 1e-4f);
            device.sgdUpdate(w, g, v, length, 0.1f, 0.9f, 1e-4f);
            assertClose("sgd weights " + length, w, wRef, 1e-6);
            assertClose("sgd velocity " + length, v, vRef, 1e-6);
        }
    }

    @Test
    void channelScaleAndShortcutMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(6);
        // {n, c, hw} for the scale; the shortcut reads them as {n, cin, h = hw, w = hw + 1} with cout = 2 * cin.
        int[][] shapes = {{2, 3, 5}, {1, 16, 64}, {3, 4, 7}, {4, 8, 81}};
        for (int[] s : shapes) {
            int n = s[0];
            int c = s[1];
            int hw = s[2];
            float[] x = random(rnd, n * c * hw);
            float[] scale = random(rnd, c);
            float[] yRef = new float[x.length];
            float[] y = random(rnd, x.length);
            REFERENCE.channelScale(x, n, c, hw, scale, yRef);
            device.channelScale(x, n, c, hw, scale, y);
            assertThat(y).as("channel scale %s", java.util.Arrays.toString(s)).containsExactly(yRef);

            float[] dy = random(rnd, x.length);
            float[] gradRef = random(rnd, c);
            float[] grad = gradRef.clone();
            float[] dxRef = new float[x.length];
            float[] dx = random(rnd, x.length);
            REFERENCE.channelScaleBackward(x, dy, n, c, hw, scale, gradRef, dxRef);
            device.channelScaleBackward(x, dy, n, c, hw, scale, grad, dx);
            assertThat(dx).as("channel scale backward dx").containsExactly(dxRef);
            assertClose("channel scale backward grad " + java.util.Arrays.toString(s), grad, gradRef, 1e-6);

            for (int stride : new int[] {1, 2}) {
                int h = hw;
                int w = hw + 1;
                int cout = 2 * c;
                int pad = c / 2;
                int outSize = n * cout * ((h + stride - 1) / stride) * ((w + stride - 1) / stride);
                float[] sx = random(rnd, n * c * h * w);
                float[] syRef = new float[outSize];
                float[] sy = random(rnd, outSize);
                REFERENCE.padSubsample(sx, n, c, h, w, cout, pad, stride, syRef);
                device.padSubsample(sx, n, c, h, w, cout, pad, stride, sy);
                assertThat(sy).as("shortcut stride %d", stride).containsExactly(syRef);
                float[] sdy = random(rnd, outSize);
                float[] sdxRef = new float[sx.length];
                float[] sdx = random(rnd, sx.length);
                REFERENCE.padSubsampleBackward(sdy, n, c, h, w, cout, pad, stride, sdxRef);
                device.padSubsampleBackward(sdy, n, c, h, w, cout, pad, stride, sdx);
                assertThat(sdx).as("shortcut gradient stride %d", stride).containsExactly(sdxRef);
            }
        }
    }

    @Test
    void poolingAndAddMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(7);
        // {planes, h, w, kernel, stride, padding}: vgg's 2x2/2, the ImageNet stem's 3/2/1, overlapping windows
        int[][] shapes = {{6, 8, 8, 2, 2, 0}, {5, 9, 9, 3, 2, 1}, {3, 5, 6, 3, 1, 1}, {40, 16, 16, 2, 2, 0}};
        for (int[] s : shapes) {
            int planes = s[0], h = s[1], w = s[2], k = s[3], st = s[4], pad = s[5];
            String shape = java.util.Arrays.toString(s);
            float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(7) - 3; // ties: the first maximum must win on the device too
            }
            x[x.length / 2] = Float.NaN;
            int oh = (h + 2 * pad - k) / st + 1;
            int ow = (w + 2 * pad - k) / st + 1;
            float[] yRef = new float[planes * oh * ow];
            float[] y = new float[yRef.length];
            int[] argRef = new int[yRef.length];
            int[] arg = new int[yRef.length];
            REFERENCE.maxPool2dForward(x, planes, h, w, k, st, pad, yRef, argRef);
            device.maxPool2dForward(x, planes, h, w, k, st, pad, y, arg);
            assertThat(arg).as("max pool argmax %s", shape).containsExactly(argRef);
            assertThat(y).as("max pool %s", shape).containsExactly(yRef);
            float[] dy = random(rnd, yRef.length);
            float[] dxRef = new float[x.length];
            float[] dx = new float[x.length];
            REFERENCE.maxPool2dBackward(dy, argRef, planes, h, w, k, st, pad, dxRef);
            device.maxPool2dBackward(dy, arg, planes, h, w, k, st, pad, dx);
            assertThat(dx).as("max pool gradient %s (sums in the same order)", shape).containsExactly(dxRef);
            if (pad == 0) {
                float[] xs = random(rnd, x.length);
                REFERENCE.avgPool2dForward(xs, planes, h, w, k, st, yRef);
                device.avgPool2dForward(xs, planes, h, w, k, st, y);
                assertClose("avg pool " + shape, y, yRef, 1e-6);
                REFERENCE.avgPool2dBackward(dy, planes, h, w, k, st, dxRef);
                device.avgPool2dBackward(dy, planes, h, w, k, st, dx);
                assertClose("avg pool gradient " + shape, dx, dxRef, 1e-6);
            }
            float[] means = new float[planes];
            float[] meansRef = new float[planes];
            float[] xs = random(rnd, x.length);
            REFERENCE.globalAvgPoolForward(xs, planes, h * w, meansRef);
            device.globalAvgPoolForward(xs, planes, h * w, means);
            assertClose("global average " + shape, means, meansRef, 1e-6);
            float[] spread = new float[x.length];
            float[] spreadRef = new float[x.length];
            REFERENCE.globalAvgPoolBackward(meansRef, planes, h * w, spreadRef);
            device.globalAvgPoolBackward(meansRef, planes, h * w, spread);
            assertThat(spread).as("global average gradient %s", shape).containsExactly(spreadRef);
            float[] sum = new float[x.length];
            float[] sumRef = new float[x.length];
            REFERENCE.add(xs, dx, sumRef, x.length);
            device.add(xs, dx, sum, x.length);
            assertThat(sum).as("add %s", shape).containsExactly(sumRef);
        }
    }

    @Test
    void onePlanServesManyShapes() {
        long before = device.compilations();
        SplittableRandom rnd = new SplittableRandom(6);
        for (int length = 10; length < 60; length += 7) {
            float[] x = random(rnd, length);
            float[] y = new float[length];
            device.hardtanhForward(x, y, length);
        }
        // At most one build for hardtanh (none if an earlier test compiled it with room for 60 values).
        assertThat(device.compilations() - before).isLessThanOrEqualTo(1);
    }
}
