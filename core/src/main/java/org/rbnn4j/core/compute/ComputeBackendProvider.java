package org.rbnn4j.core.compute;

/**
 * Service interface (for {@link java.util.ServiceLoader}) that creates a {@link ComputeBackend}.
 * Register implementations in {@code META-INF/services/org.rbnn4j.core.compute.ComputeBackendProvider}.
 */
public interface ComputeBackendProvider {

    /** Name used with {@code --backend}. */
    String name();

    /** Higher wins when no backend is named: GPU 300, SIMD 200, scalar 0. */
    int priority();

    /** Whether this backend can run here (the CPU supports it, the device is present...). */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, for error messages. */
    default String unavailableReason() {
        return "not available";
    }

    /**
     * Whether {@code auto} may pick this backend when it is available. A device backend whose device is itself a CPU
     * (an OpenCL CPU driver such as PoCL) says no: the CPU backends are faster there; naming it still selects it.
     */
    default boolean chosenAutomatically() {
        return true;
    }

    /** A backend using {@code threads} worker threads (a value below 1 means all available cores). */
    ComputeBackend create(int threads);
}
