package org.rbnn4j.simd.packed.model;

import java.util.List;
import org.rbnn4j.simd.packed.PackedActivations;

/**
 * The mutable buffers of one running {@link Schedule}: float slots (values share slots once dead), packed activation
 * buffers with their per-image thresholds, and scratch. Sized for a number of images (the capacity) and reused for
 * any batch up to it, so that steady-state inference allocates nothing. Owned by one thread at a time;
 * {@link PackedModel} keeps a pool of them.
 */
final class Workspace {
    private final Schedule schedule;
    private final float[][] slots;
    private final PackedActivations[] packed;
    private final float[][] packedThresholds;
    private final float[] convScratch;
    private final float[] imageScratch;
    /** Packed input buffers of the unfused reference ops, by op index (see {@code packed(opIndex, n, ...)}). */
    private final PackedActivations[] referencePacked;
    private float[] thresholds = new float[0];
    private int capacity;

    Workspace(Schedule schedule) {
        this.schedule = schedule;
        this.slots = new float[schedule.slotCount()][];
        this.packed = new PackedActivations[schedule.packedShapes().size()];
        this.packedThresholds = new float[packed.length][];
        this.convScratch = new float[schedule.convScratchFloats()];
        this.imageScratch = new float[schedule.imageScratchFloats()];
        this.referencePacked = new PackedActivations[schedule.steps().size()];
    }

    /** Makes every slot and packed buffer hold at least {@code n} images. */
    void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        for (int s = 0; s < slots.length; s++) {
            slots[s] = new float[Math.multiplyExact(n, schedule.slotSizePerImage(s))];
        }
        List<Schedule.PackedShape> shapes = schedule.packedShapes();
        for (int p = 0; p < packed.length; p++) {
            Schedule.PackedShape s = shapes.get(p);
            packed[p] = PackedActivations.allocate(n, s.channels(), s.height(), s.width(), s.pad());
            packedThresholds[p] = new float[n];
        }
        capacity = n;
    }

    /** The buffer holding value {@code value} (image-major, in the value's layout). */
    float[] buffer(int value) {
        return slots[schedule.slotOf(value)];
    }

    /** Packed buffer {@code id}, for at least the capacity in images; fresh ones have the all-zero border. */
    PackedActivations packed(int id) {
        return packed[id];
    }

    /** Per-image thresholds of packed buffer {@code id}. */
    float[] thresholds(int id) {
        return packedThresholds[id];
    }

    /** Scratch for convolution results ({@link Schedule#convScratchFloats()} floats). */
    float[] convScratch() {
        return convScratch;
    }

    /** Scratch for one image ({@link Schedule#imageScratchFloats()} floats). */
    float[] imageScratch() {
        return imageScratch;
    }

    /** Per-image scratch of length at least {@code n} (reference ops). */
    float[] referenceThresholds(int n) {
        if (thresholds.length < n) {
            thresholds = new float[n];
        }
        return thresholds;
    }

    /**
     * The packed input buffer of reference op {@code opIndex} for exactly {@code n} images (reallocated when
     * {@code n} changes, since {@link Ops.BinaryConv} convolves every image of the buffer). Fresh buffers have the
     * all-zero border.
     */
    PackedActivations packed(int opIndex, int n, int channels, int h, int w, int pad) {
        PackedActivations p = referencePacked[opIndex];
        if (p == null || p.batch() != n) {
            p = PackedActivations.allocate(n, channels, h, w, pad);
            referencePacked[opIndex] = p;
        }
        return p;
    }
}
