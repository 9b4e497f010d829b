package org.rbnn4j.simd.packed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.randomWithZeros;
import static org.rbnn4j.simd.packed.PackedConvTestSupport.signs;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackedFiltersTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 16, 24, 32, 48, 64})
    void slotsArePermutationsOfThePanel(int panelWidth) {
        int[] slots = PackedFilters.slotsFor(panelWidth);
        assertThat(slots).containsExactlyInAnyOrder(IntStream.range(0, panelWidth).toArray());
    }

    @Test
    void vectorPanelsStoreEvenFiltersOfEachGroupBeforeOddOnes() {
        int lanes = PackedFilters.PAIR_LANES;
        if (lanes == 0) {
            // No vector kernel here: filters stay in order.
            assertThat(PackedFilters.slotsFor(32)).containsExactly(IntStream.range(0, 32).toArray());
            return;
        }
        int width = 4 * lanes;
        int[] slots = PackedFilters.slotsFor(width);
        for (int j = 0; j < width; j++) {
            int group = j / (2 * lanes);
            int m = (j % (2 * lanes)) / 2;
            int h = j % 2;
            assertThat(slots[j]).as("filter %d", j).isEqualTo(group * 2 * lanes + h * lanes + m);
        }
        // A width that is not a whole number of groups keeps filters in order.
        int odd = 2 * lanes + 1;
        assertThat(PackedFilters.slotsFor(odd)).containsExactly(IntStream.range(0, odd).toArray());
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 16, 17, 32, 40, 70})
    void wordsReadBackTheSignsWhateverTheSlots(int cout) {
        SplittableRandom rnd = new SplittableRandom(cout);
        float[] w = randomWithZeros(rnd, cout * 70 * 9);
        for (int width : new int[] {8, 16, 32}) {
            PackedFilters f = PackedFilters.pack(w, 0, cout, 70, 3, 3, width);
            assertThat(f.toFloat()).as("panel width %d", width).containsExactly(signs(w));
            // Word 1 of tap (1, 2) of the last filter holds channels 64..69 at slot(cout % width) of its panel.
            int co = cout - 1;
            int k = (1 * 3 + 2) * 2 + 1;
            long word = f.bits()[((co / width) * f.kWords() + k) * width + f.slot(co % width)];
            assertThat(word).isEqualTo(f.word(co, 1, 2, 1));
            long expected = 0;
            for (int ci = 64; ci < 70; ci++) {
                if (w[((co * 70 + ci) * 3 + 1) * 3 + 2] < 0f) {
                    expected |= 1L << (ci - 64);
                }
            }
            assertThat(word).isEqualTo(expected);
        }
    }

    @Test
    void rejectsFiltersTooLargeForExactCounts() {
        assertThatThrownBy(() -> PackedFilters.pack(new float[1], 0, 1, 1 << 21, 3, 3, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many bits");
    }
}
