package org.rbnn4j.datasets.transform;

import java.util.random.RandomGenerator;
import org.rbnn4j.datasets.FloatImage;

/**
 * torchvision's {@code RandomResizedCrop(size)}: a window covering a random fraction of the area in
 * {@code [scaleMin, scaleMax]} (default 0.08..1) with a log-uniform aspect ratio in
 * {@code [ratioMin, ratioMax]} (default 3/4..4/3), placed uniformly, resized to {@code size x size}.
 * Up to 10 tries; if none fits, the largest centred window within the ratio bounds.
 */
public final class RandomResizedCrop implements Transform {
    private final int size;
    private final double scaleMin;
    private final double scaleMax;
    private final double logRatioMin;
    private final double logRatioMax;
    private final double ratioMin;
    private final double ratioMax;

    public RandomResizedCrop(int size) {
        this(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    public RandomResizedCrop(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        if (size <= 0 || !(scaleMin > 0 && scaleMin <= scaleMax) || !(ratioMin > 0 && ratioMin <= ratioMax)) {
            throw new IllegalArgumentException("invalid RandomResizedCrop parameters");
        }
        this.size = size;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
        this.logRatioMin = Math.log(ratioMin);
        this.logRatioMax = Math.log(ratioMax);
    }

    /** The window (top, left, height, width) chosen for an {@code h x w} image. */
    int[] window(int h, int w, RandomGenerator random) {
        double area = (double) h * w;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(random, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(random, logRatioMin, logRatioMax));
            int cw = (int) Math.round(Math.sqrt(target * aspect));
            int ch = (int) Math.round(Math.sqrt(target / aspect));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return new int[] {top, left, ch, cw};
            }
        }
        double inRatio = (double) w / h;
        int cw;
        int ch;
        if (inRatio < ratioMin) {
            cw = w;
            ch = (int) Math.round(cw / ratioMin);
        } else if (inRatio > ratioMax) {
            ch = h;
            cw = (int) Math.round(ch * ratioMax);
        } else {
            cw = w;
            ch = h;
        }
        return new int[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
    }

    private static double uniform(RandomGenerator random, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * random.nextDouble();
    }

    @Override
    public FloatImage apply(FloatImage image, RandomGenerator random) {
        int[] win = window(image.height(), image.width(), random);
        return Resampler.resize(image, win[0], win[1], win[2], win[3], size, size);
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(" + size + ")";
    }
}
