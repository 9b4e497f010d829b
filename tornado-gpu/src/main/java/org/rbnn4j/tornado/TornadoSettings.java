package org.rbnn4j.tornado;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TornadoVM settings this backend chooses before the TornadoVM runtime starts, each only if the user has not set it.
 *
 * <p>{@code tornado.enable.fma=False}: TornadoVM's compiler turns {@code a * b + c} into {@code fma(a, b, c)} by
 * default, which rounds once instead of twice, so device results differ from the JVM's in the last bit; in binary
 * training such differences flip signs and the run leaves the CPU's after a few steps. Without fused multiply-adds
 * (and without the fast-math OpenCL options, see {@code DeviceOperation}) the device repeats the reference's float
 * arithmetic. Set {@code -Dtornado.enable.fma=True} to trade that reproducibility for speed on GPUs.
 */
public final class TornadoSettings {
    private static final Logger LOG = LoggerFactory.getLogger(TornadoSettings.class);
    static final String FMA_PROPERTY = "tornado.enable.fma";

    private TornadoSettings() {
    }

    /** Applies the defaults; must run before the first use of the TornadoVM runtime to have an effect. */
    public static synchronized void applyDefaults() {
        if (System.getProperty(FMA_PROPERTY) == null) {
            System.setProperty(FMA_PROPERTY, "False");
            LOG.debug("TornadoVM fused multiply-adds disabled (set -D{}=True to enable)", FMA_PROPERTY);
        }
    }
}
