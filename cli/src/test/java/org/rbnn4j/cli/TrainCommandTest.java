package org.rbnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void unknownArchitectureIsReportedBeforeTheDatasetIsOpened() {
        StringWriter err = new StringWriter();
        CommandLine cl = RbnnCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.getSubcommands().get("train").setErr(new PrintWriter(err));

        // The data folder is empty: opening the dataset first would fail on the missing files instead.
        int code = cl.execute("train", "--model", "nosuch", "--dataset", "cifar10", "--data", dir.toString(),
                "--out", dir.resolve("run").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown model architecture 'nosuch'")
                .doesNotContain("cifar").doesNotContain("\tat ");
    }

    @Test
    void errorsOfNestedCommandsNameTheWholeCommand() {
        StringWriter err = new StringWriter();
        CommandLine cl = RbnnCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.getSubcommands().get("bench").getSubcommands().get("binconv").setErr(new PrintWriter(err));

        int code = cl.execute("bench", "binconv", "--cin", "0", "--cout", "5", "--hw", "3");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("rbnn bench binconv: invalid convolution geometry")
                .doesNotContain("\tat ");
    }
}
