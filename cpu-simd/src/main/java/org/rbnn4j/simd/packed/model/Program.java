package org.rbnn4j.simd.packed.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled network: a straight list of {@link Op}s over numbered values (value 0 is the input image batch), plus
 * a slot plan that lets values whose last reader has run share a buffer. Immutable and thread-safe; the mutable
 * buffers live in a {@link Workspace}.
 */
final class Program {
    private final List<Op> ops;
    private final int[] valueSize;
    private final int[] inputShape;
    private final int outputValue;
    private final int[] slotOf;
    private final int[] slotSize;

    /**
     * @param valueSize   floats per image of each value
     * @param inputShape  {@code [C, H, W]} of one input image
     * @param outputValue the value holding the logits
     */
    Program(List<Op> ops, int[] valueSize, int[] inputShape, int outputValue) {
        this.ops = List.copyOf(ops);
        this.valueSize = valueSize.clone();
        this.inputShape = inputShape.clone();
        this.outputValue = outputValue;
        int values = valueSize.length;
        int[] lastUse = new int[values];
        Arrays.fill(lastUse, -1);
        for (int k = 0; k < this.ops.size(); k++) {
            for (int v : this.ops.get(k).inputs()) {
                lastUse[v] = k;
            }
        }
        lastUse[outputValue] = Integer.MAX_VALUE;
        // Greedy slot assignment in op order: an op's output takes a free slot, then its dead inputs are freed.
        slotOf = new int[values];
        Arrays.fill(slotOf, -1);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        slotOf[0] = 0;
        sizes.add(valueSize[0]);
        for (int k = 0; k < this.ops.size(); k++) {
            Op op = this.ops.get(k);
            int out = op.output();
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
            for (int v : op.inputs()) {
                if (lastUse[v] == k && !free.contains(slotOf[v])) {
                    free.add(slotOf[v]);
                }
            }
            if (lastUse[out] < 0) {
                free.add(slot);
            }
        }
        slotSize = sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    List<Op> ops() {
        return ops;
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

    int[] inputShape() {
        return inputShape.clone();
    }

    int inputSizePerImage() {
        return valueSize[0];
    }

    int outputSizePerImage() {
        return valueSize[outputValue];
    }

    /** Floats of workspace per image. */
    long workspaceFloatsPerImage() {
        long s = 0;
        for (int v : slotSize) {
            s += v;
        }
        return s;
    }

    /**
     * Runs images {@code [0, n)} of {@code x} (from {@code xOff}) and writes their outputs to {@code y} from
     * {@code yOff}.
     */
    void run(Workspace ws, float[] x, int xOff, int n, float[] y, int yOff, Execution exec) {
        ws.ensureCapacity(n);
        System.arraycopy(x, xOff, ws.buffer(0), 0, n * valueSize[0]);
        for (Op op : ops) {
            op.run(ws, n, exec);
        }
        System.arraycopy(ws.buffer(outputValue), 0, y, yOff, n * valueSize[outputValue]);
    }

    /** The op list, one line each: stored in model files and compared on load. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("input ").append(inputShape[0]).append('x').append(inputShape[1]).append('x').append(inputShape[2])
                .append('\n');
        for (Op op : ops) {
            sb.append(op.describe()).append('\n');
        }
        return sb.toString();
    }
}
