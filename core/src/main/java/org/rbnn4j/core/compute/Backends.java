package org.rbnn4j.core.compute;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds compute backends with {@link ServiceLoader} and holds the process-wide current one.
 *
 * <p>Without a name the available provider with the highest priority wins (GPU, then SIMD, then the scalar
 * reference); a name forces one ({@code "simd"}, {@code "scalar"}, {@code "tornado"}, {@code "tornado:1"}:
 * everything after the colon is passed on as the device index via the system property
 * {@code rbnn.device}).
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static volatile ComputeBackend current;

    private Backends() {
    }

    /** All providers on the class path plus the built-in scalar reference, best first. */
    public static List<ComputeBackendProvider> providers() {
        List<ComputeBackendProvider> list = new ArrayList<>();
        list.add(ScalarBackend.PROVIDER);
        for (ComputeBackendProvider p : ServiceLoader.load(ComputeBackendProvider.class)) {
            if (!p.name().equals(ScalarBackend.PROVIDER.name())) {
                list.add(p);
            }
        }
        list.sort(Comparator.comparingInt(ComputeBackendProvider::priority).reversed());
        return list;
    }

    /**
     * Creates a backend. {@code name} null or {@code "auto"} picks the best available one.
     *
     * @throws IllegalArgumentException naming the known backends when {@code name} is unknown or unavailable
     */
    public static ComputeBackend create(String name, int threads) {
        List<ComputeBackendProvider> all = providers();
        if (name == null || name.isBlank() || name.equalsIgnoreCase("auto")) {
            for (ComputeBackendProvider p : all) {
                if (p.isAvailable() && p.chosenAutomatically()) {
                    return p.create(threads);
                }
                LOG.debug("backend {} skipped: {}", p.name(), p.unavailableReason());
            }
            throw new IllegalStateException("no compute backend available");
        }
        String base = name.toLowerCase(Locale.ROOT);
        int colon = base.indexOf(':');
        if (colon >= 0) {
            System.setProperty("rbnn.device", base.substring(colon + 1));
            base = base.substring(0, colon);
        }
        List<String> known = new ArrayList<>();
        for (ComputeBackendProvider p : all) {
            known.add(p.name());
            if (p.name().equals(base)) {
                if (!p.isAvailable()) {
                    throw new IllegalArgumentException("backend '" + name + "' is not available: " + p.unavailableReason());
                }
                return p.create(threads);
            }
        }
        String hint = base.startsWith("tornado")
                ? " (the TornadoVM backend needs the tornado-gpu module and an installed TornadoVM SDK: set TORNADOVM_HOME)"
                : "";
        throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + known + hint);
    }

    /** The process-wide backend used by layers; created on first use with the best available provider. */
    public static ComputeBackend current() {
        ComputeBackend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                b = current;
                if (b == null) {
                    b = create(System.getProperty("rbnn.backend"), Integer.getInteger("rbnn.threads", 0));
                    LOG.debug("using compute backend {} with {} threads", b.name(), b.threads());
                    current = b;
                }
            }
        }
        return b;
    }

    /** Replaces the process-wide backend and returns the previous one (not closed). */
    public static synchronized ComputeBackend use(ComputeBackend backend) {
        ComputeBackend old = current;
        current = backend;
        return old;
    }
}
