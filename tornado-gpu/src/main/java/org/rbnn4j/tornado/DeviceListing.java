package org.rbnn4j.tornado;

import java.util.ArrayList;
import java.util.List;

/**
 * The TornadoVM devices as printable lines, for tools that reach this module only by reflection (the CLI's
 * {@code rbnn devices}, which must build without TornadoVM): {@code Class.forName("org.rbnn4j.tornado.DeviceListing")
 * .getMethod("lines").invoke(null)}. Safe to call in any JVM: without the TornadoVM runtime it returns one line saying
 * how to start it.
 */
public final class DeviceListing {
    private DeviceListing() {
    }

    /** One line per device ({@link DeviceDescription#describe()}), numbered as {@code --backend tornado:N} counts. */
    public static List<String> lines() {
        if (!TornadoRuntimeCheck.runtimeConfigured()) {
            return List.of("TornadoVM runtime not loaded: " + TornadoRuntimeCheck.HOW_TO_RUN);
        }
        TornadoSettings.applyDefaults();
        List<String> lines = new ArrayList<>();
        try {
            for (DeviceDescription d : TornadoDevices.list()) {
                lines.add(d.describe());
            }
        } catch (RuntimeException | LinkageError e) {
            return List.of("TornadoVM failed to start: " + e);
        }
        if (lines.isEmpty()) {
            lines.add("TornadoVM found no device (no OpenCL/PTX driver, or no GPU visible)");
        }
        return lines;
    }
}
