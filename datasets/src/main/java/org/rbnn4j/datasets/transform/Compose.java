package org.rbnn4j.datasets.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/** Transforms applied one after the other. */
public final class Compose implements Transform {
    private final List<Transform> steps;

    public Compose(List<Transform> steps) {
        List<Transform> flat = new ArrayList<>();
        for (Transform t : steps) {
            if (t instanceof Compose c) {
                flat.addAll(c.steps);
            } else {
                flat.add(java.util.Objects.requireNonNull(t, "transform"));
            }
        }
        this.steps = List.copyOf(flat);
    }

    public List<Transform> steps() {
        return steps;
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        FloatImage x = image;
        for (Transform t : steps) {
            x = t.apply(x, random);
        }
        return x;
    }

    @Override
    public String toString() {
        return "Compose" + steps;
    }
}
