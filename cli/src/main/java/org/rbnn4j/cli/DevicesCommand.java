package org.rbnn4j.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackendProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rbnn devices}: the compute backends this JVM can use (best first, with the reason when one is not
 * available) and, when the {@code tornado-gpu} module is on the class path, TornadoVM's devices numbered as
 * {@code --backend tornado:N} counts. The CLI reaches {@code tornado-gpu} only by reflection, so it builds and runs
 * without TornadoVM.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the compute backends (--backend NAME) and TornadoVM's devices (--backend tornado:N).")
public final class DevicesCommand implements Runnable {
    /** Entry point of {@code tornado-gpu} that lists devices; see {@code org.rbnn4j.tornado.DeviceListing}. */
    static final String TORNADO_LISTING = "org.rbnn4j.tornado.DeviceListing";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Compute backends, best first (--backend NAME; auto picks the first available):");
        for (ComputeBackendProvider p : Backends.providers()) {
            String state = p.isAvailable() ? "available" : "not available: " + p.unavailableReason();
            out.printf(Locale.ROOT, "  %-8s priority %3d  %s%n", p.name(), p.priority(), state);
        }
        out.println("TornadoVM devices (--backend tornado:N):");
        for (String line : tornadoDevices()) {
            out.println("  " + line);
        }
        out.flush();
    }

    /** The lines of {@code DeviceListing.lines()}, or why there are none. */
    static List<String> tornadoDevices() {
        Class<?> listing;
        try {
            listing = Class.forName(TORNADO_LISTING);
        } catch (ClassNotFoundException | LinkageError e) {
            return List.of("none: the tornado-gpu module is not on the class path (GPU training needs it and an installed "
                    + "TornadoVM SDK; see README, GPU training)");
        }
        try {
            Object lines = listing.getMethod("lines").invoke(null);
            return ((List<?>) lines).stream().map(String::valueOf).toList();
        } catch (InvocationTargetException e) {
            return List.of("TornadoVM device listing failed: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return List.of("TornadoVM device listing failed: " + e);
        }
    }
}
