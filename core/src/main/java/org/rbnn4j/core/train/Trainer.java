package org.rbnn4j.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.data.Batch;
import org.rbnn4j.core.data.BatchSource;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.rbnn.BinaryConvDiagnostics;
import org.rbnn4j.core.optim.LearningRateSchedule;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.optim.TemperatureSchedule;
import org.rbnn4j.core.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop of DESIGN.md §1: per epoch the learning rate (warm-up + cosine), the sign-gradient temperature
 * {@code t} and scale {@code k}; per batch forward, cross-entropy, backward, SGD with weight decay on every
 * parameter. After each epoch: evaluation, diagnostics, an atomic checkpoint ({@code last.ckpt}, and
 * {@code best.ckpt} when the test accuracy improved) and the metric files.
 *
 * <p>A NaN or infinite loss stops the run with {@link TrainingDivergedException}; the checkpoints of the last
 * good epoch stay as they were. {@link #resume} restores a checkpoint so that the rest of the run is bit for bit
 * the run that was interrupted (data order and augmentation depend only on seed and epoch).
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    public static final String LAST = "last.ckpt";
    public static final String BEST = "best.ckpt";

    private final Network network;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final Sgd optimizer;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final List<EpochMetrics> history = new ArrayList<>();
    private final Map<String, String> extraMetadata = new java.util.LinkedHashMap<>();
    private int startEpoch;
    private double bestAccuracy = -1;
    private int bestEpoch;

    public Trainer(Network network, TrainingConfig config) {
        this.network = network;
        this.config = config;
        this.optimizer = new Sgd(network.parameters(), config.learningRate(), config.momentum(), config.weightDecay());
    }

    /** Adds an entry every checkpoint of this run carries (for example the dataset, so that exports know it). */
    public Trainer putMetadata(String key, String value) {
        extraMetadata.put(key, value);
        return this;
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public Network network() {
        return network;
    }

    /** Metrics of every epoch so far, including those before a resume. */
    public List<EpochMetrics> history() {
        return java.util.Collections.unmodifiableList(history);
    }

    /** Epoch (0-based) the next {@link #fit} starts at: 0, or the epoch after a resumed checkpoint. */
    public int startEpoch() {
        return startEpoch;
    }

    /** Restores weights, buffers, optimiser state and history from a checkpoint written by this trainer. */
    public void resume(Checkpoint checkpoint) {
        network.load(checkpoint);
        Map<String, Tensor> velocities = new java.util.LinkedHashMap<>();
        checkpoint.tensors().forEach((name, t) -> {
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                velocities.put(name.substring(OPTIMIZER_PREFIX.length()), t);
            }
        });
        optimizer.loadVelocities(velocities);
        startEpoch = Integer.parseInt(checkpoint.meta("trainer.epochs_done"));
        bestAccuracy = Double.parseDouble(checkpoint.meta("trainer.best_accuracy"));
        bestEpoch = Integer.parseInt(checkpoint.meta("trainer.best_epoch"));
        history.clear();
        history.addAll(MetricsFiles.parse(checkpoint.meta("trainer.history"), checkpoint.meta("trainer.layer_history")));
        LOG.info("resumed after epoch {} (best test accuracy {} at epoch {})", startEpoch, bestAccuracy, bestEpoch);
    }

    static final String OPTIMIZER_PREFIX = "optimizer.";

    /** Trains from {@link #startEpoch()} to {@code config.epochs()}, evaluating on {@code test} (may be null). */
    public TrainingResult fit(BatchSource train, BatchSource test) {
        int epochs = config.epochs();
        LearningRateSchedule lrSchedule = config.warmup()
                ? LearningRateSchedule.warmupCosine(config.learningRate())
                : LearningRateSchedule.cosine(config.learningRate());
        TemperatureSchedule temperature = new TemperatureSchedule(config.tMin(), config.tMax());
        diagnostics(network); // sets the flip-rate baseline, so that epoch 1 reports the flips it made
        listeners.forEach(l -> l.onTrainingStart(config, startEpoch, train.batchesPerEpoch()));
        List<EpochMetrics> thisRun = new ArrayList<>();
        String stopped = null;
        Path lastCkpt = null;
        Path bestCkpt = null;
        double minTrainLoss = history.stream().mapToDouble(EpochMetrics::trainLoss).min().orElse(Double.POSITIVE_INFINITY);
        for (int epoch = startEpoch; epoch < epochs; epoch++) {
            double lr = lrSchedule.lr(epoch, epochs);
            double t = temperature.t(epoch, epochs);
            double k = temperature.k(epoch, epochs);
            network.onEpochStart(epoch, epochs, t, k);
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch, lr, t, k);
            }
            long rotationBefore = network.rotationNanos();
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            int batchIndex = 0;
            try (BatchSource.CloseableIterable<Batch> batches = train.epoch(epoch)) {
                for (Batch batch : batches) {
                    network.onBatchStart(batchIndex);
                    network.zeroGrad();
                    Tensor logits = network.forward(batch.images(), Mode.TRAIN);
                    double batchLoss = loss.forward(logits, batch.labels());
                    if (!Double.isFinite(batchLoss)) {
                        throw new TrainingDivergedException(epoch, batchIndex, batchLoss,
                                config.outputDir() == null ? null : config.outputDir().resolve(LAST).toString());
                    }
                    int batchCorrect = countCorrect(logits, batch.labels());
                    network.backward(loss.backward());
                    if (config.gradientClipNorm() > 0) {
                        clipGradients(network.parameters(), config.gradientClipNorm());
                    }
                    optimizer.setLearningRate(lr);
                    optimizer.step();
                    lossSum += batchLoss * batch.size();
                    correct += batchCorrect;
                    seen += batch.size();
                    for (TrainingListener l : listeners) {
                        l.onBatchEnd(epoch, batchIndex, batchLoss, batchCorrect, batch.size());
                    }
                    batchIndex++;
                }
            }
            if (config.bnRecalibrationBatches() > 0) {
                // Part of training (it sets the statistics the checkpoint keeps), so it counts in the epoch's time.
                BatchNormRecalibration.run(network, train, epoch, config.bnRecalibrationBatches());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rotationSeconds = (network.rotationNanos() - rotationBefore) / 1e9;
            double trainLoss = lossSum / Math.max(1, seen);
            double trainAcc = (double) correct / Math.max(1, seen);
            if (trainLoss > 2 * minTrainLoss && minTrainLoss < 2.0) {
                String msg = String.format(java.util.Locale.ROOT,
                        "training loss %.3f is more than twice the best so far (%.3f): the run may be diverging", trainLoss, minTrainLoss);
                LOG.warn(msg);
                for (TrainingListener l : listeners) {
                    l.onDivergenceWarning(epoch, msg);
                }
            }
            minTrainLoss = Math.min(minTrainLoss, trainLoss);
            Evaluation eval = test == null ? new Evaluation(Double.NaN, Double.NaN, 0) : evaluate(network, test, loss);
            EpochMetrics m = new EpochMetrics(epoch + 1, lr, t, k, trainLoss, trainAcc, eval.loss(), eval.accuracy(),
                    seconds, rotationSeconds, diagnostics(network));
            history.add(m);
            thisRun.add(m);
            boolean improved = test != null && eval.accuracy() > bestAccuracy;
            if (improved) {
                bestAccuracy = eval.accuracy();
                bestEpoch = epoch + 1;
            }
            if (config.outputDir() != null) {
                lastCkpt = config.outputDir().resolve(LAST);
                bestCkpt = config.outputDir().resolve(BEST);
                try {
                    checkpoint(epoch + 1).write(lastCkpt);
                    if (improved || !Files.exists(bestCkpt)) {
                        Files.copy(lastCkpt, config.outputDir().resolve(BEST + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
                        Files.move(config.outputDir().resolve(BEST + ".tmp"), bestCkpt,
                                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                    MetricsFiles.write(config.outputDir(), history);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write checkpoint in " + config.outputDir() + ": " + e.getMessage(), e);
                }
            }
            for (TrainingListener l : listeners) {
                l.onEpochEnd(m);
            }
        }
        // The trained state on the host: a device backend may hold the newest parameters and statistics.
        Backends.current().synchronizeHost();
        TrainingResult result = new TrainingResult(thisRun, bestAccuracy, bestEpoch, lastCkpt, bestCkpt, stopped);
        listeners.forEach(l -> l.onTrainingEnd(result));
        return result;
    }

    /** A checkpoint of the current state after {@code epochsDone} epochs. */
    public Checkpoint checkpoint(int epochsDone) {
        Checkpoint base = network.toCheckpoint();
        Map<String, String> meta = new java.util.LinkedHashMap<>(base.metadata());
        meta.putAll(extraMetadata);
        meta.put("trainer.epochs_done", Integer.toString(epochsDone));
        meta.put("trainer.epochs", Integer.toString(config.epochs()));
        meta.put("trainer.best_accuracy", Double.toString(bestAccuracy));
        meta.put("trainer.best_epoch", Integer.toString(bestEpoch));
        meta.put("trainer.seed", Long.toString(config.seed()));
        meta.put("trainer.config", config.toString());
        meta.put("trainer.history", MetricsFiles.epochCsv(history));
        meta.put("trainer.layer_history", MetricsFiles.layerCsv(history));
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(base.tensors());
        for (Map.Entry<String, Tensor> e : optimizer.velocities().entrySet()) {
            tensors.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        }
        return new Checkpoint(meta, tensors);
    }

    /** Loss and accuracy of a data split. */
    public record Evaluation(double loss, double accuracy, int examples) {
    }

    /** Evaluates {@code network} on every batch of {@code data} (epoch 0 order) in evaluation mode. */
    public static Evaluation evaluate(Network network, BatchSource data, CrossEntropyLoss loss) {
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        try (BatchSource.CloseableIterable<Batch> batches = data.epoch(0)) {
            for (Batch batch : batches) {
                Tensor logits = network.forward(batch.images(), Mode.EVAL);
                lossSum += loss.forward(logits, batch.labels()) * batch.size();
                correct += countCorrect(logits, batch.labels());
                seen += batch.size();
            }
        }
        return new Evaluation(lossSum / Math.max(1, seen), (double) correct / Math.max(1, seen), seen);
    }

    /** Number of rows of {@code logits} whose arg-max equals the label. */
    public static int countCorrect(Tensor logits, int[] labels) {
        int classes = logits.dim(1);
        float[] z = logits.data();
        Backends.current().syncToHost(z);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[i * classes + c] > z[i * classes + best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** Per-binary-layer diagnostics (advances each layer's flip-rate baseline) with the last batch's gradient norm. */
    static List<LayerDiagnostics> diagnostics(Network network) {
        List<LayerDiagnostics> out = new ArrayList<>();
        for (Map.Entry<String, BinaryConv2d> e : network.binaryLayers().entrySet()) {
            BinaryConvDiagnostics d = e.getValue().diagnostics();
            Backends.current().syncToHost(e.getValue().weight().grad().data());
            double sq = 0;
            for (float g : e.getValue().weight().grad().data()) {
                sq += (double) g * g;
            }
            out.add(new LayerDiagnostics(e.getKey(), d.meanBlend(), d.angularBiasBefore(), d.angularBiasAfter(),
                    d.flipRate(), d.quantisationError(), Math.sqrt(sq)));
        }
        return out;
    }

    private static void clipGradients(Map<String, Parameter> params, double maxNorm) {
        ComputeBackend backend = Backends.current();
        double sq = 0;
        for (Parameter p : params.values()) {
            backend.syncToHost(p.grad().data());
            for (float g : p.grad().data()) {
                sq += (double) g * g;
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / norm);
            for (Parameter p : params.values()) {
                float[] g = p.grad().data();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
                backend.markHostWritten(g);
            }
        }
    }
}
