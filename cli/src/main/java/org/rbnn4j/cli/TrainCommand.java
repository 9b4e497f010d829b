package org.rbnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.train.EpochMetrics;
import org.rbnn4j.core.train.Trainer;
import org.rbnn4j.core.train.TrainingConfig;
import org.rbnn4j.core.train.TrainingListener;
import org.rbnn4j.core.train.TrainingRecipe;
import org.rbnn4j.core.train.TrainingResult;
import org.rbnn4j.datasets.loader.LoaderBatchSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rbnn train}: trains a zoo model on a named dataset, then checks it with the bit-packed engine. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model (by default the RBNN binary ResNet-20 on Fashion-MNIST), write checkpoints, metrics",
                "and charts to the run folder, then run the bit-packed network on the test set."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", description = "architecture: ${COMPLETION-CANDIDATES}", defaultValue = "resnet20_1w1a",
            completionCandidates = ModelNames.class)
    String model;

    @Mixin
    DataSelection data = new DataSelection();

    @Option(names = "--epochs", description = "epochs (default ${DEFAULT-VALUE})", defaultValue = "3")
    int epochs;

    @Option(names = "--recipe", description = "default (does not collapse) or reference (the official script exactly)",
            defaultValue = "default")
    String recipe;

    @Option(names = "--batch-size", defaultValue = "256") int batchSize;
    @Option(names = "--test-batch-size", defaultValue = "128") int testBatchSize;
    @Option(names = "--lr", description = "learning rate (recipe: 0.1)") Double lr;
    @Option(names = "--wd", defaultValue = "1e-4", description = "weight decay on every parameter") double weightDecay;
    @Option(names = "--momentum", defaultValue = "0.9") double momentum;
    @Option(names = "--warmup", arity = "0..1", fallbackValue = "true", description = "5 warm-up epochs before cosine (recipe: off)")
    Boolean warmup;
    @Option(names = "--tmin", description = "sign-gradient start temperature (recipe: 1e-2)") Double tMin;
    @Option(names = "--tmax", description = "sign-gradient end temperature (reference 10, default 1.5)") Double tMax;
    @Option(names = "--clip", description = "global gradient-norm clip, 0 = off (reference 0, default 5)") Double clip;
    @Option(names = "--bn-recalibration", paramLabel = "BATCHES",
            description = "before each evaluation, re-estimate BatchNorm statistics from this many training batches "
                    + "at the final weights (precise BN; 0 = off, the default)") Integer bnRecalibration;

    @Mixin
    BinaryOptions binary = new BinaryOptions();

    @Option(names = "--full-data", description = "train on the whole training split (default: a 20,000-image subset "
            + "unless --train-size is given)") boolean fullData;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--threads", defaultValue = "0", description = "worker threads, 0 = all cores") int threads;
    @Option(names = "--backend", description = "auto, simd, scalar or tornado[:N] (default auto)", defaultValue = "auto")
    String backend;
    @Option(names = "--out", description = "run folder (default runs/<model>-<dataset>)") Path out;
    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint") boolean resume;
    @Option(names = "--no-progress", description = "no progress bars, only one line per epoch") boolean noProgress;
    @Option(names = "--no-packed-check", description = "skip the final check of the bit-packed engine against the float model")
    boolean noPackedCheck;

    /** The default run (no options) should finish in about ten minutes on two cores: 3 epochs of 20,000 images. */
    static final int DEFAULT_TRAIN_SIZE = 20_000;

    @Override
    public Integer call() throws Exception {
        if (data.trainSize == 0 && !fullData) {
            data.trainSize = DEFAULT_TRAIN_SIZE;
        }
        TrainingRecipe r = switch (recipe.toLowerCase(Locale.ROOT)) {
            case "default" -> TrainingRecipe.DEFAULT;
            case "reference" -> TrainingRecipe.REFERENCE;
            default -> throw new IllegalArgumentException("unknown recipe '" + recipe + "' (default or reference)");
        };
        Path runDir = out != null ? out : Path.of("runs", model + "-" + data.dataset);
        TrainingConfig.Builder cb = r.apply(TrainingConfig.builder()).epochs(epochs).batchSize(batchSize)
                .testBatchSize(testBatchSize).momentum(momentum).weightDecay(weightDecay).seed(seed).outputDir(runDir);
        if (lr != null) {
            cb.learningRate(lr);
        }
        if (warmup != null) {
            cb.warmup(warmup);
        }
        if (tMin != null) {
            cb.tMin(tMin);
        }
        if (tMax != null) {
            cb.tMax(tMax);
        }
        if (clip != null) {
            cb.gradientClipNorm(clip);
        }
        if (bnRecalibration != null) {
            cb.bnRecalibrationBatches(bnRecalibration);
        }
        TrainingConfig config = cb.build();
        // An unknown architecture fails here, before the backend starts and the dataset loads.
        String arch = ModelZoo.canonicalName(model);

        try (ComputeBackend compute = Backends.create(backend, threads);
             DataSelection.Splits splits = data.open(batchSize, testBatchSize, seed)) {
            Backends.use(compute);
            ModelSpec spec = new ModelSpec(arch, splits.channels(), splits.classes(), 32, java.util.Map.of());
            if (ModelZoo.isBinary(arch)) {
                spec = binary.apply(spec);
            }
            Network network = ModelZoo.create(spec, seed);
            Trainer trainer = new Trainer(network, config).putMetadata(ModelDataInfo.DATASET, data.dataset);
            if (resume) {
                Path last = runDir.resolve(Trainer.LAST);
                if (!Files.exists(last)) {
                    throw new IllegalArgumentException("--resume: no checkpoint " + last + " to continue from");
                }
                Checkpoint c = Checkpoint.read(last);
                trainer.resume(c);
            } else if (Files.exists(runDir.resolve(Trainer.LAST))) {
                System.out.println("note: " + runDir + " holds an earlier run; it is overwritten (use --resume to continue it)");
            }
            System.out.printf(Locale.ROOT, "%s on %s: %d train / %d test images, %,d parameters, backend %s (%d threads), run folder %s%n",
                    spec.architecture(), data.dataset, splits.train().size(), splits.test().size(), network.parameterCount(),
                    compute.name(), compute.threads(), runDir);
            trainer.addListener(new ProgressListener(System.out, !noProgress && System.console() != null));
            trainer.addListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochMetrics m) {
                    try {
                        ChartWriter.write(runDir, trainer.history());
                    } catch (Exception e) {
                        System.err.println("warning: charts not written: " + e.getMessage());
                    }
                }
            });
            TrainingResult result = trainer.fit(splits.train(), splits.test());
            EpochMetrics last = result.last();
            if (last != null) {
                System.out.printf(Locale.ROOT, "final test accuracy %.2f%% (best %.2f%% at epoch %d); checkpoints in %s%n",
                        100 * last.testAccuracy(), 100 * result.bestAccuracy(), result.bestEpoch(), runDir);
            }
            if (!noPackedCheck) {
                PackedCheck.run(network, splits.test(), System.out);
            }
        }
        return 0;
    }
}
