package org.rbnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.datasets.DataOptions;
import org.rbnn4j.datasets.cifar.CifarBinaryWriter;
import picocli.CommandLine;

class DataCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs {@code data <args>} with the search isolated inside the temp folder. */
    private int run(String... args) {
        DataCommand.Info info = new DataCommand.Info();
        info.baseOptions = DataOptions.builder().environment(Map.of())
                .userHome(dir.resolve("home")).systemDatasetsDir(dir.resolve("system"));
        CommandLine cl = new CommandLine(new DataCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == DataCommand.Info.class ? cls.cast(info) : CommandLine.defaultFactory().create(cls);
            }
        });
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static void writeCifar10(Path folder, int perFile) throws Exception {
        Files.createDirectories(folder);
        for (String f : new String[] {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin"}) {
            int[][] labels = new int[perFile][];
            byte[] pixels = new byte[perFile * 3072];
            for (int i = 0; i < perFile; i++) {
                labels[i] = new int[] {i % 10};
                pixels[i * 3072] = (byte) (i + 1);
            }
            CifarBinaryWriter.write(folder.resolve(f), labels, pixels);
        }
    }

    @Test
    void infoPrintsLocationCountsClassesShapeAndChecksum() throws Exception {
        Path data = dir.resolve("d");
        writeCifar10(data.resolve("cifar10/cifar-10-batches-bin"), 10);

        int code = run("info", "--dataset", "cifar10", "--data", data.toString());

        assertThat(code).as(err.toString()).isZero();
        String o = out.toString();
        assertThat(o).contains("dataset:      cifar10");
        assertThat(o).contains("found at:     " + data.resolve("cifar10/cifar-10-batches-bin") + " (--data)");
        assertThat(o).contains("image shape:  3x32x32");
        assertThat(o).contains("classes:      10: airplane, automobile, bird");
        assertThat(o).contains("train:        50 images, 50 labels (5 per class)");
        assertThat(o).contains("test:         10 images, 10 labels (1 per class)");
        // First image: a single pixel of value 1, the rest 0.
        assertThat(o).contains("first image: label 0 (airplane), pixel sum 1, sha256 ");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void missingDataIsOneClearErrorWithExitCode2() {
        int code = run("info", "--dataset", "fashion-mnist", "--data", dir.resolve("nothing").toString());

        assertThat(code).isEqualTo(2);
        String e = err.toString();
        assertThat(e).startsWith("rbnn data info: dataset 'fashion-mnist' not found. Searched, in order:");
        assertThat(e).contains(dir.resolve("nothing") + " (--data): no such directory");
        assertThat(e).contains("apt-get install dataset-fashion-mnist");
        assertThat(e).contains("--download");
        assertThat(e).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void malformedDataNamesTheFileWithExitCode2() throws Exception {
        Path folder = dir.resolve("c");
        writeCifar10(folder, 2);
        Files.write(folder.resolve("test_batch.bin"), new byte[100]);

        int code = run("info", "--dataset", "cifar10", "--data", folder.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(folder.resolve("test_batch.bin") + ": truncated or corrupt");
        assertThat(err.toString()).doesNotContain("\tat ");
    }

    @Test
    void unknownDatasetListsTheKnownOnes() {
        assertThat(run("info", "--dataset", "svhn")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown dataset 'svhn'; known datasets: fashion-mnist, mnist, cifar10");
    }
}
