package org.rbnn4j.datasets.transform;

import java.util.List;
import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/**
 * One step of image preparation: CHW floats in, CHW floats out.
 *
 * <p>Random transforms draw only from the generator they are given; the loader hands each sample a
 * generator seeded from (seed, epoch, sample index), so augmentation is reproducible whatever the
 * batch size, prefetch depth or thread timing. A transform may modify its input in place and
 * return it; callers must not use the input afterwards.
 */
@FunctionalInterface
public interface Transform {

    FloatImage apply(FloatImage image, RandomGenerator random);

    /** This transform, then {@code next}. */
    default Transform andThen(Transform next) {
        return compose(this, next);
    }

    /** The transforms applied in order. */
    static Transform compose(Transform... steps) {
        return new Compose(List.of(steps));
    }

    /** Returns its input unchanged. */
    static Transform identity() {
        return (image, random) -> image;
    }
}
