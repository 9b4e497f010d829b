package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.Normalization;

/** Per-channel {@code (x - mean[c]) / std[c]}, in place (torchvision's {@code Normalize}). */
public final class Normalize implements Transform {
    private final Normalization normalization;
    private final float[] mean;
    private final float[] std;

    public Normalize(Normalization normalization) {
        this.normalization = normalization;
        this.mean = normalization.mean();
        this.std = normalization.std();
    }

    public Normalization normalization() {
        return normalization;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        if (image.channels() != mean.length) {
            throw new IllegalArgumentException("normalisation for " + mean.length + " channel(s) applied to a "
                    + image.channels() + "-channel image");
        }
        float[] d = image.data();
        int plane = image.height() * image.width();
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float s = std[c];
            // A true division, not a multiply by 1/std: the values then match torchvision's bit for bit.
            for (int i = c * plane, end = i + plane; i < end; i++) {
                d[i] = (d[i] - m) / s;
            }
        }
        return image;
    }

    @Override
    public String toString() {
        return "Normalize(" + normalization + ")";
    }
}
