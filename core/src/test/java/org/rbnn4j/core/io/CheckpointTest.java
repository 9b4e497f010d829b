package org.rbnn4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.tensor.Tensor;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint sample() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "resnet20_1w1a");
        meta.put("note", "épsilon ✓");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("conv.weight", Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, -0f, 3e30f, 7f}, 2, 3));
        tensors.put("bn.running_var", Tensor.of(new float[] {0.25f}, 1));
        tensors.put("scalar", Tensor.of(new float[] {42f}));
        return new Checkpoint(meta, tensors);
    }

    @Test
    void roundTripKeepsMetadataShapesAndBits() throws IOException {
        Path f = dir.resolve("a.ckpt");
        sample().write(f);
        Checkpoint back = Checkpoint.read(f);
        assertThat(back.metadata()).containsExactlyEntriesOf(sample().metadata());
        assertThat(back.tensors().keySet()).containsExactly("conv.weight", "bn.running_var", "scalar");
        assertThat(back.tensor("conv.weight").shape()).containsExactly(2, 3);
        assertThat(back.tensor("scalar").rank()).isZero();
        for (String name : sample().tensors().keySet()) {
            float[] a = sample().tensor(name).data();
            float[] b = back.tensor(name).data();
            for (int i = 0; i < a.length; i++) {
                assertThat(Float.floatToRawIntBits(b[i])).isEqualTo(Float.floatToRawIntBits(a[i]));
            }
        }
    }

    @Test
    void everyFlippedByteIsDetected() throws IOException {
        Path f = dir.resolve("a.ckpt");
        sample().write(f);
        byte[] good = Files.readAllBytes(f);
        for (int i = 0; i < good.length; i += 7) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Path g = dir.resolve("bad" + i + ".ckpt");
            Files.write(g, bad);
            assertThatThrownBy(() -> Checkpoint.read(g)).isInstanceOf(ModelFileException.class)
                    .hasMessageContaining(g.toString());
        }
    }

    @Test
    void truncationIsReported() throws IOException {
        Path f = dir.resolve("a.ckpt");
        sample().write(f);
        byte[] good = Files.readAllBytes(f);
        for (int len : new int[] {0, 5, 12, good.length / 2, good.length - 1}) {
            Path g = dir.resolve("t" + len + ".ckpt");
            Files.write(g, Arrays.copyOf(good, len));
            assertThatThrownBy(() -> Checkpoint.read(g)).isInstanceOf(ModelFileException.class)
                    .hasMessageStartingWith(g.toString());
        }
    }

    @Test
    void wrongMagicAndVersionHaveClearMessages() throws IOException {
        Path f = dir.resolve("a.ckpt");
        sample().write(f);
        byte[] bytes = Files.readAllBytes(f);
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        Files.write(dir.resolve("m.ckpt"), magic);
        assertThatThrownBy(() -> Checkpoint.read(dir.resolve("m.ckpt"))).hasMessageContaining("bad magic");
        byte[] version = bytes.clone();
        ByteBuffer.wrap(version).putInt(8, 99);
        Files.write(dir.resolve("v.ckpt"), version);
        assertThatThrownBy(() -> Checkpoint.read(dir.resolve("v.ckpt"))).hasMessageContaining("unsupported checkpoint version 99");
        assertThatThrownBy(() -> Checkpoint.read(dir.resolve("missing.ckpt"))).hasMessageContaining("no such file");
    }

    @Test
    void crashMidWriteKeepsThePreviousFile() throws IOException {
        Path f = dir.resolve("last.ckpt");
        sample().write(f);
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        })).hasMessageContaining("disk full");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("last.ckpt");
        }
    }
}
