package org.rbnn4j.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rbnn bench train}: full training steps (forward, loss, backward, SGD update) on data already in memory,
 * after warm-up steps; the median step time, and the time of one rotation update of all binary layers.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Time full training steps of a zoo model.")
final class TrainBenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "resnet20_1w1a") String model;
    @Option(names = "--batch", defaultValue = "256") int batch;
    @Option(names = "--threads", defaultValue = "0", description = "0 = all cores") int threads;
    @Option(names = "--steps", defaultValue = "5") int steps;
    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first") int warmup;
    @Option(names = "--channels", defaultValue = "1") int channels;
    @Option(names = "--size", defaultValue = "32", description = "input height and width") int size;
    @Option(names = "--backend", defaultValue = "auto") String backend;
    @Option(names = "--json", description = "print one JSON object") boolean json;

    @Override
    public Integer call() {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1");
        }
        try (ComputeBackend compute = Backends.create(backend, threads)) {
            ComputeBackend previous = Backends.use(compute);
            try {
                return run(compute);
            } finally {
                Backends.use(previous);
            }
        }
    }

    private int run(ComputeBackend compute) {
        Network net = ModelZoo.create(new ModelSpec(ModelZoo.canonicalName(model), channels, 10, size, java.util.Map.of()), 1);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = new float[batch * channels * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int[] labels = new int[batch];
        Arrays.setAll(labels, i -> rnd.nextInt(10));
        Tensor images = Tensor.of(x, batch, channels, size, size);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Sgd sgd = new Sgd(net.parameters(), 0.01, 0.9, 1e-4);
        // Epoch 0 schedule; the rotation update runs in the first batch and is timed on its own.
        net.onEpochStart(0, 10, 0.1, 10);
        long rotationBefore = net.rotationNanos();
        net.onBatchStart(0);
        double firstLoss = step(net, images, labels, loss, sgd);
        double rotationSeconds = (net.rotationNanos() - rotationBefore) / 1e9;
        for (int i = 1; i < warmup; i++) {
            net.onBatchStart(i);
            step(net, images, labels, loss, sgd);
        }
        double[] times = new double[steps];
        double lastLoss = firstLoss;
        for (int i = 0; i < steps; i++) {
            net.onBatchStart(warmup + i);
            long t0 = System.nanoTime();
            lastLoss = step(net, images, labels, loss, sgd);
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        double median = steps % 2 == 1 ? times[steps / 2] : (times[steps / 2 - 1] + times[steps / 2]) / 2;
        if (json) {
            System.out.printf(Locale.ROOT, "{\"model\":\"%s\",\"batch\":%d,\"threads\":%d,\"step_s_median\":%.6f,"
                            + "\"images_per_s\":%.2f,\"rotation_s\":%.6f,\"backend\":\"%s\",\"steps\":%d,\"step_s_min\":%.6f,"
                            + "\"loss_first\":%.7g,\"loss_last\":%.7g}%n",
                    net.name(), batch, compute.threads(), median, batch / median, rotationSeconds, compute.name(), steps, times[0],
                    firstLoss, lastLoss);
        } else {
            System.out.printf(Locale.ROOT, "%s batch %d, %s backend, %d thread(s): median step %.3f s (%.0f images/s), "
                    + "rotation update %.4f s%n", net.name(), batch, compute.name(), compute.threads(), median, batch / median, rotationSeconds);
        }
        String profile = compute.profile();
        if (!profile.isEmpty()) {
            // A device backend's breakdown (host copies vs device plans) goes to stderr: stdout stays one JSON object.
            System.err.print("per-operation time over all steps (warm-up and compilation included):\n" + profile);
        }
        return 0;
    }

    /** One training step; returns its loss, so runs of one seed on different backends can be compared. */
    private static double step(Network net, Tensor images, int[] labels, CrossEntropyLoss loss, Sgd sgd) {
        net.zeroGrad();
        Tensor logits = net.forward(images, Mode.TRAIN);
        double value = loss.forward(logits, labels);
        net.backward(loss.backward());
        sgd.step();
        return value;
    }
}
