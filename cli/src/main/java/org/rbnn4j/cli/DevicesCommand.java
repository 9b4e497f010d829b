package org.rbnn4j.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackendProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rbnn devices}: the compute backends this JVM can use (best first, with the reason when one is not
 * available) and, when the {@code tornado-gpu} module is on the class path, TornadoVM's devices numbered as
 * {@code --backend tornado:N} counts. With {@code --check}, runs every device operation once on a training-sized shape
 * against the scalar reference and reports errors and times (exit status 1 when one does not match). The CLI reaches
 * {@code tornado-gpu} only by reflection, so it builds and runs without TornadoVM.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the compute backends (--backend NAME) and TornadoVM's devices (--backend tornado:N).")
public final class DevicesCommand implements Callable<Integer> {
    /** Entry point of {@code tornado-gpu} that lists devices; see {@code org.rbnn4j.tornado.DeviceListing}. */
    static final String TORNADO_LISTING = "org.rbnn4j.tornado.DeviceListing";
    /** Entry point of {@code tornado-gpu} that checks a device; see {@code org.rbnn4j.tornado.DeviceSelfCheck}. */
    static final String TORNADO_CHECK = "org.rbnn4j.tornado.DeviceSelfCheck";

    @Option(names = "--check", description = "run every device operation once against the reference (errors, times)")
    boolean check;

    @Option(names = "--device", description = "device to check: N as in --backend tornado:N (default: TornadoVM's default)")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Compute backends, best first (--backend NAME; auto picks the first available it may choose):");
        for (ComputeBackendProvider p : Backends.providers()) {
            String state = !p.isAvailable() ? "not available: " + p.unavailableReason()
                    : p.chosenAutomatically() ? "available" : "available when named (auto skips it: " + p.unavailableReason() + ")";
            out.printf(Locale.ROOT, "  %-8s priority %3d  %s%n", p.name(), p.priority(), state);
        }
        out.println("TornadoVM devices (--backend tornado:N):");
        for (String line : tornadoDevices()) {
            out.println("  " + line);
        }
        int status = 0;
        if (check) {
            out.println("Device check against the scalar reference:");
            List<String> lines = tornadoCheck(device);
            for (String line : lines) {
                out.println("  " + line);
            }
            status = lines.isEmpty() || !lines.getLast().startsWith("all ") ? 1 : 0;
        }
        out.flush();
        return status;
    }

    /** The lines of {@code DeviceSelfCheck.lines(selector)}, or why there are none. */
    static List<String> tornadoCheck(String selector) {
        Class<?> check;
        try {
            check = Class.forName(TORNADO_CHECK);
        } catch (ClassNotFoundException | LinkageError e) {
            return List.of("not run: the tornado-gpu module is not on the class path (see README, GPU training)");
        }
        try {
            Object lines = check.getMethod("lines", String.class).invoke(null, selector);
            return ((List<?>) lines).stream().map(String::valueOf).toList();
        } catch (InvocationTargetException e) {
            return List.of("device check failed: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return List.of("device check failed: " + e);
        }
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
