package org.rbnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.core.data.InMemoryBatchSource;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.tensor.Tensor;

/** {@link PackedCheck} on a random resnet20_1w1a: full agreement with the float model, speeds from a second pass. */
class PackedCheckTest {

    @Test
    void reportsAccuracyAgreementAndBothSpeedsOverTheWholeSplit() {
        ModelSpec spec = ModelSpec.of("resnet20_1w1a", 1, 10);
        Network net = ModelZoo.create(spec, 3);
        Random r = new Random(4);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            int n = b == 2 ? 5 : 16;
            float[] x = new float[n * 32 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = r.nextInt(10);
            }
            batches.add(new Batch(Tensor.of(x, n, 1, 32, 32), labels));
        }
        BatchSource test = new InMemoryBatchSource(batches);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PackedCheck.run(net, test, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String line = bytes.toString(StandardCharsets.UTF_8);

        assertThat(line).contains("argmax agreement 37/37 (100.00%)").contains("second pass");
        Matcher m = Pattern.compile("packed (\\d+) images/s vs float (\\d+) images/s").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isPositive();
        assertThat(Integer.parseInt(m.group(2))).isPositive();
    }
}
