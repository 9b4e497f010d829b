package org.rbnn4j.tornado.resident;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.packed.model.PackedModel;
import org.rbnn4j.tornado.TornadoBackendProvider;

/**
 * A network trained on the resident backend, whose newest parameters live in device memory, compiles to a packed
 * model that computes what its float simulation on the device computes (as {@code rbnn train}'s packed check asks):
 * the compiler must bring every tensor home first, and the packed model's float layers must run on the CPU (a device
 * backend would keep their results in device memory).
 */
class ResidentPackedModelTest {
    private static final int BATCH = 8;
    private static final int SIZE = 12;

    @Test
    void aDeviceTrainedNetworkPacksToItsFloatSimulation() {
        try (ResidentTornadoBackend resident = new ResidentTornadoBackend(TornadoBackendProvider.onSelectedDevice(),
                1 << 22, 1 << 24)) {
            ComputeBackend previous = Backends.use(resident);
            try {
                Network net = ModelZoo.create(ModelSpec.of(ModelZoo.RESNET20_1W1A, 1, 10).withInputSize(SIZE), 9);
                Sgd sgd = new Sgd(net.parameters(), 0.1, 0.9, 1e-4);
                CrossEntropyLoss loss = new CrossEntropyLoss();
                SplittableRandom data = new SplittableRandom(13);
                net.onEpochStart(0, 10, 1f, 1f);
                for (int b = 0; b < 4; b++) {
                    int[] labels = new int[BATCH];
                    for (int i = 0; i < BATCH; i++) {
                        labels[i] = data.nextInt(10);
                    }
                    net.onBatchStart(b);
                    net.zeroGrad();
                    loss.forward(net.forward(images(data), Mode.TRAIN), labels);
                    net.backward(loss.backward());
                    sgd.step();
                }
                Tensor x = images(data);
                Tensor logits = net.forward(x, Mode.EVAL);
                resident.syncToHost(logits.data());
                try (PackedModel packed = PackedModel.compile(net, Map.of(), 1)) {
                    Tensor packedLogits = packed.logits(x);
                    float[] want = logits.data();
                    float[] got = packedLogits.data();
                    assertThat(got).hasSameSizeAs(want);
                    double max = 0;
                    for (float v : want) {
                        max = Math.max(max, Math.abs(v));
                    }
                    for (int i = 0; i < want.length; i++) {
                        assertThat((double) got[i]).as("logit %d", i)
                                .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-3 * max + 1e-5));
                    }
                }
            } finally {
                Backends.use(previous);
            }
        }
    }

    private static Tensor images(SplittableRandom data) {
        float[] pixels = new float[BATCH * SIZE * SIZE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) data.nextGaussian();
        }
        return Tensor.of(pixels, BATCH, 1, SIZE, SIZE);
    }
}
