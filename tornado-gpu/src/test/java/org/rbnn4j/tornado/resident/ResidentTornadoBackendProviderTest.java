package org.rbnn4j.tornado.resident;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arena's default size limit: the smallest of a Java array, the device's largest allocation and half the heap. */
class ResidentTornadoBackendProviderTest {
    private static final long GIB = 1L << 30;

    @Test
    void theArenaLimitIsTheSmallestOfArrayDeviceAndHeap() {
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(35 * GIB, 64 * GIB))
                .as("a Java array").isEqualTo(Integer.MAX_VALUE - 8);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(2 * GIB, 64 * GIB))
                .as("the device's largest allocation").isEqualTo(GIB / 2);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(35 * GIB, 8 * GIB))
                .as("half the heap").isEqualTo(GIB);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(0, 8 * GIB))
                .as("a device that does not say").isEqualTo(GIB);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(1 << 20, 1 << 20))
                .as("never below the start").isEqualTo(ResidentTornadoBackendProvider.INITIAL_CAPACITY);
    }
}
