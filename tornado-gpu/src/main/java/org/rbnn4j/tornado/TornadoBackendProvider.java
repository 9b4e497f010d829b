package org.rbnn4j.tornado;

import org.rbnn4j.core.compute.ComputeBackend;

/**
 * {@link java.util.ServiceLoader} entry for the staged TornadoVM backend ({@link TornadoBackend}: every operation
 * copies its operands to the device and its results back): name {@code tornado-staged}, priority 250 (below the
 * resident {@code tornado}, above SIMD). Available only when the JVM runs TornadoVM (started with the SDK's
 * argfile) and a test kernel runs on the chosen device ({@code rbnn.device}, see {@link TornadoDevices#select}).
 * Loading this class touches no TornadoVM class, so the provider is harmless on a plain JVM.
 */
public final class TornadoBackendProvider extends AbstractTornadoBackendProvider {

    @Override
    public String name() {
        return "tornado-staged";
    }

    @Override
    public int priority() {
        return 250;
    }

    /** {@code threads} is ignored: the device does the parallel work. */
    @Override
    public ComputeBackend create(int threads) {
        return onSelectedDevice();
    }

    /**
     * A staged backend on the device {@code rbnn.device} names ({@link TornadoDevices#select}); a clear error when
     * TornadoVM does not run here. Also what the resident backend's provider wraps.
     */
    public static TornadoBackend onSelectedDevice() {
        TornadoRuntimeCheck.Result check = TornadoRuntimeCheck.check();
        if (!check.available()) {
            throw new IllegalStateException("TornadoVM backend not available: " + check.reason());
        }
        return new TornadoBackend(TornadoDevices.select(System.getProperty(TornadoDevices.DEVICE_PROPERTY)));
    }
}
