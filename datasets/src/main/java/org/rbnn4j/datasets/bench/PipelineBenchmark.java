package org.rbnn4j.datasets.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.rbnn4j.datasets.ByteImageDataset;
import org.rbnn4j.datasets.ClassNames;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.Normalization;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.datasets.loader.DataLoader;
import org.rbnn4j.datasets.transform.Recipes;
import org.rbnn4j.datasets.transform.Transform;

/**
 * Throughput of the CIFAR-style training pipeline (uint8 -> float, random crop 32 padding 4, random
 * horizontal flip, normalise, stacked into NCHW batches of 256), on one thread: batches are built on
 * the calling thread ({@code prefetch 0}), so the number is what one core delivers. A second figure
 * runs the same with the background prefetch thread, the consumer doing nothing.
 *
 * <p>Runs on synthetic random CIFAR-shaped bytes (no data needed). Usage:
 * {@code java -cp ... org.rbnn4j.datasets.bench.PipelineBenchmark [seconds-per-measurement]}.
 * Reports the median of 5 measurements after 2 warm-up ones.
 */
public final class PipelineBenchmark {
    private PipelineBenchmark() {
    }

    /** A synthetic CIFAR-10-shaped in-memory dataset of {@code n} random images. */
    public static ByteImageDataset syntheticCifar(int n, long seed) {
        byte[] px = new byte[n * 3072];
        byte[] labels = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        r.nextBytes(px);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        return new ByteImageDataset("synthetic-cifar", "memory", new ImageShape(3, 32, 32), px, labels, ClassNames.CIFAR10);
    }

    /**
     * Images per second of whole epochs through a loader, measured for at least {@code seconds}.
     *
     * @param prefetch 0 builds batches on this thread (one-thread throughput)
     */
    public static double imagesPerSecond(Dataset dataset, Transform transform, int batchSize, int prefetch, double seconds) {
        long images = 0;
        double checksum = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        try (DataLoader loader = DataLoader.builder(dataset).batchSize(batchSize).shuffle(true).seed(1)
                .transform(transform).prefetch(prefetch).build()) {
            while (System.nanoTime() < deadline) {
                for (Batch b : loader) {
                    images += b.size();
                    checksum += b.images().data()[0]; // keep the work observable
                    if (System.nanoTime() >= deadline) {
                        break;
                    }
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (Double.isNaN(checksum)) {
            throw new AssertionError("NaN in batches");
        }
        return images / elapsed;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        Dataset data = syntheticCifar(10_000, 42);
        Transform train = Recipes.cifarTrain(Normalization.CIFAR10);
        System.out.printf("CIFAR-style pipeline (crop 32 pad 4 + flip + normalise, batch 256), %d CPUs, %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        for (int w = 0; w < 2; w++) {
            imagesPerSecond(data, train, 256, 0, seconds);
        }
        List<Double> one = new ArrayList<>();
        List<Double> prefetched = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            one.add(imagesPerSecond(data, train, 256, 0, seconds));
            prefetched.add(imagesPerSecond(data, train, 256, 2, seconds));
            plain.add(imagesPerSecond(data, null, 256, 0, seconds));
        }
        System.out.printf("1 thread (prefetch 0):            median %,.0f images/s  %s%n", median(one), fmt(one));
        System.out.printf("background thread (prefetch 2):   median %,.0f images/s  %s%n", median(prefetched), fmt(prefetched));
        System.out.printf("no transform, bytes->float only:  median %,.0f images/s  %s%n", median(plain), fmt(plain));
    }

    private static String fmt(List<Double> xs) {
        StringBuilder sb = new StringBuilder("[");
        for (double x : xs) {
            sb.append(sb.length() > 1 ? ", " : "").append(String.format("%,.0f", x));
        }
        return sb.append("]").toString();
    }
}
