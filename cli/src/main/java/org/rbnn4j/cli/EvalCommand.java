package org.rbnn4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.train.Trainer;
import org.rbnn4j.simd.packed.model.PackedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rbnn eval}: test loss and accuracy of a checkpoint (float simulation of the binary network). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a training checkpoint (float simulation) or a packed .rbnn model on a dataset's test split.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", description = "a .ckpt written by rbnn train (float simulation)") Path checkpoint;
    @Option(names = "--model", description = "a packed .rbnn file written by rbnn export (bit-packed engine)") Path model;

    @Mixin
    DataSelection data = new DataSelection();

    @Option(names = "--threads", defaultValue = "0") int threads;
    @Option(names = "--backend", defaultValue = "auto") String backend;

    @Override
    public Integer call() throws Exception {
        if ((checkpoint == null) == (model == null)) {
            throw new IllegalArgumentException("give exactly one of --checkpoint (float simulation) and --model (packed .rbnn)");
        }
        if (model != null) {
            return evalPacked();
        }
        Checkpoint c = Checkpoint.read(checkpoint);
        ModelSpec spec;
        try {
            spec = ModelSpec.fromMetadata(c.metadata());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(checkpoint + ": " + e.getMessage());
        }
        try (ComputeBackend compute = Backends.create(backend, threads);
             DataSelection.Splits splits = data.open(128, 128, 42)) {
            Backends.use(compute);
            if (splits.channels() != spec.inChannels() || splits.classes() != spec.numClasses()) {
                throw new IllegalArgumentException(checkpoint + ": model expects " + spec.inChannels() + " channel(s) and "
                        + spec.numClasses() + " classes, " + data.dataset + " has " + splits.channels() + " and " + splits.classes());
            }
            Network net = ModelZoo.create(spec, 0);
            try {
                net.load(c);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(checkpoint + ": " + e.getMessage());
            }
            Trainer.Evaluation ev = Trainer.evaluate(net, splits.test(), new CrossEntropyLoss());
            System.out.printf(Locale.ROOT, "%s on %s test (%d images): loss %.4f, accuracy %.2f%%%n", spec.architecture(),
                    data.dataset, ev.examples(), ev.loss(), 100 * ev.accuracy());
        }
        return 0;
    }

    /** Test accuracy of a packed model with the bit-packed engine. */
    private int evalPacked() throws Exception {
        try (PackedModel m = PackedModel.load(model, threads);
             DataSelection.Splits splits = data.open(128, 128, 42)) {
            ModelSpec spec = m.spec();
            if (splits.channels() != spec.inChannels() || splits.classes() != spec.numClasses()) {
                throw new IllegalArgumentException(model + ": model expects " + spec.inChannels() + " channel(s) and "
                        + spec.numClasses() + " classes, " + data.dataset + " has " + splits.channels() + " and " + splits.classes());
            }
            long images = 0;
            long correct = 0;
            long nanos = 0;
            try (BatchSource.CloseableIterable<Batch> batches = splits.test().epoch(0)) {
                for (Batch b : batches) {
                    long t0 = System.nanoTime();
                    int[] classes = m.predict(b.images());
                    nanos += System.nanoTime() - t0;
                    for (int i = 0; i < classes.length; i++) {
                        correct += classes[i] == b.labels()[i] ? 1 : 0;
                    }
                    images += classes.length;
                }
            }
            System.out.printf(Locale.ROOT, "%s (packed, %d threads) on %s test (%d images): accuracy %.2f%%, %.0f images/s%n",
                    spec.architecture(), m.threads(), data.dataset, images, images == 0 ? 0.0 : 100.0 * correct / images,
                    images / Math.max(nanos / 1e9, 1e-9));
        }
        return 0;
    }
}
