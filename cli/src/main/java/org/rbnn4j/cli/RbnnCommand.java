package org.rbnn4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rbnn} command: train, eval, export, infer, bench and data. */
@Command(name = "rbnn", mixinStandardHelpOptions = true, version = "rbnn4j 0.1.0",
        description = "Rotated Binary Neural Networks on the JVM: train, evaluate, export and run bit-packed models.",
        subcommands = {CommandLine.HelpCommand.class})
public final class RbnnCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with every subcommand registered; used by {@link #main} and by tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RbnnCommand());
        for (Object sub : Subcommands.all()) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler(RbnnCommand::handleError);
        return cl;
    }

    /**
     * Errors reach the user as one clear line; the stack trace only with {@code RBNN_DEBUG=1}.
     * Exit code 2 for bad input (files, options), 1 for anything else.
     */
    static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // The whole command path ("rbnn bench binconv"), not only the last word.
        err.println(cl.getCommandSpec().qualifiedName() + ": " + msg);
        if (System.getenv("RBNN_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        boolean badInput = e instanceof java.io.IOException || e instanceof IllegalArgumentException
                || e instanceof CommandLine.ParameterException;
        return badInput ? 2 : 1;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
