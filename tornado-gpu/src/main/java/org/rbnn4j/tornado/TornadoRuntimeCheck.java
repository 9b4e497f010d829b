package org.rbnn4j.tornado;

import java.util.List;
import java.util.Locale;
import org.rbnn4j.core.compute.kernels.ElementwiseReference;
import org.rbnn4j.tornado.ops.ElementwiseOps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Whether TornadoVM can run here, and why not: the runtime must have been started (the JVM launched with the SDK's
 * argfile), it must see a device, and a test kernel must run on the chosen device and give the reference's answer.
 *
 * <p>The checks go from cheap to expensive and reference TornadoVM classes only once the runtime is known to be
 * there, so that this class can be loaded (by the {@code ServiceLoader} provider) in any JVM.
 */
public final class TornadoRuntimeCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TornadoRuntimeCheck.class);
    /** Set by the SDK's argfile; without it the TornadoVM runtime cannot start. */
    static final String RUNTIME_PROPERTY = "tornado.load.runtime.implementation";
    static final String HOW_TO_RUN = "start the JVM with TornadoVM's argfile: java @$TORNADOVM_HOME/tornado-argfile "
            + "--module-path tornado-gpu/target/tornado-modules -cp <class path with rbnn4j-tornado-gpu> ... "
            + "(TornadoVM SDK 5.x for JDK 25)";
    static final String EJML_SHADOWED = "the TornadoVM SDK's EJML 0.38 (module %s) shadows the EJML 0.46 rbnn4j needs "
            + "(the rotation update would fail): after the argfile, pass a module path without the SDK's ejml-*.jar, "
            + "e.g. --module-path tornado-gpu/target/tornado-modules (made by the tornado-gpu build)";

    private static volatile Result cached;
    private static volatile String cachedChoice;

    /**
     * @param available whether the backend can be created
     * @param reason    why not, or the device it will use
     * @param cpuDevice whether that device is a CPU (an OpenCL CPU driver such as PoCL), where {@code auto} prefers the
     *                  CPU backends
     */
    public record Result(boolean available, String reason, boolean cpuDevice) {
        Result(boolean available, String reason) {
            this(available, reason, false);
        }
    }

    private TornadoRuntimeCheck() {
    }

    /** The check for the device chosen by the system property {@code rbnn.device}; run once per choice and cached. */
    public static Result check() {
        String choice = System.getProperty(TornadoDevices.DEVICE_PROPERTY);
        Result r = cached;
        if (r != null && java.util.Objects.equals(choice, cachedChoice)) {
            return r;
        }
        synchronized (TornadoRuntimeCheck.class) {
            r = run(choice);
            cachedChoice = choice;
            cached = r;
            return r;
        }
    }

    /** Whether the TornadoVM runtime has been configured in this JVM (the cheap first step of {@link #check()}). */
    public static boolean runtimeConfigured() {
        if (System.getProperty(RUNTIME_PROPERTY) == null) {
            return false;
        }
        try {
            Class.forName("uk.ac.manchester.tornado.api.TornadoExecutionPlan", false, TornadoRuntimeCheck.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The named module EJML's dense operations come from, or {@code null} when they come from the class path (as they
     * must: the SDK's argfile puts EJML 0.38 on the module path, where it wins over the class path's 0.46).
     */
    static String ejmlModule() {
        try {
            Module m = Class.forName("org.ejml.dense.row.CommonOps_DDRM", false, TornadoRuntimeCheck.class.getClassLoader())
                    .getModule();
            return m.isNamed() ? m.getName() + (m.getDescriptor().rawVersion().map(v -> "@" + v).orElse("")) : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Result run(String choice) {
        if (!runtimeConfigured()) {
            return new Result(false, "the TornadoVM runtime is not loaded in this JVM: " + HOW_TO_RUN);
        }
        String ejmlModule = ejmlModule();
        if (ejmlModule != null) {
            return new Result(false, String.format(Locale.ROOT, EJML_SHADOWED, ejmlModule));
        }
        TornadoSettings.applyDefaults();
        List<DeviceDescription> devices;
        try {
            devices = TornadoDevices.list();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("TornadoVM failed to start", e);
            return new Result(false, "the TornadoVM runtime failed to start: " + e);
        }
        if (devices.isEmpty()) {
            return new Result(false, "TornadoVM found no device (no OpenCL/PTX driver, or no GPU visible)");
        }
        TornadoDevice device;
        try {
            device = TornadoDevices.select(choice);
        } catch (IllegalArgumentException e) {
            return new Result(false, e.getMessage());
        }
        String name = device.getPhysicalDevice().getDeviceName();
        try (ElementwiseOps.HardtanhForward probe = new ElementwiseOps.HardtanhForward(device)) {
            float[] x = {-2f, -0.5f, 0.25f, 3f};
            float[] y = new float[x.length];
            probe.run(x, y, x.length);
            for (int i = 0; i < x.length; i++) {
                if (y[i] != ElementwiseReference.hardtanh(x[i])) {
                    return new Result(false, String.format(Locale.ROOT, "device %s gave a wrong result for a test kernel "
                            + "(hardtanh(%s) = %s)", name, x[i], y[i]));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("TornadoVM test kernel failed", e);
            return new Result(false, "device " + name + " failed to run a test kernel: " + e);
        }
        if ("CPU".equals(String.valueOf(device.getDeviceType()))) {
            return new Result(true, "device " + name + ", a CPU: the CPU backends are faster there", true);
        }
        return new Result(true, "device " + name);
    }
}
