package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.RandomModels;

/**
 * Packed inference equals the float simulation ({@code forward(x, EVAL)}) on every zoo model, and its fused schedule
 * equals the unfused logical ops bit for bit.
 */
class PackedModelTest {

    static Stream<Arguments> zoo() {
        return Stream.of(
                Arguments.of(ModelSpec.of("resnet20", 3, 10), 16),
                Arguments.of(ModelSpec.of("vgg_small", 3, 10), 4),
                Arguments.of(ModelSpec.of("resnet20_1w1a", 3, 10), 64),
                Arguments.of(ModelSpec.of("resnet20_1w1a", 1, 10).withOption("one_padding", "true"), 16),
                Arguments.of(ModelSpec.of("resnet20_1w1a", 3, 10).withOption("binary_activations", "false"), 8),
                Arguments.of(ModelSpec.of("resnet20_bireal_1w1a", 3, 10), 32),
                Arguments.of(ModelSpec.of("resnet18_1w1a", 3, 10), 4),
                Arguments.of(ModelSpec.of("vgg_small_1w1a", 3, 10), 4),
                // one input channel, 24x24: the first pooled layer in bands of 10 rows (the last band 4), pooled
                // maps of 12, 6 and 3
                Arguments.of(ModelSpec.of("vgg_small_1w1a", 1, 10).withInputSize(24), 3),
                Arguments.of(ModelSpec.of("resnet18_1w1a_imagenet", 3, 10).withInputSize(64), 3),
                Arguments.of(ModelSpec.of("resnet34_1w1a_imagenet", 3, 10).withInputSize(64), 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void packedEqualsFloatSimulationOnRandomWeights(ModelSpec spec, int images) {
        Network net = ModelZoo.create(spec, 7);
        randomiseStatistics(net, new Random(11));
        Tensor x = randomImages(images, spec, new Random(5));
        Tensor expected = net.forward(x, Mode.EVAL).copy();
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 2)) {
            Tensor logits = packed.logits(x);
            assertSameLogits(logits, expected, spec.architecture());
            // The fused schedule computes exactly what the logical ops compute one by one, on every path.
            float[] reference = packed.referenceLogits(x).data();
            assertThat(logits.data()).as("fused = unfused, two threads").isEqualTo(reference);
            assertThat(packed.logits(slice(x, images - 1, 1)).data()).as("fused = unfused, single image")
                    .isEqualTo(Arrays.copyOfRange(reference, (images - 1) * 10, images * 10));
        }
        try (PackedModel single = PackedModel.compile(net, Map.of(), 1)) {
            assertThat(single.logits(x).data()).as("fused = unfused, one thread")
                    .isEqualTo(single.referenceLogits(x).data());
        }
    }

    @Test
    void resnet20AfterSgdStepsMatchesOnManyInputsAndEveryPath() {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 3, 10);
        Network net = ModelZoo.create(spec, 3);
        Random r = new Random(9);
        net.onEpochStart(0, 10, 0.1, 10);
        Sgd sgd = new Sgd(net.parameters(), 0.1, 0.9, 1e-4);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        for (int step = 0; step < 4; step++) {
            net.onBatchStart(step);
            Tensor x = randomImages(16, spec, r);
            int[] labels = r.ints(16, 0, 10).toArray();
            sgd.zeroGrad();
            loss.forward(net.forward(x, Mode.TRAIN), labels);
            net.backward(loss.backward());
            sgd.step();
        }
        int images = 1000;
        Tensor x = randomImages(images, spec, new Random(1));
        Tensor expected = evalInBatches(net, x, 100);
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 2)) {
            assertSameLogits(packed.logits(x), expected, "trained resnet20_1w1a");
            // the single-image path (binary convolutions split among threads) gives the same numbers
            Tensor one = slice(x, 17, 1);
            assertSameLogits(packed.logits(one), slice(expected, 17, 1), "single image");
        }
        try (PackedModel single = PackedModel.compile(net, Map.of(), 1)) {
            assertSameLogits(single.logits(slice(x, 0, 50)), slice(expected, 0, 50), "one thread");
        }
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 3, 10);
        Network net = ModelZoo.create(spec, 4);
        randomiseStatistics(net, new Random(2));
        Tensor a = randomImages(8, spec, new Random(1));
        Tensor b = randomImages(3, spec, new Random(2));
        Tensor ea = net.forward(a, Mode.EVAL).copy();
        Tensor eb = net.forward(b, Mode.EVAL).copy();
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 2)) {
            Thread[] threads = new Thread[4];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads.length; t++) {
                boolean useA = t % 2 == 0;
                threads[t] = new Thread(() -> {
                    try {
                        for (int k = 0; k < 5; k++) {
                            assertSameLogits(packed.logits(useA ? a : b), useA ? ea : eb, "concurrent");
                        }
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failure[0]).isNull();
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    static void randomiseStatistics(Network net, Random r) {
        RandomModels.randomiseStatistics(net, r);
    }

    static Tensor randomImages(int n, ModelSpec spec, Random r) {
        return RandomModels.randomImages(n, spec, r);
    }

    static Tensor evalInBatches(Network net, Tensor x, int batch) {
        int n = x.dim(0);
        Tensor first = net.forward(slice(x, 0, Math.min(batch, n)), Mode.EVAL);
        int classes = first.dim(1);
        float[] out = new float[n * classes];
        for (int i = 0; i < n; i += batch) {
            int m = Math.min(batch, n - i);
            Tensor y = net.forward(slice(x, i, m), Mode.EVAL);
            System.arraycopy(y.data(), 0, out, i * classes, m * classes);
        }
        return Tensor.of(out, n, classes);
    }

    static Tensor slice(Tensor x, int from, int count) {
        int[] shape = x.shape().clone();
        int per = x.size() / shape[0];
        shape[0] = count;
        float[] d = new float[count * per];
        System.arraycopy(x.data(), from * per, d, 0, d.length);
        return Tensor.of(d, shape);
    }

    /** Argmax identical on every image; logits within 1e-4 of the largest |logit| of that image. */
    static void assertSameLogits(Tensor actual, Tensor expected, String what) {
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        int n = expected.dim(0);
        int c = expected.dim(1);
        float[] a = actual.data();
        float[] e = expected.data();
        int argmaxDiffer = 0;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            int ba = 0;
            int be = 0;
            double max = 0;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, Math.abs(e[i * c + k]));
                if (a[i * c + k] > a[i * c + ba]) {
                    ba = k;
                }
                if (e[i * c + k] > e[i * c + be]) {
                    be = k;
                }
            }
            for (int k = 0; k < c; k++) {
                worst = Math.max(worst, Math.abs(a[i * c + k] - e[i * c + k]) / Math.max(max, 1e-30));
            }
            if (ba != be) {
                argmaxDiffer++;
            }
        }
        assertThat(argmaxDiffer).as(what + ": images whose argmax differs").isZero();
        assertThat(worst).as(what + ": worst logit difference relative to max |logit|").isLessThan(1e-4);
    }
}
