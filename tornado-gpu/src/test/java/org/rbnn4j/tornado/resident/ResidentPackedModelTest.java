package org.rbnn4j.tornado.resident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.packed.model.PackedModel;
import org.rbnn4j.tornado.RandomBatchTraining;
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
                RandomBatchTraining training = new RandomBatchTraining(1, SIZE, BATCH, 9, 13);
                Network net = training.net();
                net.onEpochStart(0, 10, 1f, 1f);
                for (int b = 0; b < 4; b++) {
                    training.step(b);
                }
                Tensor x = training.images();
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
}
