package org.rbnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code rbnn bench model --json} measures the three engines and prints the documented keys. */
class ModelBenchCommandTest {

    @Test
    void jsonHasThroughputOfEveryEngineAndTheRatios() {
        String json = run("bench", "model", "--model", "resnet20_1w1a", "--batch", "2", "--reps", "1", "--warmup", "0", "--warmup-seconds", "0",
                "--channels", "1", "--json");
        assertThat(json).contains("\"model\":\"resnet20_1w1a\"", "\"batch\":2", "\"threads\":1");
        for (String key : new String[] {"packed_images_per_s", "float_images_per_s", "onnxruntime_images_per_s",
                "packed_vs_float", "packed_vs_onnxruntime"}) {
            assertThat(number(json, key)).as(key).isPositive();
        }
        assertThat(number(json, "argmax_agreement_packed_float")).isEqualTo(1.0);
        assertThat(number(json, "packed_vs_float")).isCloseTo(
                number(json, "packed_images_per_s") / number(json, "float_images_per_s"),
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void onnxRuntimeCanBeSkipped() {
        String json = run("bench", "model", "--model", "resnet20_1w1a", "--batch", "1", "--reps", "1", "--warmup", "0", "--warmup-seconds", "0",
                "--channels", "1", "--no-onnxruntime", "--json");
        assertThat(json).contains("\"onnxruntime_images_per_s\":null", "\"onnxruntime_version\":null");
        assertThat(number(json, "packed_images_per_s")).isPositive();
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = RbnnCommand.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        return out.strip();
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.eE]+)").matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
