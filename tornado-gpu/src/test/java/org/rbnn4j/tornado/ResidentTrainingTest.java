package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.optim.TemperatureSchedule;
import org.rbnn4j.tornado.resident.ResidentTornadoBackend;

/**
 * The resident TornadoVM backend ({@link ResidentTornadoBackend}: arrays kept in a device arena between operations)
 * over whole training runs of {@code resnet20_1w1a}: the optimiser's state stays on the device until read, the arena
 * grows from a small start, and a step moves only its batch in and its logits out. (Its arithmetic is checked against
 * the reference in lock step by {@code TornadoTrainingTest} and per operation by {@code ResidentKernelsTest}.)
 */
class ResidentTrainingTest {
    private static final int EPOCHS = 2;
    private static final int BATCHES = 6;
    private static final int BATCH = 4;
    private static final int SIZE = 8;

    private record Result(List<Double> losses, Map<String, Parameter> parameters, long[] countersBeforeRead,
                          long[] countersAfterRead) {
    }

    private static Result train(ResidentTornadoBackend resident) {
        ComputeBackend previous = Backends.use(resident);
        try {
            RandomBatchTraining training = new RandomBatchTraining(3, SIZE, BATCH, 7, 11);
            Network net = training.net();
            List<Double> losses = new ArrayList<>();
            TemperatureSchedule temperature = TemperatureSchedule.standard();
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                net.onEpochStart(epoch, 10, temperature.t(epoch, 10), temperature.k(epoch, 10));
                for (int b = 0; b < BATCHES; b++) {
                    losses.add(training.step(b));
                }
            }
            long[] before = resident.arenaCounters();
            training.sgd().velocities(); // what a checkpoint reads: brings the device's values home
            long[] after = resident.arenaCounters();
            net.toCheckpoint(); // parameters home too
            return new Result(losses, net.parameters(), before, after);
        } finally {
            Backends.use(previous);
        }
    }

    @Test
    void stateStaysOnTheDeviceUntilReadAndTheArenaGrowsAsNeeded() {
        TornadoBackend staged = TestDevice.backend();
        try (ResidentTornadoBackend resident = new ResidentTornadoBackend(
                new TornadoBackend(staged.device(), staged.reproducible()), 1 << 16, 1 << 24)) {
            Result got = train(resident);
            assertThat(got.losses().get(0)).isNotEqualTo(got.losses().get(got.losses().size() - 1));
            got.parameters().forEach((name, p) -> {
                for (float v : p.value().data()) {
                    assertThat(Float.isFinite(v)).as("%s read back after training", name).isTrue();
                }
            });
            long[] c = got.countersBeforeRead();
            assertThat(c[4]).as("arena kernel launches").isPositive();
            assertThat(c[5]).as("the arena grew (flushes) from its small start").isPositive();
            assertThat(got.countersAfterRead()[1]).as("reading the velocities downloads them: they stayed on the device")
                    .isGreaterThan(c[1]);
            assertThat(resident.profile()).contains("arena:").as("the step ran on the arena")
                    .doesNotContain("conv_forward ").doesNotContain("conv_backward_data ").doesNotContain("channel_affine ")
                    .doesNotContain("pad_subsample ").doesNotContain("global_avg_pool ")
                    .doesNotContain("standardise_runs ").doesNotContain("standardise_sign_backward ")
                    .doesNotContain("channel_statistics ").doesNotContain("conv_backward_weights ")
                    .doesNotContain("batchnorm_backward ").doesNotContain("channel_scale_backward ")
                    .doesNotContain("sgemm ").doesNotContain("rotation_apply ");
        }
    }

    /**
     * The promise: with parameters, gradients, activations and optimiser state on the device, a training step
     * (after the first, which fills the arena) uploads its batch and the loss gradient and downloads its logits, and
     * nothing else.
     */
    @Test
    void aStepMovesOnlyItsBatchInAndItsLogitsOut() {
        TornadoBackend staged = TestDevice.backend();
        try (ResidentTornadoBackend resident = new ResidentTornadoBackend(
                new TornadoBackend(staged.device(), staged.reproducible()), 1 << 22, 1 << 24)) {
            ComputeBackend previous = Backends.use(resident);
            try {
                RandomBatchTraining training = new RandomBatchTraining(3, SIZE, BATCH, 3, 5);
                training.net().onEpochStart(0, 10, 1f, 1f);
                long[][] counters = new long[4][];
                for (int b = 0; b < 3; b++) {
                    counters[b] = resident.arenaCounters();
                    training.step(b);
                }
                counters[3] = resident.arenaCounters();
                for (int b = 1; b < 3; b++) {
                    long[] before = counters[b];
                    long[] after = counters[b + 1];
                    assertThat(after[5] - before[5]).as("flushes in step %d", b).isZero();
                    assertThat(after[0] - before[0]).as("uploads in step %d (the batch, the loss gradient)", b)
                            .isEqualTo(2);
                    assertThat(after[1] - before[1]).as("downloads in step %d (the logits)", b).isEqualTo(1);
                    assertThat(after[4] - before[4]).as("arena kernel launches in step %d", b).isGreaterThan(100);
                }
            } finally {
                Backends.use(previous);
            }
        }
    }
}
