package org.rbnn4j.core.nn;

import java.util.Arrays;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Softmax cross-entropy with mean reduction over the batch, as {@code torch.nn.CrossEntropyLoss()}:
 * {@code L = mean_i (logsumexp(z_i) - z_i[label_i])}, computed with the maximum subtracted so that large
 * logits neither overflow nor lose precision.
 *
 * <p>{@link #forward} returns the loss and keeps the softmax; {@link #backward} then returns
 * {@code dL/dlogits = (softmax - onehot) / N}, a tensor owned by this object.
 */
public final class CrossEntropyLoss {
    private final ReusableTensor probabilities = new ReusableTensor();
    private final ReusableTensor gradient = new ReusableTensor();
    private Tensor probs;
    private int[] labels;

    /** The mean loss of {@code logits [N, classes]} against {@code labels} (length N, values in [0, classes)). */
    public double forward(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.dim(0) < 1 || logits.dim(1) < 1) {
            throw new IllegalArgumentException("CrossEntropyLoss expects logits [N, classes], got " + Arrays.toString(logits.shape()));
        }
        int n = logits.dim(0);
        int classes = logits.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("CrossEntropyLoss got " + labels.length + " labels for " + n + " rows of logits");
        }
        Tensor p = probabilities.get(n, classes);
        float[] z = logits.data();
        Backends.current().syncToHost(z);
        float[] ps = p.data();
        double total = 0;
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " at row " + i + " is outside [0, " + classes + ")");
            }
            int base = i * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, z[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                double e = Math.exp((double) z[base + j] - max);
                ps[base + j] = (float) e;
                sum += e;
            }
            double logSumExp = max + Math.log(sum);
            total += logSumExp - z[base + label];
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < classes; j++) {
                ps[base + j] *= inv;
            }
        }
        this.probs = p;
        this.labels = labels.clone();
        return total / n;
    }

    /** {@code dL/dlogits} of the last {@link #forward}, for the mean loss. */
    public Tensor backward() {
        if (probs == null) {
            throw new IllegalStateException("CrossEntropyLoss.backward called before forward");
        }
        int n = probs.dim(0);
        int classes = probs.dim(1);
        Tensor g = gradient.get(n, classes);
        float[] ps = probs.data();
        float[] gs = g.data();
        float invN = 1f / n;
        for (int i = 0; i < n; i++) {
            int base = i * classes;
            for (int j = 0; j < classes; j++) {
                gs[base + j] = ps[base + j] * invN;
            }
            gs[base + labels[i]] -= invN;
        }
        Backends.current().markHostWritten(gs);
        return g;
    }

    /** The softmax probabilities of the last {@link #forward} (owned by this object). */
    public Tensor probabilities() {
        if (probs == null) {
            throw new IllegalStateException("no forward yet");
        }
        return probs;
    }
}
