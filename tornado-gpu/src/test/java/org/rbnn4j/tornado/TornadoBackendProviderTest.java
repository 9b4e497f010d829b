package org.rbnn4j.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ComputeBackendProvider;

/** Discovery through {@code ServiceLoader}, {@code --backend tornado[:N]} and the device listing. */
class TornadoBackendProviderTest {
    private final String savedDevice = System.getProperty(TornadoDevices.DEVICE_PROPERTY);

    @AfterEach
    void restoreDeviceChoice() {
        // Backends.create("tornado:N") sets the property for the whole JVM; other test classes use the default.
        if (savedDevice == null) {
            System.clearProperty(TornadoDevices.DEVICE_PROPERTY);
        } else {
            System.setProperty(TornadoDevices.DEVICE_PROPERTY, savedDevice);
        }
    }

    @Test
    void theResidentBackendIsFoundFirstAndAvailable() {
        List<ComputeBackendProvider> providers = Backends.providers();
        assertThat(providers.get(0).name()).isEqualTo("tornado");
        assertThat(providers.get(0).priority()).isEqualTo(300);
        assertThat(providers.get(0).isAvailable()).as(providers.get(0).unavailableReason()).isTrue();
        assertThat(providers.get(0).unavailableReason()).startsWith("device ");
    }

    @Test
    void backendsCreatesItByNameAndByDeviceIndex() {
        try (ComputeBackend named = Backends.create("tornado", 0)) {
            assertThat(named).isInstanceOf(org.rbnn4j.tornado.resident.ResidentTornadoBackend.class);
            assertThat(named.name()).isEqualTo("tornado");
        }
        try (ComputeBackend indexed = Backends.create("tornado-staged:0", 0)) {
            assertThat(((TornadoBackend) indexed).deviceName()).isEqualTo(TornadoDevices.list().get(0).name());
        }
    }

    @Test
    void theStagedBackendIsSecondAndSelectedByName() {
        List<ComputeBackendProvider> providers = Backends.providers();
        assertThat(providers.get(1).name()).isEqualTo("tornado-staged");
        assertThat(providers.get(1).priority()).isLessThan(providers.get(0).priority());
        try (ComputeBackend staged = Backends.create("tornado-staged", 0)) {
            assertThat(staged).isInstanceOf(TornadoBackend.class);
            assertThat(staged.name()).isEqualTo("tornado-staged");
        }
    }

    @Test
    void autoChoosesTheDeviceOnlyWhereItIsNotACpu() {
        boolean cpu = TornadoDevices.list().stream().filter(d -> d.isDefault()).findFirst().orElseThrow().type()
                .equals("CPU");
        List<ComputeBackendProvider> providers = Backends.providers();
        assertThat(providers.get(0).chosenAutomatically()).as("resident on a %s device", cpu ? "CPU" : "non-CPU")
                .isEqualTo(!cpu);
        assertThat(providers.get(1).chosenAutomatically()).isEqualTo(!cpu);
        try (ComputeBackend auto = Backends.create("auto", 1)) {
            assertThat(auto.name().startsWith("tornado")).as("auto picked %s", auto.name()).isEqualTo(!cpu);
        }
    }

    @Test
    void anUnknownDeviceIsAClearErrorListingTheDevices() {
        int count = TornadoDevices.list().size();
        assertThatThrownBy(() -> Backends.create("tornado:" + count, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no TornadoVM device '" + count + "'")
                .hasMessageContaining("[0:0]");
        assertThatThrownBy(() -> TornadoDevices.select("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tornado:N or tornado:B:D");
        assertThat(TornadoDevices.select("0:0").getDeviceName()).isEqualTo(TornadoDevices.select("0").getDeviceName());
    }

    @Test
    void listingNumbersTheDevicesAndMarksTheDefault() {
        List<String> lines = DeviceListing.lines();
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(0)).startsWith("0  [0:0]  ");
        assertThat(lines).anyMatch(l -> l.endsWith("default"));
    }
}
