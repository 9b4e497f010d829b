package org.rbnn4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmupThenCosineAsDesign() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(0.1);
        int total = 12;
        assertThat(s.lr(0, total)).isCloseTo(0.02, within(1e-15));
        assertThat(s.lr(1, total)).isCloseTo(0.04, within(1e-15));
        assertThat(s.lr(4, total)).isCloseTo(0.1, within(1e-15));
        // e >= 5: lr * (1 + cos(pi * (e - 4) / (E - 4))) / 2
        assertThat(s.lr(5, total)).isCloseTo(0.1 * (1 + Math.cos(Math.PI / 8)) / 2, within(1e-15));
        assertThat(s.lr(8, total)).isCloseTo(0.05, within(1e-15));
        assertThat(s.lr(11, total)).isCloseTo(0.1 * (1 + Math.cos(7 * Math.PI / 8)) / 2, within(1e-15));
        for (int e = 5; e < total; e++) {
            assertThat(s.lr(e, total)).isLessThan(s.lr(e - 1, total)).isLessThanOrEqualTo(0.1);
        }
    }

    @Test
    void cosineWithoutWarmup() {
        LearningRateSchedule s = LearningRateSchedule.cosine(0.1);
        assertThat(s.lr(0, 200)).isCloseTo(0.1, within(1e-15));
        assertThat(s.lr(100, 200)).isCloseTo(0.05, within(1e-15));
        assertThat(s.lr(150, 200)).isCloseTo(0.1 * (1 + Math.cos(0.75 * Math.PI)) / 2, within(1e-15));
        assertThat(s.lr(199, 200)).isGreaterThan(0).isLessThan(1e-5);
    }

    @Test
    void epochsOutsideTheRunAreRejected() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(0.1);
        assertThatThrownBy(() -> s.lr(12, 12)).hasMessageContaining("outside [0, 12)");
        assertThatThrownBy(() -> s.lr(-1, 12)).isInstanceOf(IllegalArgumentException.class);
    }
}
