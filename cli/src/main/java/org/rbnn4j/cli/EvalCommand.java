package org.rbnn4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rbnn eval}: test loss and accuracy of a checkpoint (float simulation of the binary network). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a training checkpoint on a dataset's test split.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a .ckpt written by rbnn train") Path checkpoint;

    @Mixin
    DataSelection data = new DataSelection();

    @Option(names = "--threads", defaultValue = "0") int threads;
    @Option(names = "--backend", defaultValue = "auto") String backend;

    @Override
    public Integer call() throws Exception {
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
}
