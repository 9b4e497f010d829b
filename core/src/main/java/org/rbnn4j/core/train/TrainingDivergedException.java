package org.rbnn4j.core.train;

/** Thrown when the loss becomes NaN or infinite; the last good checkpoint is kept. */
public final class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final int batch;

    public TrainingDivergedException(int epoch, int batch, double loss, String lastGood) {
        super("loss became " + loss + " in epoch " + (epoch + 1) + ", batch " + (batch + 1)
                + "; training stopped" + (lastGood == null ? "" : ", last good checkpoint kept: " + lastGood)
                + ". Try a lower --lr, a smaller --tmax or the default recipe.");
        this.epoch = epoch;
        this.batch = batch;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }
}
