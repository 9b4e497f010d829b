package org.rbnn4j.simd.conv;

import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.concurrent.ScratchArrays;
import org.rbnn4j.simd.concurrent.ScratchArrays.Slot;

/**
 * The input planes of one image with the padding border materialised (filled with {@code padValue}), so that every
 * tap of every output pixel is an ordinary array element: im2col then copies evenly spaced runs with no bounds tests.
 * Without padding the image is used in place.
 *
 * <p>Element {@code (ci, y, x)} in padded coordinates ({@code y = iy + padding}) is
 * {@code data[offset + ci * planeStride + y * rowStride + x]}.
 */
public final class PaddedInput {
    final float[] data;
    final int offset;
    final int rowStride;
    final int planeStride;

    private PaddedInput(float[] data, int offset, int rowStride, int planeStride) {
        this.data = data;
        this.offset = offset;
        this.rowStride = rowStride;
        this.planeStride = planeStride;
    }

    /** Image {@code image} of {@code x}; the padded copy lives in the calling thread's scratch. */
    public static PaddedInput of(ConvGeometry g, float[] x, int image) {
        int h = g.inH();
        int w = g.inW();
        int pad = g.padding();
        int channels = g.inChannels();
        if (pad == 0) {
            return new PaddedInput(x, image * channels * h * w, w, h * w);
        }
        int hp = h + 2 * pad;
        int wp = w + 2 * pad;
        float padValue = g.padValue();
        float[] dst = ScratchArrays.get(Slot.CONV_PADDED_INPUT, channels * hp * wp);
        for (int ci = 0; ci < channels; ci++) {
            int plane = ci * hp * wp;
            java.util.Arrays.fill(dst, plane, plane + pad * wp, padValue);
            for (int y = 0; y < h; y++) {
                int row = plane + (y + pad) * wp;
                for (int p = 0; p < pad; p++) {
                    dst[row + p] = padValue;
                    dst[row + pad + w + p] = padValue;
                }
                Im2col.copy(x, ((image * channels + ci) * h + y) * w, dst, row + pad, w);
            }
            java.util.Arrays.fill(dst, plane + (h + pad) * wp, plane + hp * wp, padValue);
        }
        return new PaddedInput(dst, 0, wp, hp * wp);
    }
}
