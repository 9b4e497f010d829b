package org.rbnn4j.simd.packed.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rbnn4j.simd.gemm.Sgemm;

/**
 * The packed network's final linear layer rounds exactly as the float simulation's (the SIMD SGEMM) does: through the
 * SGEMM on weights packed once, and through {@code NarrowProduct} for outputs that fit one vector (depth blocks of
 * {@code KC} features, whole and partial, rows in fours and the rest one by one).
 */
class LinearProductTest {

    @ParameterizedTest(name = "{0} rows, {1} features, {2} outputs")
    @CsvSource({"64, 8192, 10", "13, 1000, 10", "3, 64, 10", "9, 512, 100", "8, 385, 17", "1, 5, 1", "17, 384, 16",
            "16, 2, 33", "4, 769, 10", "7, 768, 3", "6, 1, 16"})
    void equalsTheSgemmOfTheFloatSimulationBitForBit(int n, int in, int out) {
        SplittableRandom random = new SplittableRandom(n * 31L + in * 7L + out);
        // exactly n rows: the rows past the last whole sliver must not be read beyond the array
        float[] x = new float[n * in];
        float[] w = new float[out * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * 0.05);
        }
        float[] sgemm = new float[n * out];
        // As core's Linear calls it: y = x w^T.
        Sgemm.multiply(false, true, n, out, in, 1f, x, 0, in, w, 0, in, 0f, sgemm, 0, out);
        float[] y = new float[n * out];
        new Ops.Linear(0, 1, in, out, w, null).product(x, n, y);
        assertThat(y).as("packed-weight product = SGEMM").containsExactly(sgemm);
    }
}
