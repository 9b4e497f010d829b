package org.rbnn4j.simd;

import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ComputeBackendProvider;

/**
 * {@link java.util.ServiceLoader} entry for {@link SimdBackend} ({@code "simd"}, priority 200). Available when the
 * Vector API module is present ({@code --add-modules jdk.incubator.vector}) and the preferred float vector has at
 * least 4 lanes. This class itself touches no Vector API type, so it loads (and reports why not) without the module.
 */
public final class SimdBackendProvider implements ComputeBackendProvider {
    private static final int MIN_LANES = 4;

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public boolean isAvailable() {
        return unavailability() == null;
    }

    @Override
    public String unavailableReason() {
        String why = unavailability();
        return why == null ? "available" : why;
    }

    @Override
    public ComputeBackend create(int threads) {
        String why = unavailability();
        if (why != null) {
            throw new IllegalStateException("simd backend not available: " + why);
        }
        return SimdBackend.create(threads);
    }

    private static String unavailability() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the Vector API is not enabled: run the JVM with --add-modules jdk.incubator.vector";
        }
        try {
            int lanes = SimdBackend.vectorLanes();
            if (lanes < MIN_LANES) {
                return "the preferred float vector has only " + lanes + " lanes on this CPU (need " + MIN_LANES + ")";
            }
            return null;
        } catch (LinkageError e) {
            return "the Vector API cannot be loaded: " + e;
        }
    }
}
