package org.rbnn4j.core.compute;

/**
 * A provider registered for core's tests alone: available, ranked above every real backend, but not chosen
 * automatically (as a TornadoVM backend on a CPU device). {@code auto} must pass it over; its name selects it.
 */
public final class NamedOnlyTestProvider implements ComputeBackendProvider {
    static final String NAME = "named-only-test";
    /** How many backends this provider has created. */
    static volatile int created;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public boolean chosenAutomatically() {
        return false;
    }

    @Override
    public ComputeBackend create(int threads) {
        created++;
        return new ScalarBackend();
    }
}
