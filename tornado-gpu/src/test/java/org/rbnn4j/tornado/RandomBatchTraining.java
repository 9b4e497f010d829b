package org.rbnn4j.tornado;

import java.util.SplittableRandom;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.CrossEntropyLoss;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.optim.Sgd;
import org.rbnn4j.core.tensor.Tensor;

/**
 * The resident backend tests' workload: a small {@code resnet20_1w1a} and its SGD (lr 0.1, momentum 0.9, decay 1e-4)
 * trained on random batches, Gaussian pixels and uniform labels drawn from one seeded stream. Create it with the
 * backend under test current ({@code Backends.use}), so that the network's tensors live there.
 */
public final class RandomBatchTraining {
    private final Network net;
    private final Sgd sgd;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private final SplittableRandom data;
    private final int batch;
    private final int channels;
    private final int size;

    public RandomBatchTraining(int channels, int size, int batch, long netSeed, long dataSeed) {
        this.net = ModelZoo.create(ModelSpec.of(ModelZoo.RESNET20_1W1A, channels, 10).withInputSize(size), netSeed);
        this.sgd = new Sgd(net.parameters(), 0.1, 0.9, 1e-4);
        this.data = new SplittableRandom(dataSeed);
        this.batch = batch;
        this.channels = channels;
        this.size = size;
    }

    public Network net() {
        return net;
    }

    public Sgd sgd() {
        return sgd;
    }

    /** The next batch of Gaussian images from the stream. */
    public Tensor images() {
        float[] pixels = new float[batch * channels * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) data.nextGaussian();
        }
        return Tensor.of(pixels, batch, channels, size, size);
    }

    /** One training step on the next images and labels, as batch {@code batchInEpoch} of its epoch; returns its loss. */
    public double step(int batchInEpoch) {
        Tensor images = images();
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = data.nextInt(10);
        }
        net.onBatchStart(batchInEpoch);
        net.zeroGrad();
        double value = loss.forward(net.forward(images, Mode.TRAIN), labels);
        net.backward(loss.backward());
        sgd.step();
        return value;
    }
}
