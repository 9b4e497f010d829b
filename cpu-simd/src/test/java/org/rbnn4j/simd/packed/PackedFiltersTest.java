package org.rbnn4j.simd.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.randomWithZeros;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.signs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackedFiltersTest {

    @ParameterizedTest
    @ValueSource(ints = {5, 16, 17, 32, 40, 70})
    void wordsHoldTheSignsInFilterOrder(int cout) {
        SplittableRandom rnd = new SplittableRandom(cout);
        float[] w = randomWithZeros(rnd, cout * 70 * 9);
        for (int width : new int[] {8, 16, 32, 64}) {
            PackedFilters f = PackedFilters.pack(w, 0, cout, 70, 3, 3, width);
            assertThat(f.toFloat()).as("panel width %d", width).containsExactly(signs(w));
            assertThat(f.wordsPerPixel()).isEqualTo(3);
            // Word 2 of tap (1, 2) of the last filter holds channels 64..69, at its place in filter order in the panel.
            int co = cout - 1;
            int k = (1 * 3 + 2) * 3 + 2;
            int q = ((co / width) * f.kWords() + k) * width + co % width;
            int word = (int) (f.bits()[q / 2] >>> (q % 2 == 0 ? 0 : 32));
            assertThat(word).as("channel word %d: the %s half of 64-bit word %d", q, q % 2 == 0 ? "low" : "high", q / 2)
                    .isEqualTo(f.word(co, 1, 2, 2)).isEqualTo(f.wordAt(q));
            int expected = 0;
            for (int ci = 64; ci < 70; ci++) {
                if (w[((co * 70 + ci) * 3 + 1) * 3 + 2] < 0f) {
                    expected |= 1 << (ci - 64);
                }
            }
            assertThat(word).isEqualTo(expected);
            // Filters past the last one (padding of the last panel) are all-zero words.
            for (int j = cout % width == 0 ? width : cout % width; j < width; j++) {
                int base = ((cout - 1) / width) * f.kWords() * width + j;
                for (int kk = 0; kk < f.kWords(); kk++) {
                    assertThat(f.wordAt(base + kk * width)).as("padding filter %d", j).isZero();
                }
            }
        }
    }

    @Test
    void rejectsFiltersTooLargeForExactCounts() {
        assertThatThrownBy(() -> PackedFilters.pack(new float[1], 0, 1, 1 << 21, 3, 3, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many bits");
    }
}
