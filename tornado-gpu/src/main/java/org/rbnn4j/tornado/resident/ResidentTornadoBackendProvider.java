package org.rbnn4j.tornado.resident;

import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ComputeBackendProvider;
import org.rbnn4j.tornado.TornadoBackendProvider;
import org.rbnn4j.tornado.TornadoRuntimeCheck;

/**
 * {@link java.util.ServiceLoader} entry for the resident TornadoVM backend: name {@code tornado-resident} (select it
 * with {@code --backend tornado-resident[:N]}), priority 250, below {@code tornado}: opt-in while most operations still
 * fall back to the staged backend. The arena starts at {@value #INITIAL_CAPACITY} floats and doubles up to
 * {@code -D}{@value #MAX_CAPACITY_PROPERTY} floats (default {@value #DEFAULT_MAX_CAPACITY}, 1 GiB).
 */
public final class ResidentTornadoBackendProvider implements ComputeBackendProvider {
    /** System property: the most floats the arena doubles to. */
    public static final String MAX_CAPACITY_PROPERTY = "rbnn.tornado.arena.max";
    static final int INITIAL_CAPACITY = 1 << 22;
    static final long DEFAULT_MAX_CAPACITY = 1L << 28;

    @Override
    public String name() {
        return "tornado-resident";
    }

    @Override
    public int priority() {
        return 250;
    }

    @Override
    public boolean isAvailable() {
        return TornadoRuntimeCheck.check().available();
    }

    @Override
    public String unavailableReason() {
        return TornadoRuntimeCheck.check().reason();
    }

    /** {@code threads} is ignored: the device does the parallel work. */
    @Override
    public ComputeBackend create(int threads) {
        long max = Long.getLong(MAX_CAPACITY_PROPERTY, DEFAULT_MAX_CAPACITY);
        if (max < INITIAL_CAPACITY) {
            throw new IllegalArgumentException("-D" + MAX_CAPACITY_PROPERTY + "=" + max + " is below the arena's start ("
                    + INITIAL_CAPACITY + " floats)");
        }
        return new ResidentTornadoBackend(TornadoBackendProvider.onSelectedDevice(), INITIAL_CAPACITY, max);
    }
}
