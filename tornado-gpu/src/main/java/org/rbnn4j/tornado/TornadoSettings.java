package org.rbnn4j.tornado;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's one setting, {@code -Drbnn.tornado.reproducible=true}, and what it changes in TornadoVM before the
 * TornadoVM runtime starts.
 *
 * <p>By default the backend is built for speed on a GPU: TornadoVM fuses {@code a * b + c} into {@code fma(a, b, c)}
 * (one rounding instead of two) and the weight gradient sums each sample separately before adding the samples. Device
 * results then differ from the JVM's in the last bits; binary training amplifies such differences (a sign flips), so
 * a run leaves the CPU backends' run after a few steps while every single step agrees.
 *
 * <p>Reproducible mode sets {@code tornado.enable.fma=False} (unless the user set it) and sums the weight gradient in
 * the reference's order (fewer work items), so on a device whose compiler does not contract multiply-adds on its own
 * (PoCL) the device repeats the scalar reference's float arithmetic and whole training runs agree with
 * {@code --backend scalar}. NVIDIA's OpenCL compiler contracts by itself, so there the mode only brings results closer.
 *
 * <p>In both modes {@code tornado.enable.nativeFunctions=False} (unless the user set it): TornadoVM otherwise compiles
 * {@code Math.sin} and its kind to OpenCL's {@code native_sin}, whose precision is the driver's choice (on PoCL the
 * blend weight {@code |sin theta|} came out one float ulp off the JVM's); without it they are OpenCL's {@code sin},
 * accurate to a few ulp of double, so their results rounded to float match the JVM's (but in the rare case of a value
 * within those few ulp of a rounding boundary).
 */
public final class TornadoSettings {
    private static final Logger LOG = LoggerFactory.getLogger(TornadoSettings.class);
    /** {@code true}: reproduce the scalar reference's arithmetic (see above). Read when a backend is created. */
    public static final String REPRODUCIBLE_PROPERTY = "rbnn.tornado.reproducible";
    static final String FMA_PROPERTY = "tornado.enable.fma";
    static final String NATIVE_FUNCTIONS_PROPERTY = "tornado.enable.nativeFunctions";

    private TornadoSettings() {
    }

    /** Whether reproducible mode is on ({@value #REPRODUCIBLE_PROPERTY}). */
    public static boolean reproducible() {
        return Boolean.getBoolean(REPRODUCIBLE_PROPERTY);
    }

    /** Applies the mode to TornadoVM; must run before the first use of the TornadoVM runtime to have an effect. */
    public static synchronized void applyDefaults() {
        if (System.getProperty(NATIVE_FUNCTIONS_PROPERTY) == null) {
            System.setProperty(NATIVE_FUNCTIONS_PROPERTY, "False");
        }
        if (reproducible() && System.getProperty(FMA_PROPERTY) == null) {
            System.setProperty(FMA_PROPERTY, "False");
            LOG.debug("reproducible mode: TornadoVM fused multiply-adds disabled");
        }
    }
}
