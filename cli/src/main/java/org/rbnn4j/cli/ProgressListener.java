package org.rbnn4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.rbnn4j.core.train.EpochMetrics;
import org.rbnn4j.core.train.TrainingConfig;
import org.rbnn4j.core.train.TrainingListener;

/** A progress bar per epoch (images/s, loss, accuracy, ETA) and a one-line summary after each epoch. */
final class ProgressListener implements TrainingListener {
    private final PrintStream out;
    private final boolean bars;
    private int totalEpochs;
    private int batches;
    private ProgressBar bar;
    private long epochStart;
    private long images;
    private double lossSum;
    private long correct;

    ProgressListener(PrintStream out, boolean bars) {
        this.out = out;
        this.bars = bars;
    }

    @Override
    public void onTrainingStart(TrainingConfig config, int startEpoch, int batchesPerEpoch) {
        totalEpochs = config.epochs();
        batches = batchesPerEpoch;
    }

    @Override
    public void onEpochStart(int epoch, double learningRate, double t, double k) {
        epochStart = System.nanoTime();
        images = 0;
        lossSum = 0;
        correct = 0;
        if (bars) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, totalEpochs))
                    .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .continuousUpdate().setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .build();
        }
    }

    @Override
    public void onBatchEnd(int epoch, int batch, double loss, int batchCorrect, int size) {
        images += size;
        lossSum += loss * size;
        correct += batchCorrect;
        if (bar != null) {
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, " %.0f img/s loss %.3f acc %.1f%%", images / Math.max(seconds, 1e-9),
                    lossSum / images, 100.0 * correct / images));
        }
    }

    @Override
    public void onDivergenceWarning(int epoch, String message) {
        out.println("WARNING: " + message);
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.printf(Locale.ROOT, "epoch %d/%d  lr %.4f  t %.3f  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  "
                        + "%.1f s (%.0f img/s, rotation %.2f%%)  mean s %.3f%n",
                m.epoch(), totalEpochs, m.learningRate(), m.t(), m.trainLoss(), 100 * m.trainAccuracy(), m.testLoss(),
                100 * m.testAccuracy(), m.seconds(), images / Math.max(m.seconds(), 1e-9), 100 * m.rotationShare(), m.meanS());
        out.flush();
    }
}
