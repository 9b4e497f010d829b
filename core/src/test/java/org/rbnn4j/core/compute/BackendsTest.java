package org.rbnn4j.core.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Backend selection: {@code auto} takes the best available backend that may be chosen automatically. */
class BackendsTest {

    @Test
    void autoPassesOverABackendThatIsOnlySelectedByName() {
        assertThat(Backends.providers().get(0).name()).isEqualTo(NamedOnlyTestProvider.NAME);
        int before = NamedOnlyTestProvider.created;
        try (ComputeBackend auto = Backends.create("auto", 1)) {
            assertThat(NamedOnlyTestProvider.created).as("created by auto").isEqualTo(before);
        }
        try (ComputeBackend named = Backends.create(NamedOnlyTestProvider.NAME, 1)) {
            assertThat(NamedOnlyTestProvider.created).as("created by name").isEqualTo(before + 1);
        }
    }

    @Test
    void anUnknownNameListsTheKnownBackends() {
        assertThatThrownBy(() -> Backends.create("nonesuch", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend 'nonesuch'").hasMessageContaining("scalar");
    }
}
