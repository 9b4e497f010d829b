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

    private final StringWriter err = new StringWriter();

    /** Runs {@code rbnn <args>} with the error stream of every command captured in {@link #err}. */
    private int run(String... args) {
        CommandLine cl = RbnnCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        CommandLine leaf = cl;
        for (String a : args) {
            CommandLine sub = leaf.getSubcommands().get(a);
            if (sub == null) {
                break;
            }
            leaf = sub;
            leaf.setErr(new PrintWriter(err));
        }
        return cl.execute(args);
    }

    @Test
    void unknownArchitectureIsReportedBeforeTheDatasetIsOpened() {
        // The data folder is empty: opening the dataset first would fail on the missing files instead.
        int code = run("train", "--model", "nosuch", "--dataset", "cifar10", "--data", dir.toString(),
                "--out", dir.resolve("run").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown model architecture 'nosuch'")
                .doesNotContain("cifar").doesNotContain("\tat ");
    }

    @Test
    void errorsOfNestedCommandsNameTheWholeCommand() {
        int code = run("bench", "binconv", "--cin", "0", "--cout", "5", "--hw", "3");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("rbnn bench binconv: invalid convolution geometry")
                .doesNotContain("\tat ");
    }
}
