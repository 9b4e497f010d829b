package org.rbnn4j.simd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GemmBenchmarkTest {

    @Test
    void measuresBothAndReportsJsonWithTheAgreedKeysFirst() {
        GemmResult r = GemmBenchmark.measure(24, 40, 70, 2, new GemmBenchmark.Options(10, 3, 2, 100, 1));
        assertThat(r.threads()).isEqualTo(2);
        assertThat(r.gflops()).isPositive().isFinite();
        assertThat(r.referenceGflops()).isPositive().isFinite();
        assertThat(r.repetitions()).isEqualTo(3);
        assertThat(r.referenceRepetitions()).isBetween(1, 2);
        assertThat(r.maxRelativeError()).isLessThan(1e-5);
        String json = r.toJson();
        assertThat(json).startsWith("{\"m\":24,\"k\":40,\"n\":70,\"threads\":2,\"gflops\":");
        assertThat(json).containsSubsequence("\"gflops\":", ",\"reference_gflops\":", ",\"speedup\":");
        assertThat(json).endsWith("}").doesNotContain("NaN").doesNotContain(" ");
    }
}
