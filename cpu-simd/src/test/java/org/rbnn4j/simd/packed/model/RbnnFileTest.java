package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.io.ModelFileException;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;

/** The .rbnn file: round trip to identical logits, sizes, and clear errors for damaged files. */
class RbnnFileTest {
    @TempDir
    static Path dir;
    static Path file;
    static byte[] bytes;
    static Tensor images;
    static Tensor logits;

    @BeforeAll
    static void writeOne() throws Exception {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 3, 10);
        Network net = ModelZoo.create(spec, 21);
        PackedModelTest.randomiseStatistics(net, new Random(3));
        images = PackedModelTest.randomImages(6, spec, new Random(4));
        file = dir.resolve("resnet20.rbnn");
        try (PackedModel m = PackedModel.compile(net, Map.of("data.dataset", "cifar10"), 2)) {
            logits = m.logits(images);
            m.save(file);
        }
        bytes = Files.readAllBytes(file);
    }

    @Test
    void roundTripGivesIdenticalLogitsAndMetadata() throws Exception {
        try (PackedModel m = PackedModel.load(file, 1)) {
            assertThat(m.logits(images).data()).isEqualTo(logits.data());
            assertThat(m.metadata()).containsEntry("data.dataset", "cifar10");
            assertThat(m.spec().architecture()).isEqualTo("resnet20_1w1a");
            assertThat(m.binaryLayerCount()).isEqualTo(18);
        }
    }

    @Test
    void binaryWeightsTakeOneBitEach() throws Exception {
        Network net = ModelZoo.create(ModelSpec.of("resnet18_1w1a", 3, 10), 1);
        Path packed = dir.resolve("resnet18.rbnn");
        Path checkpoint = dir.resolve("resnet18.ckpt");
        try (PackedModel m = PackedModel.compile(net, Map.of(), 1)) {
            m.save(packed);
        }
        net.toCheckpoint().write(checkpoint);
        long binaryWeights = net.binaryLayers().values().stream()
                .mapToLong(b -> (long) b.outChannels() * b.inChannels() * b.kernelSize() * b.kernelSize()).sum();
        long size = Files.size(packed);
        long floatSize = Files.size(checkpoint);
        System.out.printf("resnet18_1w1a: .rbnn %,d bytes, float checkpoint %,d bytes (%.1fx smaller)%n", size,
                floatSize, (double) floatSize / size);
        assertThat(size).isLessThan(binaryWeights / 8 + 200_000);
        assertThat(floatSize / size).isGreaterThanOrEqualTo(25);
    }

    @Test
    void everyFlippedByteIsRejectedOrHarmless() throws Exception {
        // Flip one byte at many positions across the file: each load must fail with a ModelFileException
        // (the CRCs cover every byte but the header, which is checked field by field).
        Random r = new Random(8);
        for (int k = 0; k < 40; k++) {
            int pos = k < 20 ? k : r.nextInt(bytes.length);
            byte[] damaged = bytes.clone();
            damaged[pos] ^= (byte) (1 + r.nextInt(255));
            Path f = dir.resolve("flipped.rbnn");
            Files.write(f, damaged);
            assertThatThrownBy(() -> PackedModel.load(f, 1)).as("flip at byte " + pos)
                    .isInstanceOf(ModelFileException.class).hasMessageStartingWith(f.toString());
        }
    }

    @Test
    void truncationIsReported() throws Exception {
        for (int len : new int[] {0, 5, 12, 20, 30, bytes.length / 2, bytes.length - 1}) {
            Path f = dir.resolve("truncated.rbnn");
            Files.write(f, Arrays.copyOf(bytes, len));
            assertThatThrownBy(() -> PackedModel.load(f, 1)).as("length " + len)
                    .isInstanceOf(ModelFileException.class).hasMessageStartingWith(f.toString());
        }
        Path f = dir.resolve("truncated.rbnn");
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> PackedModel.load(f, 1)).hasMessageContaining("BITS");
    }

    @Test
    void wrongVersionMagicAndTrailingBytesAreReported() throws Exception {
        byte[] v2 = bytes.clone();
        ByteBuffer.wrap(v2).putInt(8, 2);
        Path f = dir.resolve("v2.rbnn");
        Files.write(f, v2);
        assertThatThrownBy(() -> PackedModel.load(f, 1)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("unsupported .rbnn version 2").hasMessageContaining("reads version 1");

        byte[] magic = bytes.clone();
        magic[0] = 'X';
        Path g = dir.resolve("magic.rbnn");
        Files.write(g, magic);
        assertThatThrownBy(() -> PackedModel.load(g, 1)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("bad magic");

        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        Path h = dir.resolve("longer.rbnn");
        Files.write(h, longer);
        assertThatThrownBy(() -> PackedModel.load(h, 1)).hasMessageContaining("unexpected bytes after");

        Path missing = dir.resolve("missing.rbnn");
        assertThatThrownBy(() -> PackedModel.load(missing, 1)).hasMessageContaining("no such file");

        // a valid checkpoint is not a packed model
        Path ckpt = dir.resolve("model.ckpt");
        ModelZoo.create(ModelSpec.of("resnet20_1w1a", 3, 10), 1).toCheckpoint().write(ckpt);
        assertThatThrownBy(() -> PackedModel.load(ckpt, 1)).hasMessageContaining("bad magic");
    }

    @Test
    void binaryWeightBitsRoundTrip() {
        float[] w = new float[3 * 5 * 3 * 3];
        Random r = new Random(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextBoolean() ? -r.nextFloat() : r.nextFloat();
        }
        w[0] = 0f;
        BinaryWeights b = BinaryWeights.pack(w, new int[] {3, 5, 3, 3});
        float[] back = b.unpack();
        for (int i = 0; i < w.length; i++) {
            assertThat(back[i]).isEqualTo(w[i] < 0 ? -1f : 1f);
        }
        assertThat(b.words()).hasSize(3);
        assertThat(b.tailIsClear()).isTrue();
        Network net = ModelZoo.create(ModelSpec.of("resnet20_1w1a", 3, 10), 2);
        Tensor x = PackedModelTest.randomImages(2, net.spec(), r);
        assertThat(net.forward(x, Mode.EVAL).shape()).containsExactly(2, 10);
    }
}
