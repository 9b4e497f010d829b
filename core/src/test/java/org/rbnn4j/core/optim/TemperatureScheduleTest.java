package org.rbnn4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The t/k annealing against the values the reference code printed for 12 epochs. */
class TemperatureScheduleTest {

    static Path referenceDir() {
        String property = System.getProperty("rbnn.reference.dir");
        Path dir = property != null ? Path.of(property) : Path.of("../../shared/reference");
        assertThat(dir).as("reference vectors folder (system property rbnn.reference.dir)").isDirectory();
        return dir;
    }

    @SuppressWarnings("unchecked")
    private static double[] series(Map<String, Object> root, String name) {
        Map<String, Object> tensors = (Map<String, Object>) root.get("tensors");
        List<Object> data = (List<Object>) ((Map<String, Object>) tensors.get(name)).get("data");
        return data.stream().mapToDouble(o -> (Double) o).toArray();
    }

    @Test
    @SuppressWarnings("unchecked")
    void matchesTheReferenceScheduleFor12Epochs() throws IOException {
        Map<String, Object> root = (Map<String, Object>) TinyJson.parse(
                Files.readString(referenceDir().resolve("schedules_E12.json")));
        Map<String, Object> meta = (Map<String, Object>) root.get("meta");
        int epochs = ((Double) meta.get("epochs")).intValue();
        TemperatureSchedule schedule = new TemperatureSchedule((Double) meta.get("Tmin"), (Double) meta.get("Tmax"));
        double[] t = series(root, "t");
        double[] k = series(root, "k");
        assertThat(t).hasSize(epochs);
        assertThat(epochs).isEqualTo(12);
        for (int e = 0; e < epochs; e++) {
            assertThat(schedule.t(e, epochs)).as("t[%d]", e).isCloseTo(t[e], within(1e-12 * t[e]));
            assertThat(schedule.k(e, epochs)).as("k[%d]", e).isCloseTo(k[e], within(1e-12 * k[e]));
        }
    }

    @Test
    void defaultsAndRange() {
        TemperatureSchedule s = TemperatureSchedule.standard();
        assertThat(s.t(0, 100)).isCloseTo(0.01, within(1e-15));
        assertThat(s.k(0, 100)).isCloseTo(100, within(1e-9));
        assertThat(s.t(50, 100)).isCloseTo(Math.pow(10, -0.5), within(1e-12));
        assertThat(s.t(99, 100)).isLessThan(10).isGreaterThan(9);
        assertThat(s.k(99, 100)).isEqualTo(1.0);
        assertThatThrownBy(() -> s.t(100, 100)).hasMessageContaining("outside [0, 100)");
    }

    @Test
    void tinyJsonReadsNestedValues() {
        Object v = TinyJson.parse(" {\"a\": [1, -2.5e-3, true, null], \"b\": {\"c\": \"x\\\"y\"}} ");
        assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1.0, -2.5e-3, true, null), "b", Map.of("c", "x\"y")));
    }
}
