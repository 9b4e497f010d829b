package org.rbnn4j.datasets.transform;

import org.rbnn4j.datasets.ImageShape;
import org.rbnn4j.datasets.KnownDataset;
import org.rbnn4j.datasets.Normalization;

/**
 * The standard pipelines of the RBNN reference.
 *
 * <ul>
 *   <li>CIFAR-size training: random crop 32 with padding 4, random horizontal flip, normalise;
 *       test: normalise only.</li>
 *   <li>28x28 inputs (MNIST, Fashion-MNIST) are first zero-padded to 32x32 for the CIFAR-size models.</li>
 *   <li>ImageNet training: random-resized-crop 224, flip, normalise; test: resize 256, centre crop 224, normalise.</li>
 * </ul>
 */
public final class Recipes {
    private Recipes() {
    }

    /** Fashion-MNIST training: pad 28 to 32, random crop 32 padding 4, flip, normalise (0.2860, 0.3530). */
    public static Transform fashionMnistTrain() {
        return Transform.compose(Pad.toSize(32, 32), new RandomCrop(32, 4), new RandomHorizontalFlip(),
                new Normalize(Normalization.FASHION_MNIST));
    }

    /** Fashion-MNIST test: pad 28 to 32, normalise. */
    public static Transform fashionMnistTest() {
        return Transform.compose(Pad.toSize(32, 32), new Normalize(Normalization.FASHION_MNIST));
    }

    /** CIFAR-style training: random crop 32 padding 4, flip, normalise. */
    public static Transform cifarTrain(Normalization normalization) {
        return Transform.compose(new RandomCrop(32, 4), new RandomHorizontalFlip(), new Normalize(normalization));
    }

    /** CIFAR-style test: normalise. */
    public static Transform cifarTest(Normalization normalization) {
        return new Normalize(normalization);
    }

    /** ImageNet training: random-resized-crop 224, flip, normalise. */
    public static Transform imagenetTrain() {
        return Transform.compose(new RandomResizedCrop(224), new RandomHorizontalFlip(), new Normalize(Normalization.IMAGENET));
    }

    /** ImageNet evaluation: resize the shorter side to 256, centre crop 224, normalise. */
    public static Transform imagenetTest() {
        return Transform.compose(Resize.shorterSide(256), new CenterCrop(224), new Normalize(Normalization.IMAGENET));
    }

    /** The training pipeline of {@code dataset} (28x28 sets padded to 32x32). */
    public static Transform train(KnownDataset dataset) {
        if (dataset == KnownDataset.IMAGENET) {
            return imagenetTrain();
        }
        Transform t = cifarTrain(dataset.normalization());
        return needsPad(dataset) ? Transform.compose(Pad.toSize(32, 32), t) : t;
    }

    /** The evaluation pipeline of {@code dataset} (28x28 sets padded to 32x32). */
    public static Transform test(KnownDataset dataset) {
        if (dataset == KnownDataset.IMAGENET) {
            return imagenetTest();
        }
        Transform t = cifarTest(dataset.normalization());
        return needsPad(dataset) ? Transform.compose(Pad.toSize(32, 32), t) : t;
    }

    private static boolean needsPad(KnownDataset dataset) {
        ImageShape s = dataset.imageShape();
        return s != null && (s.height() < 32 || s.width() < 32);
    }
}
