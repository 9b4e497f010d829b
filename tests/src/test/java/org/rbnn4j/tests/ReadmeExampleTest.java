package org.rbnn4j.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.train.TrainingResult;
import org.rbnn4j.simd.packed.model.PackedModel;

/** README's library example compiles, runs, and its code is the code README shows. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeExampleRunsAndWritesAPackedModel() throws Exception {
        FashionMnist.loadOrSkip();
        ComputeBackend previous = Backends.current();
        try {
            TrainingResult result = ReadmeExample.run(dir);
            assertThat(result.epochs()).hasSize(1);
            assertThat(dir.resolve("last.ckpt")).exists();
            try (PackedModel m = PackedModel.load(dir.resolve("model.rbnn"))) {
                assertThat(m.spec().architecture()).isEqualTo("resnet20_1w1a");
            }
        } finally {
            Backends.use(previous);
        }
    }

    @Test
    void readmeShowsTheExampleVerbatim() throws Exception {
        String source = Files.readString(Path.of("src/test/java/org/rbnn4j/tests/ReadmeExample.java"));
        String body = source.substring(source.indexOf("// README-BEGIN") + "// README-BEGIN".length(),
                source.indexOf("// README-END"));
        String readme = Files.readString(Path.of("../README.md"));
        for (String line : body.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String code = line.equals("return result;") ? null : line;
            if (code != null) {
                assertThat(readme).as("README line").contains(code);
            }
        }
    }
}
