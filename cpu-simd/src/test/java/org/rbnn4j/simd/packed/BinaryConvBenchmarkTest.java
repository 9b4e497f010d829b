package org.rbnn4j.simd.packed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Smoke test of the benchmark API (not a timing test: tiny shape, a few calls). */
class BinaryConvBenchmarkTest {

    @Test
    void measuresBothSidesAndReportsConsistentJson() {
        BinaryConvBenchmarkResult r = BinaryConvBenchmark.measure(16, 16, 6, 2, 2, BinaryConvBenchmark.Settings.quick());
        assertThat(r.binaryMs()).isPositive();
        assertThat(r.floatMs()).isPositive();
        assertThat(r.binaryReps()).isGreaterThanOrEqualTo(2);
        assertThat(r.floatReps()).isGreaterThanOrEqualTo(1);
        double bitMacs = 16.0 * 9 * 16 * 6 * 6 * 2;
        assertThat(r.binaryGbitmacs()).isCloseTo(bitMacs / (r.binaryMs() * 1e-3) / 1e9,
                org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(r.floatGflops()).isCloseTo(2 * bitMacs / (r.floatMs() * 1e-3) / 1e9,
                org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(r.speedup()).isCloseTo(r.floatMs() / r.binaryMs(), org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(r.toJson())
                .startsWith("{").endsWith("}")
                .contains("\"cin\":16", "\"cout\":16", "\"hw\":6", "\"threads\":2", "\"batch\":2",
                        "\"binary_gbitmacs\":", "\"float_gflops\":", "\"speedup\":")
                .doesNotContain("NaN", "Infinity");
    }
}
