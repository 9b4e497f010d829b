package org.rbnn4j.simd.packed.model;

import org.rbnn4j.simd.packed.PackedActivations;

/**
 * The mutable buffers of one running {@link Program}: float slots (values share slots once dead, see
 * {@link Program}), packed activation buffers per binary convolution and per-image thresholds. Owned by one thread at
 * a time; {@link PackedModel} keeps a pool of them.
 */
final class Workspace {
    private final Program program;
    private final float[][] slots;
    private final PackedActivations[] packed;
    private float[] thresholds = new float[0];
    private int capacity;

    Workspace(Program program) {
        this.program = program;
        this.slots = new float[program.slotCount()][];
        this.packed = new PackedActivations[program.ops().size()];
    }

    /** Makes every slot hold at least {@code n} images. */
    void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        for (int s = 0; s < slots.length; s++) {
            slots[s] = new float[Math.multiplyExact(n, program.slotSizePerImage(s))];
        }
        capacity = n;
    }

    /** The buffer holding value {@code value} (NCHW or [n, features], image-major). */
    float[] buffer(int value) {
        return slots[program.slotOf(value)];
    }

    /** Per-image scratch of length at least {@code n}. */
    float[] thresholds(int n) {
        if (thresholds.length < n) {
            thresholds = new float[n];
        }
        return thresholds;
    }

    /**
     * The packed input buffer of op {@code opIndex} for exactly {@code n} images (reallocated when {@code n} changes,
     * since the packed kernels convolve every image of the buffer). Fresh buffers have the all-zero border.
     */
    PackedActivations packed(int opIndex, int n, int channels, int h, int w, int pad) {
        PackedActivations p = packed[opIndex];
        if (p == null || p.batch() != n) {
            p = PackedActivations.allocate(n, channels, h, w, pad);
            packed[opIndex] = p;
        }
        return p;
    }
}
