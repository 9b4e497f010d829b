package org.rbnn4j.datasets.transform;

import java.util.Arrays;
import org.rbnn4j.datasets.FloatImage;

/** Cropping a window that may extend past the image borders; the outside reads as {@code fill}. */
final class Crops {
    private Crops() {
    }

    /**
     * The {@code h x w} window whose top-left corner is at ({@code top}, {@code left}) in image
     * coordinates (either may be negative or the window may overhang the far edges).
     */
    static FloatImage crop(FloatImage in, int top, int left, int h, int w, float fill) {
        int c = in.channels();
        int ih = in.height();
        int iw = in.width();
        float[] src = in.data();
        float[] out = new float[c * h * w];
        if (fill != 0f) {
            Arrays.fill(out, fill);
        }
        // Rows and columns of the window that fall inside the image.
        int y0 = Math.max(0, -top);
        int y1 = Math.min(h, ih - top);
        int x0 = Math.max(0, -left);
        int x1 = Math.min(w, iw - left);
        if (y0 < y1 && x0 < x1) {
            int len = x1 - x0;
            for (int ch = 0; ch < c; ch++) {
                int srcPlane = ch * ih * iw;
                int dstPlane = ch * h * w;
                for (int y = y0; y < y1; y++) {
                    System.arraycopy(src, srcPlane + (top + y) * iw + left + x0, out, dstPlane + y * w + x0, len);
                }
            }
        }
        return new FloatImage(c, h, w, out);
    }
}
