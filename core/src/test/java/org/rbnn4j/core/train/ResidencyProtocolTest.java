package org.rbnn4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ResidencyCheckingBackend;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.InMemoryBatchSource;
import org.rbnn4j.core.init.Initializers;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.AvgPool2d;
import org.rbnn4j.core.nn.BatchNorm1d;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Conv2d;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Flatten;
import org.rbnn4j.core.nn.Hardtanh;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.MaxPool2d;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.nn.ReLU;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.nn.ZeroPad2d;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Layers, optimiser and trainer keep the residency protocol of the compute SPI (a device backend may keep every
 * array an operation writes on its device): whole training runs of the zoo's models under
 * {@link ResidencyCheckingBackend}, which poisons every host array whose newest values it holds, equal bit for bit to
 * the same runs on the plain scalar backend (losses, accuracies, checkpoints, a resumed run, evaluation outputs).
 * (The full {@code n x n} rotation runs no backend operation, and is slow here: not among the cases.)
 */
class ResidencyProtocolTest {
    private static final int CLASSES = 3;
    private static final int SIZE = 8;

    private ComputeBackend previous;

    @AfterEach
    void restoreBackend() {
        if (previous != null) {
            Backends.use(previous);
        }
    }

    private static InMemoryBatchSource data(int batches, int batchSize, int channels, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Batch> list = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[] x = new float[batchSize * channels * SIZE * SIZE];
            int[] y = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                y[i] = rnd.nextInt(CLASSES);
            }
            for (int i = 0; i < x.length; i++) {
                int sample = i / (channels * SIZE * SIZE);
                x[i] = (float) (rnd.nextGaussian() + 0.5 * y[sample]);
            }
            list.add(new Batch(Tensor.of(x, batchSize, channels, SIZE, SIZE), y));
        }
        return new InMemoryBatchSource(list);
    }

    /** A run (rotation at each epoch start, BN recalibration, clipping, checkpoints), then optionally a resume. */
    private record Run(List<EpochMetrics> history, Checkpoint last, List<EpochMetrics> resumed, float[] evalLogits) {
    }

    /** {@code architecture} or {@code architecture|key=value,key=value} (binary-layer options, {@code ModelOptions}). */
    private static Network zoo(String model, long seed) {
        String[] parts = model.split("\\|");
        ModelSpec spec = ModelSpec.of(parts[0], 3, CLASSES).withInputSize(SIZE);
        if (parts.length > 1) {
            for (String option : parts[1].split(",")) {
                String[] kv = option.split("=");
                spec = spec.withOption(kv[0], kv[1]);
            }
        }
        return ModelZoo.create(spec, seed);
    }

    /** The layers the zoo cases leave out: float convolution and linear with bias, ReLU, padding, pools, BN 1d. */
    private static Network otherLayers(long seed) {
        java.util.Random rng = new java.util.Random(seed);
        Conv2d conv = new Conv2d(3, 4, 3, 1, 1, true);
        Linear hidden = new Linear(4 * 5 * 5, 6, true);
        Linear fc = new Linear(6, CLASSES, true);
        for (Parameter p : List.of(conv.weight(), hidden.weight(), fc.weight())) {
            Initializers.kaimingNormal(p.value(), rng);
        }
        Sequential root = new Sequential().add("conv", conv).add("relu", new ReLU()).add("pad", new ZeroPad2d(1))
                .add("avg", new AvgPool2d(2)).add("bn", new BatchNorm2d(4)).add("max", new MaxPool2d(3, 1, 1))
                .add("flatten", new Flatten()).add("hidden", hidden).add("bn1d", new BatchNorm1d(6))
                .add("act", new Hardtanh()).add("fc", fc);
        return new Network("other_layers", root);
    }

    private Run train(LongFunction<Network> model, ComputeBackend backend, Path dir, int epochs, boolean resume) {
        ComputeBackend old = Backends.use(backend);
        if (previous == null) {
            previous = old;
        }
        TrainingConfig config = TrainingConfig.builder().epochs(epochs).batchSize(4).learningRate(0.05).warmup(false)
                .gradientClipNorm(5).bnRecalibrationBatches(1).seed(3).outputDir(dir).build();
        InMemoryBatchSource train = data(epochs > 1 ? 3 : 2, 4, 3, 11);
        InMemoryBatchSource test = data(2, 4, 3, 12);
        Trainer trainer = new Trainer(model.apply(5), config);
        TrainingResult result = trainer.fit(train, test);
        Checkpoint last = trainer.checkpoint(epochs);
        Tensor logits = trainer.network().forward(test.epoch(0).iterator().next().images(), Mode.EVAL);
        backend.syncToHost(logits.data());
        float[] evalLogits = logits.data().clone();
        if (!resume) {
            return new Run(result.epochs(), last, List.of(), evalLogits);
        }
        // A one-epoch run of the same model, resumed into a fresh network for the second epoch.
        Path one = dir.resolve("one");
        new Trainer(model.apply(5), config.toBuilder().epochs(1).outputDir(one).build()).fit(train, test);
        Trainer resumed = new Trainer(model.apply(99), config.toBuilder().outputDir(dir.resolve("resumed")).build());
        try {
            resumed.resume(Checkpoint.read(one.resolve(Trainer.LAST)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<EpochMetrics> again = resumed.fit(train, test).epochs();
        return new Run(result.epochs(), last, again, evalLogits);
    }

    private void assertSameRuns(LongFunction<Network> model, Path plainDir, Path checkedDir, int epochs, boolean resume) {
        Run plain = train(model, new ScalarBackend(), plainDir, epochs, resume);
        ResidencyCheckingBackend checked = new ResidencyCheckingBackend(new ScalarBackend());
        Run device = train(model, checked, checkedDir, epochs, resume);

        assertThat(device.history()).hasSize(epochs);
        for (int e = 0; e < epochs; e++) {
            EpochMetrics p = plain.history().get(e);
            EpochMetrics d = device.history().get(e);
            assertThat(d.trainLoss()).as("epoch %d train loss", e).isEqualTo(p.trainLoss()).isFinite();
            assertThat(d.trainAccuracy()).as("epoch %d train accuracy", e).isEqualTo(p.trainAccuracy());
            assertThat(d.testLoss()).as("epoch %d test loss", e).isEqualTo(p.testLoss()).isFinite();
            assertThat(d.layers()).as("epoch %d layer diagnostics", e).isEqualTo(p.layers());
        }
        assertSameFloats("evaluation logits", device.evalLogits(), plain.evalLogits());
        Map<String, Tensor> expected = plain.last().tensors();
        assertThat(device.last().tensors().keySet()).isEqualTo(expected.keySet());
        device.last().tensors().forEach((name, t) -> assertSameFloats(name, t.data(), expected.get(name).data()));
        if (resume) {
            assertThat(device.resumed().get(0).trainLoss()).isEqualTo(plain.resumed().get(0).trainLoss());
            assertThat(device.resumed().get(0).trainLoss()).isEqualTo(plain.history().get(1).trainLoss());
        }
        assertThat(checked.transfers()[1]).as("downloads happened: the device really kept arrays").isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet20_1w1a", "resnet20_bireal_1w1a", "resnet20",
        "resnet20_1w1a|sign_grad=tanh,learn_blend=false",
        "resnet20_1w1a|rotation_schedule=iteration,sign_grad=ste",
        "resnet20_1w1a|rotation=off,binary_activations=false,one_padding=true"})
    void trainingResumingAndEvaluatingKeepTheProtocol(String architecture, @TempDir Path plainDir,
                                                     @TempDir Path checkedDir) {
        assertSameRuns(seed -> zoo(architecture, seed), plainDir, checkedDir, 2, true);
    }

    /** VGG-Small (max pooling, the linear classifier) is slow on the scalar backend: one epoch of two batches. */
    @Test
    void vggSmallKeepsTheProtocol(@TempDir Path plainDir, @TempDir Path checkedDir) {
        assertSameRuns(seed -> zoo("vgg_small_1w1a", seed), plainDir, checkedDir, 1, false);
    }

    @Test
    void theRemainingLayersKeepTheProtocol(@TempDir Path plainDir, @TempDir Path checkedDir) {
        assertSameRuns(ResidencyProtocolTest::otherLayers, plainDir, checkedDir, 2, true);
    }

    /**
     * What the protocol is for: once the layers run everything as backend operations, a training step of
     * {@code resnet20_1w1a} (after the epoch's rotation update) moves only its batch to the device and its logits
     * back (the loss and its gradient are host code: the gradient of the logits goes back in).
     */
    @Test
    void aTrainingStepMovesOnlyItsBatchInAndItsLogitsOut() {
        ResidencyCheckingBackend checked = new ResidencyCheckingBackend(new ScalarBackend());
        ComputeBackend old = Backends.use(checked);
        if (previous == null) {
            previous = old;
        }
        Network net = zoo("resnet20_1w1a", 5);
        Sgd sgd = new Sgd(net.parameters(), 0.05, 0.9, 1e-4);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        List<Batch> batches = new ArrayList<>();
        data(4, 4, 3, 21).epoch(0).forEach(batches::add);
        net.onEpochStart(0, 2, 0.5, 2);
        long[][] perStep = new long[batches.size()][];
        for (int step = 0; step < batches.size(); step++) {
            long[] before = checked.transfers();
            Batch batch = batches.get(step);
            net.onBatchStart(step);
            net.zeroGrad();
            double value = loss.forward(net.forward(batch.images(), Mode.TRAIN), batch.labels());
            assertThat(value).isFinite();
            net.backward(loss.backward());
            sgd.step();
            long[] after = checked.transfers();
            perStep[step] = new long[] {after[0] - before[0], after[1] - before[1]};
        }
        for (int step = 2; step < batches.size(); step++) {
            assertThat(perStep[step]).as("step %d: {arrays uploaded, arrays downloaded}", step)
                    .containsExactly(2, 1);
        }
        // After training the device holds the newest parameters and buffers (the checker poisoned the host copies):
        // Network.syncToHost, what exporters and the packed compiler call first, brings every one of them home.
        net.syncToHost();
        net.parameters().forEach((name, p) -> assertNoNaN(name, p.value().data()));
        net.buffers().forEach(ResidencyProtocolTest::assertNoNaN);
    }

    private static void assertNoNaN(String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            assertThat(Float.isNaN(values[i])).as("%s[%d] is NaN (a stale host copy)", what, i).isFalse();
        }
    }

    private static void assertNoNaN(String what, org.rbnn4j.core.tensor.Tensor t) {
        assertNoNaN(what, t.data());
    }

    /** Bit-for-bit equality, reporting the first difference (AssertJ's diff of large arrays takes minutes). */
    private static void assertSameFloats(String what, float[] actual, float[] expected) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                assertThat(actual[i]).as("%s[%d] (first difference)", what, i).isEqualTo(expected[i]);
            }
        }
    }

    /** The checker itself catches what the protocol forbids. */
    @Test
    void theCheckerPoisonsStaleHostArraysAndCatchesUnannouncedWrites() {
        ResidencyCheckingBackend checked = new ResidencyCheckingBackend(new ScalarBackend());
        float[] x = {0.5f, -2f, 3f};
        float[] y = new float[3];
        checked.hardtanhForward(x, y, 3);
        assertThat(Float.isNaN(y[0])).as("an output is poison on the host until synchronised").isTrue();
        checked.syncToHost(y);
        assertThat(y).containsExactly(0.5f, -1f, 1f);

        x[1] = 0f; // a write to an array in sync, not announced
        assertThatThrownBy(() -> checked.hardtanhForward(x, y, 3))
                .isInstanceOf(ResidencyCheckingBackend.ProtocolViolation.class).hasMessageContaining("markHostWritten");
        checked.markHostWritten(x);
        checked.hardtanhForward(x, y, 3);
        checked.syncToHost(y);
        assertThat(y).containsExactly(0.5f, 0f, 1f);

        float[] z = new float[3];
        checked.add(x, x, z, 3);
        z[0] = 1f; // a write to an array whose newest values are on the device, without syncToHost
        assertThatThrownBy(() -> checked.add(z, x, y, 3))
                .isInstanceOf(ResidencyCheckingBackend.ProtocolViolation.class).hasMessageContaining("syncToHost");
        assertThat(checked.transfers()).containsExactly(2, 2);
    }
}
