package org.rbnn4j.simd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ComputeBackendProvider;

class SimdBackendProviderTest {

    @Test
    void registeredAvailableAndPreferredOverScalar() {
        ComputeBackendProvider simd = Backends.providers().stream()
                .filter(p -> p.name().equals("simd")).findFirst().orElseThrow();
        assertThat(simd.priority()).isEqualTo(200);
        assertThat(simd.isAvailable()).as(simd.unavailableReason()).isTrue();
        int scalarIndex = -1;
        int simdIndex = -1;
        for (int i = 0; i < Backends.providers().size(); i++) {
            String name = Backends.providers().get(i).name();
            if (name.equals("simd")) {
                simdIndex = i;
            } else if (name.equals("scalar")) {
                scalarIndex = i;
            }
        }
        assertThat(simdIndex).isLessThan(scalarIndex);
    }

    @Test
    void createdByNameWithTheRequestedThreads() {
        try (ComputeBackend b = Backends.create("simd", 2)) {
            assertThat(b).isInstanceOf(SimdBackend.class);
            assertThat(b.name()).isEqualTo("simd");
            assertThat(b.threads()).isEqualTo(2);
        }
        try (ComputeBackend b = Backends.create("simd", 0)) {
            assertThat(b.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
        assertThat(SimdBackend.vectorLanes()).isGreaterThanOrEqualTo(4);
    }
}
