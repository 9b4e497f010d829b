package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

/**
 * One {@link TornadoBackend} shared by all test classes of this module (surefire runs them in one JVM): every
 * operation compiles once for the device, which on PoCL costs about a second each.
 */
final class TestDevice {
    private static TornadoBackend backend;

    private TestDevice() {
    }

    /** The shared backend on the device chosen by {@code rbnn.device} (TornadoVM's default device if unset). */
    static synchronized TornadoBackend backend() {
        if (backend == null) {
            TornadoRuntimeCheck.Result check = TornadoRuntimeCheck.check();
            assertThat(check.available()).as("TornadoVM backend available: %s", check.reason()).isTrue();
            assertThat(System.getProperty("tornado.recover.bailout"))
                    .as("tests must run with -Dtornado.recover.bailout=False (a failed kernel would silently run as Java)")
                    .isEqualToIgnoringCase("false");
            backend = new TornadoBackend(TornadoDevices.select(System.getProperty(TornadoDevices.DEVICE_PROPERTY)));
        }
        return backend;
    }

    /** Uniform values in [-1, 1). */
    static float[] random(SplittableRandom random, int length) {
        float[] a = new float[length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return a;
    }

    /**
     * Asserts {@code |actual[i] - expected[i]| <= relTol * max(1e-6, max|expected|)}: the device may fuse
     * multiply-adds, so sums differ from the reference by rounding relative to the magnitude of the whole result.
     */
    static void assertClose(String what, float[] actual, float[] expected, double relTol) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        float max = 0f;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = relTol * Math.max(1e-6, max);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= tol)) {
                throw new AssertionError(String.format("%s: element %d is %s, reference %s (tolerance %.3g)", what, i,
                        actual[i], expected[i], tol));
            }
        }
    }
}
