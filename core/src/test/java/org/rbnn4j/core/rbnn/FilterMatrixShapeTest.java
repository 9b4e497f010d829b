package org.rbnn4j.core.rbnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FilterMatrixShapeTest {

    @Test
    void factorisationsOfTheDesign() {
        assertThat(FilterMatrixShape.of(144)).isEqualTo(new FilterMatrixShape(12, 12));
        assertThat(FilterMatrixShape.of(288)).isEqualTo(new FilterMatrixShape(16, 18));
        assertThat(FilterMatrixShape.of(576)).isEqualTo(new FilterMatrixShape(24, 24));
        assertThat(FilterMatrixShape.of(16)).isEqualTo(new FilterMatrixShape(4, 4));
        assertThat(FilterMatrixShape.of(1152)).isEqualTo(new FilterMatrixShape(32, 36));
        // The reference cases: 4*3*3 and 8*3*3.
        assertThat(FilterMatrixShape.of(36)).isEqualTo(new FilterMatrixShape(6, 6));
        assertThat(FilterMatrixShape.of(72)).isEqualTo(new FilterMatrixShape(8, 9));
    }

    @Test
    void aIsTheLargestDivisorNotAboveTheSquareRoot() {
        for (int n = 1; n <= 5000; n++) {
            FilterMatrixShape s = FilterMatrixShape.of(n);
            assertThat(s.rows() * s.cols()).isEqualTo(n);
            assertThat((long) s.rows() * s.rows()).isLessThanOrEqualTo(n);
            for (int d = s.rows() + 1; (long) d * d <= n; d++) {
                assertThat(n % d).as("n=%d has a larger divisor %d <= sqrt(n)", n, d).isNotZero();
            }
        }
        // Primes degenerate to 1 x n.
        assertThat(FilterMatrixShape.of(13)).isEqualTo(new FilterMatrixShape(1, 13));
        assertThatThrownBy(() -> FilterMatrixShape.of(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
