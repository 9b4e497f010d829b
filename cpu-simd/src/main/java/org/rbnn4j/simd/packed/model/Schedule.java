package org.rbnn4j.simd.packed.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A runnable list of steps over numbered float buffers ("values", sized per image), numbered packed buffers and
 * per-workspace scratch, plus a slot plan that lets values whose last reader has run share memory. Immutable and
 * thread-safe; the memory lives in a {@link Workspace}.
 */
final class Schedule {
    /** {@code [channels, height, width, pad]} of one image of a packed buffer. */
    record PackedShape(int channels, int height, int width, int pad) {
    }

    private final List<Op> steps;
    private final int[] valueSize;
    private final int input;
    private final int output;
    private final List<PackedShape> packedShapes;
    private final int convScratchFloats;
    private final int imageScratchFloats;
    private final int[] slotOf;
    private final int[] slotSize;

    /**
     * @param valueSize          floats per image of each value
     * @param input              the value the input images are copied into (NCHW)
     * @param output             the value holding the logits
     * @param packedShapes       the packed buffers, by id
     * @param convScratchFloats  floats of convolution-result scratch per workspace
     * @param imageScratchFloats floats of per-image scratch per workspace
     */
    Schedule(List<Op> steps, int[] valueSize, int input, int output, List<PackedShape> packedShapes,
             int convScratchFloats, int imageScratchFloats) {
        this.steps = List.copyOf(steps);
        this.valueSize = valueSize.clone();
        this.input = input;
        this.output = output;
        this.packedShapes = List.copyOf(packedShapes);
        this.convScratchFloats = convScratchFloats;
        this.imageScratchFloats = imageScratchFloats;
        int values = valueSize.length;
        int[] lastUse = new int[values];
        Arrays.fill(lastUse, -1);
        for (int k = 0; k < this.steps.size(); k++) {
            for (int v : this.steps.get(k).inputs()) {
                lastUse[v] = k;
            }
        }
        lastUse[output] = Integer.MAX_VALUE;
        // Greedy slot assignment in step order: a step's output takes a free slot (so it never aliases an input),
        // then its dead inputs are freed.
        slotOf = new int[values];
        Arrays.fill(slotOf, -1);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        slotOf[input] = 0;
        sizes.add(valueSize[input]);
        if (lastUse[input] < 0 && input != output) {
            free.add(0);
        }
        for (int k = 0; k < this.steps.size(); k++) {
            Op op = this.steps.get(k);
            int out = op.output();
            if (out >= 0) {
                if (slotOf[out] >= 0) {
                    throw new IllegalStateException("value " + out + " written twice");
                }
                int slot;
                if (free.isEmpty()) {
                    slot = sizes.size();
                    sizes.add(0);
                } else {
                    slot = free.removeLast();
                }
                slotOf[out] = slot;
                sizes.set(slot, Math.max(sizes.get(slot), valueSize[out]));
            }
            for (int v : op.inputs()) {
                if (slotOf[v] < 0) {
                    throw new IllegalStateException("step " + k + " (" + op.describe() + ") reads value " + v
                            + " before it is written");
                }
                if (lastUse[v] == k && !free.contains(slotOf[v])) {
                    free.add(slotOf[v]);
                }
            }
            if (out >= 0 && lastUse[out] < 0) {
                free.add(slotOf[out]);
            }
        }
        slotSize = sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    List<Op> steps() {
        return steps;
    }

    int slotCount() {
        return slotSize.length;
    }

    int slotSizePerImage(int slot) {
        return slotSize[slot];
    }

    int slotOf(int value) {
        return slotOf[value];
    }

    List<PackedShape> packedShapes() {
        return packedShapes;
    }

    int convScratchFloats() {
        return convScratchFloats;
    }

    int imageScratchFloats() {
        return imageScratchFloats;
    }

    int inputSizePerImage() {
        return valueSize[input];
    }

    int outputSizePerImage() {
        return valueSize[output];
    }

    /** Floats of workspace per image (float slots only). */
    long workspaceFloatsPerImage() {
        long s = 0;
        for (int v : slotSize) {
            s += v;
        }
        return s;
    }

    /**
     * Runs images {@code [0, n)} of {@code x} (from {@code xOff}) and writes their outputs to {@code y} from
     * {@code yOff}; {@code ws} must have been made for this schedule.
     */
    void run(Workspace ws, float[] x, int xOff, int n, float[] y, int yOff, Execution exec) {
        ws.ensureCapacity(n);
        System.arraycopy(x, xOff, ws.buffer(input), 0, n * valueSize[input]);
        for (Op op : steps) {
            op.run(ws, n, exec);
        }
        System.arraycopy(ws.buffer(output), 0, y, yOff, n * valueSize[output]);
    }

    /**
     * {@link #run} that also adds each step's time on {@code clock} (nanoseconds) to {@code nanos[step]}, for
     * profiling by hand: sampling profilers attribute the time of inlined vector code to the wrong frames.
     */
    void runTimed(Workspace ws, float[] x, int xOff, int n, float[] y, int yOff, Execution exec, long[] nanos,
                  java.util.function.LongSupplier clock) {
        ws.ensureCapacity(n);
        System.arraycopy(x, xOff, ws.buffer(input), 0, n * valueSize[input]);
        for (int k = 0; k < steps.size(); k++) {
            long t0 = clock.getAsLong();
            steps.get(k).run(ws, n, exec);
            nanos[k] += clock.getAsLong() - t0;
        }
        System.arraycopy(ws.buffer(output), 0, y, yOff, n * valueSize[output]);
    }

    /** The steps, one line each (for debugging and tests). */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Op op : steps) {
            sb.append(op.describe()).append('\n');
        }
        return sb.toString();
    }
}
