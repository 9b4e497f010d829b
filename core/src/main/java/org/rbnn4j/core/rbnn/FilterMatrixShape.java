package org.rbnn4j.core.rbnn;

/**
 * How a flattened filter of {@code n = Cin*kh*kw} values is viewed as an {@code a x b} matrix for the
 * bi-rotation: {@code a} is the largest divisor of {@code n} not above {@code floor(sqrt(n))}, {@code b = n / a}
 * (DESIGN.md §1: 144 -> 12x12, 288 -> 16x18, 576 -> 24x24, 16 -> 4x4, 1152 -> 32x36).
 *
 * @param rows {@code a}, the side of {@code R1}
 * @param cols {@code b}, the side of {@code R2}
 */
public record FilterMatrixShape(int rows, int cols) {

    public FilterMatrixShape {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("filter matrix shape must be positive: " + rows + "x" + cols);
        }
    }

    /** The factorisation of DESIGN.md §1 for a filter of {@code n} values. */
    public static FilterMatrixShape of(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("filter size must be positive, got " + n);
        }
        int a = (int) Math.floor(Math.sqrt(n));
        // Guard against floating-point rounding of sqrt for large perfect squares.
        while ((long) (a + 1) * (a + 1) <= n) {
            a++;
        }
        while ((long) a * a > n) {
            a--;
        }
        while (n % a != 0) {
            a--;
        }
        return new FilterMatrixShape(a, n / a);
    }

    /** {@code a * b}, the filter length. */
    public int size() {
        return rows * cols;
    }
}
