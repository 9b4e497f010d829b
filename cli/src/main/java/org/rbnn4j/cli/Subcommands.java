package org.rbnn4j.cli;

import java.util.List;

/** The subcommands of {@code rbnn}, in help order. */
final class Subcommands {
    private Subcommands() {
    }

    static List<Object> all() {
        return List.of(new TrainCommand(), new EvalCommand(), new ExportCommand(), new InferCommand(), new BenchCommand(), new DataCommand(), new DevicesCommand());
    }
}
