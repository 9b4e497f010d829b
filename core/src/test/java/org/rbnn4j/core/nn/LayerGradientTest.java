package org.rbnn4j.core.nn;

import static org.rbnn4j.core.nn.GradientCheck.randn;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.tensor.Tensor;

/** Every float layer's backward pass against central finite differences, on small odd shapes. */
class LayerGradientTest {

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    private static Conv2d conv(int cin, int cout, int k, int s, int p, boolean bias, Random rng) {
        Conv2d c = new Conv2d(cin, cout, k, s, p, bias);
        Initializers.kaimingNormal(c.weight().value(), rng);
        if (bias) {
            Initializers.normal(c.bias().value(), 0, 0.5, rng);
        }
        return c;
    }

    /** Values in [-range, range] that keep at least {@code gap} away from each kink in {@code kinks}. */
    private static Tensor awayFromKinks(Random rng, double range, double gap, double[] kinks, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            double v;
            boolean near;
            do {
                v = (rng.nextDouble() * 2 - 1) * range;
                near = false;
                for (double k : kinks) {
                    near |= Math.abs(v - k) < gap;
                }
            } while (near);
            d[i] = (float) v;
        }
        return t;
    }

    /** Distinct values at least 0.05 apart, so that no max-pool window has a near tie. */
    private static Tensor distinct(Random rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        int[] perm = new int[d.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.05f * (perm[i] - d.length / 2f);
        }
        return t;
    }

    @Test
    void conv2dStride1Padding1WithBias() {
        Random rng = new Random(1);
        Conv2d c = conv(3, 4, 3, 1, 1, true, rng);
        new GradientCheck(c, Mode.TRAIN).assertGradientsMatch("conv k3 s1 p1 bias", randn(rng, 2, 3, 5, 6), rng);
    }

    @Test
    void conv2dStride2NoPaddingOddSize() {
        Random rng = new Random(2);
        Conv2d c = conv(2, 3, 3, 2, 0, false, rng);
        new GradientCheck(c, Mode.TRAIN).assertGradientsMatch("conv k3 s2 p0 7x7", randn(rng, 2, 2, 7, 7), rng);
    }

    @Test
    void conv2dStride2Padding1EvenSize() {
        Random rng = new Random(3);
        Conv2d c = conv(3, 2, 3, 2, 1, false, rng);
        new GradientCheck(c, Mode.TRAIN).assertGradientsMatch("conv k3 s2 p1 6x6", randn(rng, 2, 3, 6, 6), rng);
    }

    @Test
    void conv2dPointwiseStride2AndLargePadding() {
        Random rng = new Random(4);
        new GradientCheck(conv(4, 3, 1, 2, 0, false, rng), Mode.TRAIN).assertGradientsMatch("conv k1 s2", randn(rng, 3, 4, 5, 5), rng);
        new GradientCheck(conv(2, 2, 2, 3, 2, true, rng), Mode.TRAIN).assertGradientsMatch("conv k2 s3 p2", randn(rng, 1, 2, 5, 4), rng);
    }

    @Test
    void linearWithAndWithoutBias() {
        Random rng = new Random(5);
        Linear l = new Linear(7, 5);
        Initializers.kaimingNormal(l.weight().value(), rng);
        Initializers.normal(l.bias().value(), 0, 0.5, rng);
        new GradientCheck(l, Mode.TRAIN).assertGradientsMatch("linear bias", randn(rng, 3, 7), rng);
        Linear nb = new Linear(4, 3, false);
        Initializers.kaimingNormal(nb.weight().value(), rng);
        new GradientCheck(nb, Mode.EVAL).assertGradientsMatch("linear no bias", randn(rng, 2, 4), rng);
    }

    private static void randomAffine(BatchNorm bn, Random rng) {
        Initializers.uniform(bn.weight().value(), 0.5, 1.5, rng);
        Initializers.normal(bn.bias().value(), 0, 0.5, rng);
    }

    @Test
    void batchNorm2dTrainingCouplesTheBatch() {
        Random rng = new Random(6);
        BatchNorm2d bn = new BatchNorm2d(3);
        randomAffine(bn, rng);
        new GradientCheck(bn, Mode.TRAIN).eps(1e-2).assertGradientsMatch("bn2d train", randn(rng, 2, 3, 3, 2), rng);
    }

    @Test
    void batchNorm2dEvaluationIsAnAffineMap() {
        Random rng = new Random(7);
        BatchNorm2d bn = new BatchNorm2d(2);
        randomAffine(bn, rng);
        for (int i = 0; i < 3; i++) {
            bn.forward(randn(rng, 4, 2, 2, 2), Mode.TRAIN);
        }
        new GradientCheck(bn, Mode.EVAL).assertGradientsMatch("bn2d eval", randn(rng, 2, 2, 3, 3), rng);
    }

    @Test
    void batchNorm1dOnFeaturesAndSequences() {
        Random rng = new Random(8);
        BatchNorm1d bn = new BatchNorm1d(4);
        randomAffine(bn, rng);
        new GradientCheck(bn, Mode.TRAIN).assertGradientsMatch("bn1d train [N,C]", randn(rng, 5, 4), rng);
        BatchNorm1d seq = new BatchNorm1d(2);
        randomAffine(seq, rng);
        new GradientCheck(seq, Mode.TRAIN).assertGradientsMatch("bn1d train [N,C,L]", randn(rng, 2, 2, 3), rng);
    }

    @Test
    void hardtanhAwayFromItsKinks() {
        Random rng = new Random(9);
        new GradientCheck(new Hardtanh(), Mode.TRAIN)
                .assertGradientsMatch("hardtanh", awayFromKinks(rng, 2.0, 0.05, new double[]{-1, 1}, 2, 3, 4, 3), rng);
    }

    @Test
    void reluAwayFromItsKink() {
        Random rng = new Random(10);
        new GradientCheck(new ReLU(), Mode.TRAIN)
                .assertGradientsMatch("relu", awayFromKinks(rng, 2.0, 0.05, new double[]{0}, 2, 3, 3, 3), rng);
    }

    @Test
    void maxPoolNonOverlappingAndOverlapping() {
        Random rng = new Random(11);
        new GradientCheck(new MaxPool2d(2, 2), Mode.TRAIN).assertGradientsMatch("maxpool k2 s2 5x6", distinct(rng, 2, 2, 5, 6), rng);
        new GradientCheck(new MaxPool2d(3, 2), Mode.TRAIN).assertGradientsMatch("maxpool k3 s2 7x7", distinct(rng, 1, 2, 7, 7), rng);
    }

    @Test
    void avgPoolNonOverlappingAndOverlapping() {
        Random rng = new Random(12);
        new GradientCheck(new AvgPool2d(2), Mode.TRAIN).assertGradientsMatch("avgpool k2 s2 5x4", randn(rng, 2, 2, 5, 4), rng);
        new GradientCheck(new AvgPool2d(3, 1), Mode.TRAIN).assertGradientsMatch("avgpool k3 s1", randn(rng, 1, 2, 4, 5), rng);
    }

    @Test
    void globalAvgPoolAndFlatten() {
        Random rng = new Random(13);
        new GradientCheck(new GlobalAvgPool(), Mode.TRAIN).assertGradientsMatch("global avg pool", randn(rng, 2, 3, 3, 5), rng);
        new GradientCheck(new Flatten(), Mode.TRAIN).assertGradientsMatch("flatten", randn(rng, 2, 3, 2, 2), rng);
    }

    @Test
    void shortcutAOnOddAndEvenSizes() {
        Random rng = new Random(14);
        new GradientCheck(new ShortcutA(4, 8, 2), Mode.TRAIN).assertGradientsMatch("shortcutA 4->8 s2 5x5", randn(rng, 2, 4, 5, 5), rng);
        new GradientCheck(new ShortcutA(3, 6, 2), Mode.TRAIN).assertGradientsMatch("shortcutA 3->6 s2 4x6", randn(rng, 1, 3, 4, 6), rng);
        new GradientCheck(new ShortcutA(2, 5, 1), Mode.TRAIN).assertGradientsMatch("shortcutA 2->5 s1", randn(rng, 1, 2, 3, 3), rng);
    }

    @Test
    void zeroPad() {
        Random rng = new Random(15);
        new GradientCheck(new ZeroPad2d(1, 2, 0, 3), Mode.TRAIN).assertGradientsMatch("zeropad", randn(rng, 2, 2, 3, 4), rng);
    }

    @Test
    void sequentialChainsBackward() {
        Random rng = new Random(16);
        Sequential s = new Sequential()
                .add("conv", conv(2, 3, 3, 2, 1, false, rng))
                .add("bn", new BatchNorm2d(3))
                .add("act", new Tanh())
                .add("pool", new GlobalAvgPool())
                .add("fc", new Linear(3, 4));
        Initializers.kaimingNormal(((Linear) s.get("fc")).weight().value(), rng);
        new GradientCheck(s, Mode.TRAIN).assertGradientsMatch("sequential", randn(rng, 3, 2, 5, 5), rng);
    }

    private static BasicBlock block(int cin, int planes, int stride, BasicBlock.Wiring wiring, Layer shortcut, Random rng) {
        BatchNorm2d bn1 = new BatchNorm2d(planes);
        BatchNorm2d bn2 = new BatchNorm2d(planes);
        randomAffine(bn1, rng);
        randomAffine(bn2, rng);
        return new BasicBlock(conv(cin, planes, 3, stride, 1, false, rng), bn1, conv(planes, planes, 3, 1, 1, false, rng), bn2,
                shortcut, wiring, Tanh::new);
    }

    @Test
    void basicBlockStandardWiringWithOptionAAndIdentityShortcuts() {
        Random rng = new Random(17);
        new GradientCheck(block(2, 4, 2, BasicBlock.Wiring.STANDARD, new ShortcutA(2, 4, 2), rng), Mode.TRAIN)
                .assertGradientsMatch("block standard, option A", randn(rng, 2, 2, 5, 5), rng);
        new GradientCheck(block(3, 3, 1, BasicBlock.Wiring.STANDARD, new Identity(), rng), Mode.TRAIN)
                .assertGradientsMatch("block standard, identity", randn(rng, 2, 3, 4, 4), rng);
    }

    @Test
    void basicBlockBiRealWiring() {
        Random rng = new Random(18);
        new GradientCheck(block(2, 4, 2, BasicBlock.Wiring.BI_REAL, new ShortcutA(2, 4, 2), rng), Mode.TRAIN)
                .assertGradientsMatch("block bi-real, option A", randn(rng, 2, 2, 4, 5), rng);
        new GradientCheck(block(3, 3, 1, BasicBlock.Wiring.BI_REAL, null, rng), Mode.TRAIN)
                .assertGradientsMatch("block bi-real, identity", randn(rng, 2, 3, 3, 3), rng);
    }

    @Test
    void basicBlockWithProjectionShortcut() {
        Random rng = new Random(19);
        Sequential projection = Sequential.of(conv(2, 3, 1, 2, 0, false, rng), new BatchNorm2d(3));
        new GradientCheck(block(2, 3, 2, BasicBlock.Wiring.STANDARD, projection, rng), Mode.TRAIN)
                .assertGradientsMatch("block, projection shortcut", randn(rng, 2, 2, 5, 5), rng);
    }

    @Test
    void residualAdd() {
        Random rng = new Random(20);
        ResidualAdd r = new ResidualAdd(Sequential.of(conv(3, 3, 3, 1, 1, true, rng), new Tanh()), null);
        new GradientCheck(r, Mode.TRAIN).assertGradientsMatch("residual add", randn(rng, 2, 3, 3, 4), rng);
    }
}
