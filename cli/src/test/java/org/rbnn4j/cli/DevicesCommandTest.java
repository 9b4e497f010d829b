package org.rbnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code rbnn devices} on a plain JVM: the CPU backends, and a clear line that TornadoVM is not there. */
class DevicesCommandTest {

    @Test
    void listsTheCpuBackendsAndSaysWhyThereIsNoTornadoDevice() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new DevicesCommand());
        cl.setOut(new PrintWriter(out));
        int code = cl.execute();

        assertThat(code).isZero();
        String text = out.toString();
        assertThat(text).contains("simd", "scalar", "TornadoVM devices (--backend tornado:N):");
        assertThat(text.indexOf("simd")).as("best first").isLessThan(text.indexOf("scalar"));
        // The cli module has no dependency on tornado-gpu, so its tests never see the TornadoVM listing.
        assertThat(text).contains("the tornado-gpu module is not on the class path");
    }

    @Test
    void checkWithoutTheGpuModuleSaysSoAndFails() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new DevicesCommand());
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("--check");

        assertThat(code).as("no device checked: not a success").isEqualTo(1);
        assertThat(out.toString()).contains("Device check against the scalar reference:",
                "not run: the tornado-gpu module is not on the class path");
    }

    @Test
    void isRegisteredAsASubcommand() {
        assertThat(Subcommands.all()).anyMatch(c -> c instanceof DevicesCommand);
    }
}
