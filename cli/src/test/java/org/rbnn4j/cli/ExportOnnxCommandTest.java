package org.rbnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;

/** {@code rbnn export --format onnx} writes a model that ONNX Runtime runs to the checkpoint's logits. */
class ExportOnnxCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportedCheckpointRunsInOnnxRuntimeWithTheSameLogits() throws Exception {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 1, 10);
        Network net = ModelZoo.create(spec, 5);
        Random r = new Random(2);
        net.parameters().forEach((name, p) -> {
            if (name.matches(".*bn\\d?\\.weight")) {
                float[] d = p.value().data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = 0.5f + r.nextFloat();
                }
            }
        });
        Path checkpoint = dir.resolve("m.ckpt");
        net.toCheckpoint().write(checkpoint);
        Path out = dir.resolve("m.onnx");

        int code = RbnnCommand.commandLine().execute("export", "--checkpoint", checkpoint.toString(), "--format", "onnx",
                "--out", out.toString());

        assertThat(code).isZero();
        float[] d = new float[3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        Tensor x = Tensor.of(d, 3, 1, 32, 32);
        float[] expected = net.forward(x, Mode.EVAL).data();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(out.toString(), o);
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(d), new long[] {3, 1, 32, 32});
             OrtSession.Result res = s.run(Map.of("input", in))) {
            assertThat(s.getMetadata().getCustomMetadata()).containsEntry("export.checkpoint", "m.ckpt");
            float[][] logits = (float[][]) res.get(0).getValue();
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 10; k++) {
                    assertThat(logits[i][k]).as("image %d class %d", i, k).isCloseTo(expected[i * 10 + k],
                            within(1e-3f * Math.max(1f, Math.abs(expected[i * 10 + k]))));
                }
            }
        }
    }

    @Test
    void unknownFormatIsABadInput() throws Exception {
        Path checkpoint = dir.resolve("m.ckpt");
        ModelZoo.create(ModelSpec.of("resnet20_1w1a", 1, 10), 1).toCheckpoint().write(checkpoint);
        int code = RbnnCommand.commandLine().execute("export", "--checkpoint", checkpoint.toString(), "--format", "tflite",
                "--out", dir.resolve("m.x").toString());
        assertThat(code).isEqualTo(2);
    }
}
