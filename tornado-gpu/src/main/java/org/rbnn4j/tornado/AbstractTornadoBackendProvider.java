package org.rbnn4j.tornado;

import org.rbnn4j.core.compute.ComputeBackendProvider;

/**
 * What both TornadoVM providers (resident {@code tornado}, staged {@code tornado-staged}) share: availability and the
 * choice by {@code auto} follow one {@link TornadoRuntimeCheck} of the device {@code rbnn.device} names. Loading this
 * class touches no TornadoVM class, so the providers are harmless on a plain JVM.
 */
public abstract class AbstractTornadoBackendProvider implements ComputeBackendProvider {

    @Override
    public boolean isAvailable() {
        return TornadoRuntimeCheck.check().available();
    }

    @Override
    public String unavailableReason() {
        return TornadoRuntimeCheck.check().reason();
    }

    /** Not on a CPU device (PoCL): there {@code auto} picks the CPU backends, which are faster. */
    @Override
    public boolean chosenAutomatically() {
        return !TornadoRuntimeCheck.check().cpuDevice();
    }
}
