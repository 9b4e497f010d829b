package org.rbnn4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.packed.model.PackedModel;

/**
 * Compiles a trained network to the packed engine and runs it over a test split next to the float simulation:
 * packed accuracy and agreement of the two argmaxes from a first pass, then both speeds from a second pass over the
 * first batches of the split (up to {@link #TIMED_IMAGES} images, kept from the first pass), once both engines are
 * warmed up (timed in the first pass, the packed engine's JIT compilation made a 500-image check report it at half
 * the float simulation's speed). Within the second pass the two engines alternate which goes first.
 */
public final class PackedCheck {
    /** Batches are kept for the second pass until this many images are. */
    static final int TIMED_IMAGES = 10_000;

    private PackedCheck() {
    }

    public static void run(Network net, BatchSource test, PrintStream out) {
        long images = 0;
        long correct = 0;
        long floatCorrect = 0;
        long agree = 0;
        long floatNanos = 0;
        long packedNanos = 0;
        long timed = 0;
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 0)) {
            // The first TIMED_IMAGES images stay in memory for the timed pass (no second pass through the loader).
            List<Tensor> kept = new ArrayList<>();
            try (BatchSource.CloseableIterable<Batch> batches = test.epoch(0)) {
                for (Batch b : batches) {
                    int[] floatClasses = argmax(net.forward(b.images(), Mode.EVAL));
                    int[] classes = packed.predict(b.images());
                    int[] labels = b.labels();
                    for (int i = 0; i < labels.length; i++) {
                        correct += classes[i] == labels[i] ? 1 : 0;
                        floatCorrect += floatClasses[i] == labels[i] ? 1 : 0;
                        agree += classes[i] == floatClasses[i] ? 1 : 0;
                    }
                    if (images < TIMED_IMAGES) {
                        kept.add(b.images());
                    }
                    images += labels.length;
                }
            }
            for (int k = 0; k < kept.size(); k++) {
                Tensor x = kept.get(k);
                if (k % 2 == 0) {
                    floatNanos += timeFloat(net, x);
                    packedNanos += timePacked(packed, x);
                } else {
                    packedNanos += timePacked(packed, x);
                    floatNanos += timeFloat(net, x);
                }
                timed += x.dim(0);
            }
        }
        if (images == 0) {
            out.println("packed check: no test images");
            return;
        }
        double packedRate = timed / (packedNanos / 1e9);
        double floatRate = timed / (floatNanos / 1e9);
        out.printf(Locale.ROOT, "packed check: packed test accuracy %.2f%% (float simulation %.2f%%), argmax agreement "
                        + "%d/%d (%.2f%%); packed %.0f images/s vs float %.0f images/s (%.1fx, second pass)%n",
                100.0 * correct / images, 100.0 * floatCorrect / images, agree, images, 100.0 * agree / images,
                packedRate, floatRate, packedRate / floatRate);
    }

    private static long timeFloat(Network net, Tensor x) {
        long t0 = System.nanoTime();
        net.forward(x, Mode.EVAL);
        return System.nanoTime() - t0;
    }

    private static long timePacked(PackedModel packed, Tensor x) {
        long t0 = System.nanoTime();
        packed.predict(x);
        return System.nanoTime() - t0;
    }

    private static int[] argmax(Tensor logits) {
        int n = logits.dim(0);
        int c = logits.dim(1);
        float[] l = logits.data();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (l[i * c + k] > l[i * c + best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
