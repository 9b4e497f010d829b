package org.rbnn4j.simd.concurrent;

/**
 * Per-thread reusable float arrays, one per {@link Slot}: kernels get their packing and im2col buffers here
 * instead of allocating per call. An array only grows; its content is undefined on return.
 *
 * <p>Two users of the same slot on one thread must not overlap; each kernel family has its own slots.
 */
public final class ScratchArrays {

    /** What a buffer is for. */
    public enum Slot {
        GEMM_PACKED_A, GEMM_PACKED_B, GEMM_EDGE_TILE,
        CONV_WEIGHTS, CONV_PADDED_INPUT, CONV_COLUMNS, CONV_GEMM_OUT, CONV_PARTIAL_SUMS, ROTATION
    }

    private static final int SLOTS = Slot.values().length;
    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    private ScratchArrays() {
    }

    /** An array of at least {@code minLength} floats owned by the current thread. */
    public static float[] get(Slot slot, int minLength) {
        float[][] arrays = ARRAYS.get();
        float[] a = arrays[slot.ordinal()];
        if (a == null || a.length < minLength) {
            // Grow with some headroom so that slowly growing requests do not reallocate every call.
            long grown = a == null ? minLength : Math.max(minLength, (long) a.length + a.length / 4);
            a = new float[(int) Math.min(Integer.MAX_VALUE - 16, grown)];
            arrays[slot.ordinal()] = a;
        }
        return a;
    }

    /** Drops the current thread's arrays (for tests or after an unusually large call). */
    public static void release() {
        ARRAYS.remove();
    }
}
