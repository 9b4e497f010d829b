package org.rbnn4j.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.InMemoryBatchSource;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.BatchNorm2d;
import org.rbnn4j.core.nn.Flatten;
import org.rbnn4j.core.nn.Linear;
import org.rbnn4j.core.nn.Sequential;
import org.rbnn4j.core.tensor.Tensor;

/** The epoch loop on a tiny BatchNorm + linear classifier of separable Gaussian blobs (scalar backend). */
class TrainerTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;

    @BeforeAll
    static void scalarBackend() {
        Backends.use(new ScalarBackend());
    }

    /** Class c is centred at 3 * e_c (plus an offset of 2 on every feature) with unit noise. */
    private static InMemoryBatchSource blobs(int batches, int batchSize, long seed) {
        Random rng = new Random(seed);
        List<Batch> list = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[] x = new float[batchSize * FEATURES];
            int[] y = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                y[i] = rng.nextInt(CLASSES);
                for (int f = 0; f < FEATURES; f++) {
                    x[i * FEATURES + f] = (float) (2 + (f == y[i] ? 3 : 0) + rng.nextGaussian());
                }
            }
            list.add(new Batch(Tensor.of(x, batchSize, FEATURES, 1, 1), y));
        }
        return new InMemoryBatchSource(list);
    }

    private static Network classifier(long seed) {
        Sequential root = new Sequential();
        root.add("bn", new BatchNorm2d(FEATURES));
        root.add("flatten", new Flatten());
        Linear linear = new Linear(FEATURES, CLASSES);
        Random rng = new Random(seed);
        float[] w = linear.weight().value().data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.1 * rng.nextGaussian());
        }
        root.add("linear", linear);
        return new Network("blobs", root);
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder().epochs(3).batchSize(16).learningRate(0.1).warmup(false).seed(1);
    }

    @Test
    void learnsSeparableDataAndReportsEveryEpoch() {
        List<String> events = new ArrayList<>();
        Trainer trainer = new Trainer(classifier(1), config().build()).addListener(new TrainingListener() {
            @Override
            public void onTrainingStart(TrainingConfig config, int startEpoch, int batchesPerEpoch) {
                events.add("start " + startEpoch + " " + batchesPerEpoch);
            }

            @Override
            public void onEpochStart(int epoch, double learningRate, double t, double k) {
                events.add("epoch " + epoch);
            }

            @Override
            public void onEpochEnd(EpochMetrics metrics) {
                events.add("end " + metrics.epoch());
            }

            @Override
            public void onTrainingEnd(TrainingResult result) {
                events.add("done " + result.epochs().size());
            }
        });
        TrainingResult result = trainer.fit(blobs(10, 16, 1), blobs(4, 25, 2));
        assertThat(events).containsExactly("start 0 10", "epoch 0", "end 1", "epoch 1", "end 2", "epoch 2", "end 3", "done 3");
        assertThat(result.epochs()).hasSize(3);
        assertThat(result.last().trainLoss()).isLessThan(result.epochs().get(0).trainLoss());
        assertThat(result.last().testAccuracy()).isGreaterThan(0.9);
        assertThat(result.bestAccuracy()).isEqualTo(result.epochs().stream().mapToDouble(EpochMetrics::testAccuracy).max().orElseThrow());
        // Cosine without warm-up: lr(e) = 0.1 * (1 + cos(pi e / 3)) / 2.
        assertThat(result.epochs().get(1).learningRate()).isCloseTo(0.1 * 0.75, within(1e-12));
    }

    @Test
    void recalibrationSetsRunningStatisticsToTheAverageOfTheBatchStatistics() {
        InMemoryBatchSource train = blobs(6, 16, 3);
        Network net = classifier(3);
        new Trainer(net, config().epochs(1).bnRecalibrationBatches(4).build()).fit(train, null);

        // The BatchNorm is the first layer, so its inputs are the data: the re-estimate is the plain mean of the
        // first four batches' means and unbiased variances, whatever the exponential average had reached.
        BatchNorm2d bn = (BatchNorm2d) ((Sequential) net.root()).get("bn");
        for (int f = 0; f < FEATURES; f++) {
            double meanSum = 0;
            double varSum = 0;
            for (int b = 0; b < 4; b++) {
                float[] x = train.batches().get(b).images().data();
                int n = train.batches().get(b).size();
                double m = 0;
                for (int i = 0; i < n; i++) {
                    m += x[i * FEATURES + f];
                }
                m /= n;
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += (x[i * FEATURES + f] - m) * (x[i * FEATURES + f] - m);
                }
                meanSum += m;
                varSum += v / (n - 1);
            }
            assertThat(bn.runningMean().data()[f]).as("mean %d", f).isCloseTo((float) (meanSum / 4), within(1e-5f));
            assertThat(bn.runningVar().data()[f]).as("var %d", f).isCloseTo((float) (varSum / 4), within(1e-4f));
        }

        // Without it, the exponential average after 6 batches from (0, 1) is still far from the data's mean (~3).
        Network plain = classifier(3);
        new Trainer(plain, config().epochs(1).build()).fit(train, null);
        BatchNorm2d plainBn = (BatchNorm2d) ((Sequential) plain.root()).get("bn");
        assertThat(plainBn.runningMean().data()[0]).isLessThan(2.0f);
        assertThat(bn.momentum()).isEqualTo(0.1);
    }

    @Test
    void recalibrationLeavesParametersAlone() {
        InMemoryBatchSource train = blobs(3, 16, 4);
        Network net = classifier(4);
        Tensor before = net.parameters().get("linear.weight").value().copy();
        int used = BatchNormRecalibration.run(net, train, 0, 100);
        assertThat(used).isEqualTo(3);
        assertThat(net.parameters().get("linear.weight").value().data()).containsExactly(before.data());
        assertThatThrownBy(() -> BatchNormRecalibration.run(net, train, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 batch");
    }

    @Test
    void writesLastAndBestCheckpointsAndMetricsEveryEpoch(@TempDir Path dir) throws Exception {
        Trainer trainer = new Trainer(classifier(5), config().outputDir(dir).build());
        TrainingResult result = trainer.fit(blobs(8, 16, 5), blobs(2, 50, 6));
        assertThat(dir.resolve(Trainer.LAST)).exists();
        assertThat(dir.resolve(Trainer.BEST)).exists();
        assertThat(dir.resolve("metrics.csv")).exists();
        assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(1 + 3);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        Checkpoint last = Checkpoint.read(dir.resolve(Trainer.LAST));
        Checkpoint best = Checkpoint.read(dir.resolve(Trainer.BEST));
        assertThat(last.meta("trainer.epochs_done")).isEqualTo("3");
        assertThat(best.meta("trainer.epochs_done")).isEqualTo(Integer.toString(result.bestEpoch()));
        assertThat(Double.parseDouble(best.meta("trainer.best_accuracy"))).isEqualTo(result.bestAccuracy());
    }

    @Test
    void nonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        InMemoryBatchSource good = blobs(4, 16, 7);
        Network net = classifier(7);
        new Trainer(net, config().epochs(1).outputDir(dir).build()).fit(good, null);
        byte[] lastGood = Files.readAllBytes(dir.resolve(Trainer.LAST));

        // Epoch 2 meets a batch with a NaN feature.
        List<Batch> poisoned = new ArrayList<>(good.batches());
        Batch second = poisoned.get(1);
        float[] x = second.images().data().clone();
        x[3] = Float.NaN;
        poisoned.set(1, new Batch(Tensor.of(x, second.images().shape()), second.labels()));
        Trainer resumed = new Trainer(net, config().epochs(2).outputDir(dir).build());
        resumed.resume(Checkpoint.read(dir.resolve(Trainer.LAST)));
        assertThatThrownBy(() -> resumed.fit(new InMemoryBatchSource(poisoned), null))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("NaN").hasMessageContaining("epoch 2, batch 2")
                .hasMessageContaining(dir.resolve(Trainer.LAST).toString());
        assertThat(Files.readAllBytes(dir.resolve(Trainer.LAST))).isEqualTo(lastGood);
    }

    @Test
    void gradientClippingBoundsTheFirstStep() {
        InMemoryBatchSource train = blobs(1, 16, 8);
        Network net = classifier(8);
        List<float[]> before = new ArrayList<>();
        net.parameters().values().forEach(p -> before.add(p.value().data().clone()));
        double clip = 1e-3;
        double lr = 0.1;
        new Trainer(net, config().epochs(1).learningRate(lr).momentum(0).weightDecay(0).gradientClipNorm(clip).build())
                .fit(train, null);
        // One SGD step of lr * g with ||g|| clipped to 1e-3 (the raw gradient is far larger): the step's norm is lr * clip.
        double sq = 0;
        int i = 0;
        for (var p : net.parameters().values()) {
            float[] now = p.value().data();
            float[] was = before.get(i++);
            for (int j = 0; j < now.length; j++) {
                sq += (double) (now[j] - was[j]) * (now[j] - was[j]);
            }
        }
        assertThat(Math.sqrt(sq)).isCloseTo(lr * clip, within(lr * clip * 1e-3));
    }
}
