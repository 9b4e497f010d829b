package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.optim.TemperatureSchedule;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.tornado.resident.ResidentTornadoBackend;

/**
 * The resident TornadoVM backend ({@link ResidentTornadoBackend}: arrays kept in a device arena between operations,
 * operations without an arena kernel falling back to the staged backend) against the staged backend on the same
 * device: 12 free-running steps of {@code resnet20_1w1a} (two epochs, each starting with a rotation update) give the
 * same losses and parameters bit for bit, since both run the same per-element device arithmetic; and the optimiser's
 * state really stayed on the device until read.
 */
class ResidentTrainingTest {
    private static final int EPOCHS = 2;
    private static final int BATCHES = 6;
    private static final int BATCH = 4;
    private static final int SIZE = 8;

    private record Result(List<Double> losses, Map<String, Parameter> parameters, long[] countersBeforeRead,
                          long[] countersAfterRead) {
    }

    private static Result train(ComputeBackend backend, ResidentTornadoBackend resident) {
        ComputeBackend previous = Backends.use(backend);
        try {
            Network net = ModelZoo.create(ModelSpec.of(ModelZoo.RESNET20_1W1A, 3, 10).withInputSize(SIZE), 7);
            Sgd sgd = new Sgd(net.parameters(), 0.1, 0.9, 1e-4);
            CrossEntropyLoss loss = new CrossEntropyLoss();
            SplittableRandom data = new SplittableRandom(11);
            List<Double> losses = new ArrayList<>();
            TemperatureSchedule temperature = TemperatureSchedule.standard();
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                net.onEpochStart(epoch, 10, temperature.t(epoch, 10), temperature.k(epoch, 10));
                for (int b = 0; b < BATCHES; b++) {
                    float[] pixels = new float[BATCH * 3 * SIZE * SIZE];
                    for (int i = 0; i < pixels.length; i++) {
                        pixels[i] = (float) data.nextGaussian();
                    }
                    int[] labels = new int[BATCH];
                    for (int i = 0; i < BATCH; i++) {
                        labels[i] = data.nextInt(10);
                    }
                    net.onBatchStart(b);
                    net.zeroGrad();
                    losses.add(loss.forward(net.forward(Tensor.of(pixels, BATCH, 3, SIZE, SIZE), Mode.TRAIN), labels));
                    net.backward(loss.backward());
                    sgd.step();
                }
            }
            long[] before = resident == null ? null : resident.arenaCounters();
            sgd.velocities(); // what a checkpoint reads: brings the device's values home
            long[] after = resident == null ? null : resident.arenaCounters();
            net.toCheckpoint(); // parameters home too
            return new Result(losses, net.parameters(), before, after);
        } finally {
            Backends.use(previous);
        }
    }

    @Test
    void residentTrainingEqualsStagedTrainingOnTheSameDevice() {
        TornadoBackend staged = TestDevice.backend();
        Result want = train(staged, null);
        try (ResidentTornadoBackend resident = new ResidentTornadoBackend(
                new TornadoBackend(staged.device(), staged.reproducible()), 1 << 16, 1 << 24)) {
            Result got = train(resident, resident);
            assertThat(got.losses()).as("losses, step by step").containsExactlyElementsOf(want.losses());
            assertThat(got.losses().get(0)).isNotEqualTo(got.losses().get(got.losses().size() - 1));
            want.parameters().forEach((name, p) ->
                    assertThat(got.parameters().get(name).value().data()).as(name)
                            .containsExactly(p.value().data()));
            long[] c = got.countersBeforeRead();
            assertThat(c[4]).as("arena kernel launches").isPositive();
            assertThat(c[5]).as("the arena grew (flushes) from its small start").isPositive();
            assertThat(got.countersAfterRead()[1]).as("reading the velocities downloads them: they stayed on the device")
                    .isGreaterThan(c[1]);
            assertThat(resident.profile()).contains("arena:").as("the convolution ran on the arena")
                    .doesNotContain("conv_forward ").doesNotContain("conv_backward_data ").doesNotContain("channel_affine ")
                    .doesNotContain("pad_subsample ").doesNotContain("global_avg_pool ")
                    .doesNotContain("standardise_runs ").doesNotContain("standardise_sign_backward ")
                    .doesNotContain("channel_statistics ").doesNotContain("conv_backward_weights ")
                    .doesNotContain("batchnorm_backward ").doesNotContain("channel_scale_backward ");
        }
    }
}
