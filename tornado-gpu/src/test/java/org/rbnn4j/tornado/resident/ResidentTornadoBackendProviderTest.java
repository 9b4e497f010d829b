package org.rbnn4j.tornado.resident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The arena's default size limit: the smallest of a Java array, the device's largest allocation, three quarters of
 * TornadoVM's device memory limit and half the heap.
 */
class ResidentTornadoBackendProviderTest {
    private static final long GIB = 1L << 30;

    @Test
    void theArenaLimitIsTheSmallestOfArrayDeviceTornadoAndHeap() {
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(35 * GIB, 40 * GIB, 64 * GIB))
                .as("a Java array").isEqualTo(Integer.MAX_VALUE - 8);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(2 * GIB, 40 * GIB, 64 * GIB))
                .as("the device's largest allocation").isEqualTo(GIB / 2);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(35 * GIB, 4 * GIB, 64 * GIB))
                .as("three quarters of TornadoVM's 4GB").isEqualTo(3 * GIB / 4);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(35 * GIB, 40 * GIB, 4 * GIB))
                .as("half the heap").isEqualTo(GIB / 2);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(0, 40 * GIB, 8 * GIB))
                .as("a device that does not say").isEqualTo(GIB);
        assertThat(ResidentTornadoBackendProvider.defaultMaxCapacity(1 << 20, 1 << 20, 1 << 20))
                .as("never below the start").isEqualTo(ResidentTornadoBackendProvider.INITIAL_CAPACITY);
    }

    @Test
    void tornadoSizesParseAsTornadoVmReadsThem() {
        assertThat(ResidentTornadoBackendProvider.parseSize("4GB")).isEqualTo(4 * GIB);
        assertThat(ResidentTornadoBackendProvider.parseSize("512mb")).isEqualTo(512L << 20);
        assertThat(ResidentTornadoBackendProvider.parseSize("2048KB")).isEqualTo(2L << 20);
        assertThat(ResidentTornadoBackendProvider.parseSize("100")).isEqualTo(100);
        assertThatThrownBy(() -> ResidentTornadoBackendProvider.parseSize("lots"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tornado.device.memory");
    }
}
