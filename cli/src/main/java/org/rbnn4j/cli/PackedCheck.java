package org.rbnn4j.cli;

import java.io.PrintStream;
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
 * packed accuracy, agreement of the two argmaxes, and both speeds.
 */
public final class PackedCheck {
    private PackedCheck() {
    }

    public static void run(Network net, BatchSource test, PrintStream out) {
        long floatNanos = 0;
        long packedNanos = 0;
        long images = 0;
        long correct = 0;
        long floatCorrect = 0;
        long agree = 0;
        try (PackedModel packed = PackedModel.compile(net, Map.of(), 0);
             BatchSource.CloseableIterable<Batch> batches = test.epoch(0)) {
            for (Batch b : batches) {
                long t0 = System.nanoTime();
                Tensor floatLogits = net.forward(b.images(), Mode.EVAL);
                long t1 = System.nanoTime();
                int[] floatClasses = argmax(floatLogits);
                long t2 = System.nanoTime();
                int[] classes = packed.predict(b.images());
                long t3 = System.nanoTime();
                floatNanos += t1 - t0;
                packedNanos += t3 - t2;
                int[] labels = b.labels();
                for (int i = 0; i < labels.length; i++) {
                    correct += classes[i] == labels[i] ? 1 : 0;
                    floatCorrect += floatClasses[i] == labels[i] ? 1 : 0;
                    agree += classes[i] == floatClasses[i] ? 1 : 0;
                }
                images += labels.length;
            }
        }
        if (images == 0) {
            out.println("packed check: no test images");
            return;
        }
        double packedRate = images / (packedNanos / 1e9);
        double floatRate = images / (floatNanos / 1e9);
        out.printf(Locale.ROOT, "packed check: packed test accuracy %.2f%% (float simulation %.2f%%), argmax agreement "
                        + "%d/%d (%.2f%%); packed %.0f images/s vs float %.0f images/s (%.1fx)%n",
                100.0 * correct / images, 100.0 * floatCorrect / images, agree, images, 100.0 * agree / images,
                packedRate, floatRate, packedRate / floatRate);
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
