package org.rbnn4j.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.core.train.EpochMetrics;
import org.rbnn4j.core.train.Trainer;
import org.rbnn4j.core.train.TrainingConfig;
import org.rbnn4j.core.train.TrainingListener;
import org.rbnn4j.core.train.TrainingRecipe;

/**
 * A run interrupted after epoch 1 and resumed from its checkpoint ends with exactly the weights, buffers and history of
 * an uninterrupted run, on the scalar reference and on the SIMD backend (two threads: its work split is static, so its
 * sums repeat). Small synthetic images keep it fast; the real-data loader's order depends only on seed and epoch.
 */
class ResumeTest {
    @TempDir
    Path dir;

    private static final ModelSpec SPEC = new ModelSpec(ModelZoo.RESNET20_1W1A, 1, 4, 8, Map.of());

    private static TrainingConfig config(Path out) {
        return TrainingRecipe.DEFAULT.apply(TrainingConfig.builder()).epochs(3).batchSize(8).testBatchSize(8).seed(5)
                .outputDir(out).build();
    }

    /** 32 fixed random 8x8 images; epoch e visits them in an order that depends only on e. */
    private static BatchSource synthetic(int n, long seed, boolean shuffle) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] images = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(4);
            for (int p = 0; p < 64; p++) {
                images[i * 64 + p] = (float) (r.nextGaussian() + (p % 4 == labels[i] ? 1.5 : 0));
            }
        }
        return new BatchSource() {
            @Override
            public CloseableIterable<Batch> epoch(int epoch) {
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                if (shuffle) {
                    SplittableRandom s = new SplittableRandom(seed * 31 + epoch);
                    for (int i = n - 1; i > 0; i--) {
                        int j = s.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                }
                List<Batch> batches = new ArrayList<>();
                for (int b = 0; b < n; b += 8) {
                    float[] x = new float[8 * 64];
                    int[] y = new int[8];
                    for (int i = 0; i < 8; i++) {
                        System.arraycopy(images, order[b + i] * 64, x, i * 64, 64);
                        y[i] = labels[order[b + i]];
                    }
                    batches.add(new Batch(Tensor.of(x, 8, 1, 8, 8), y));
                }
                return CloseableIterable.of(batches);
            }

            @Override
            public int batchesPerEpoch() {
                return n / 8;
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    @ParameterizedTest(name = "{0} backend")
    @ValueSource(strings = {"scalar", "simd"})
    void resumedRunEqualsUninterruptedRunBitForBit(String backendName) throws Exception {
        BatchSource train = synthetic(32, 1, true);
        BatchSource test = synthetic(16, 2, false);
        ComputeBackend backend = Backends.create(backendName, 2);
        ComputeBackend previous = Backends.use(backend);
        try {
            Network straight = ModelZoo.create(SPEC, 5);
            Trainer uninterrupted = new Trainer(straight, config(dir.resolve("straight")));
            uninterrupted.fit(train, test);

            Network crashed = ModelZoo.create(SPEC, 5);
            Trainer first = new Trainer(crashed, config(dir.resolve("resumed")));
            first.addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochMetrics m) {
                    throw new IllegalStateException("simulated crash after epoch " + m.epoch());
                }
            });
            assertThatThrownBy(() -> first.fit(train, test)).hasMessageContaining("simulated crash after epoch 1");
            Path last = dir.resolve("resumed").resolve(Trainer.LAST);
            assertThat(Checkpoint.read(last).meta("trainer.epochs_done")).isEqualTo("1");

            Network resumed = ModelZoo.create(SPEC, 99); // another init: everything must come from the checkpoint
            Trainer second = new Trainer(resumed, config(dir.resolve("resumed")));
            second.resume(Checkpoint.read(last));
            assertThat(second.startEpoch()).isEqualTo(1);
            second.fit(train, test);

            for (Map.Entry<String, Parameter> e : straight.parameters().entrySet()) {
                assertThat(resumed.parameters().get(e.getKey()).value().data()).as(e.getKey())
                        .containsExactly(e.getValue().value().data());
            }
            for (Map.Entry<String, Tensor> e : straight.buffers().entrySet()) {
                assertThat(resumed.buffers().get(e.getKey()).data()).as(e.getKey()).containsExactly(e.getValue().data());
            }
            assertThat(second.history()).hasSize(3);
            assertThat(second.history().get(2).testLoss()).isEqualTo(uninterrupted.history().get(2).testLoss());
            assertThat(Files.readString(dir.resolve("resumed").resolve("metrics.csv")).lines()).hasSize(4);
        } finally {
            Backends.use(previous);
            backend.close();
        }
    }
}
