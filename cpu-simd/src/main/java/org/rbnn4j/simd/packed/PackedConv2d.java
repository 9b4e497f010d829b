package org.rbnn4j.simd.packed;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.rbnn4j.core.compute.ConvGeometry;

/**
 * One packed binary convolution, ready to run: {@link PackedFilters}, the input size, stride, padding, the
 * {@link BorderMode}, and the cached zero-padding corrections. Immutable and thread-safe; the batch size is
 * not part of it.
 *
 * <p><b>Arithmetic.</b> For output {@code (n, co, oy, ox)} the kernels count {@code pop}, the disagreeing bits
 * between the filter and the window over all {@code kh*kw} taps, reading padded taps from the all-zero (= +1)
 * border of {@link PackedActivations}. That is the dot product of the one-padded window,
 * {@code kBits - 2*pop}. Zero padding must not see those +1 taps, so the result is
 * {@code y = kBits - 2*pop - corr(oy, ox, co)} where {@code corr} is the sum, over the padded taps of that position,
 * of the filter's tap sums over input channels (the LCE-style per-position correction). Positions fall into few
 * classes (which kernel rows and which kernel columns leave the input: 3 x 3 classes for a 3x3 kernel with pad 1),
 * so the table {@code bias = kBits - corr} is stored per (row class, column class, filter), not per pixel.
 * With {@link BorderMode#ONE} the correction is 0. Outputs are exact integers stored as floats; the caller applies
 * {@code alpha}, BatchNorm, and so on.
 */
public final class PackedConv2d {
    private final PackedFilters filters;
    private final int inH;
    private final int inW;
    private final int stride;
    private final int padding;
    private final BorderMode border;
    private final int outH;
    private final int outW;
    private final int[] rowClass;
    private final int[] colClass;
    private final int colClasses;
    private final int[] bias;

    /**
     * @param filters packed weights {@code [Cout, Cin, kh, kw]}
     * @param inH     input height (without border)
     * @param inW     input width (without border)
     * @param stride  stride in both directions
     * @param padding border width in pixels on every side; inputs must be packed with at least this border
     * @param border  value of the padded taps
     */
    public PackedConv2d(PackedFilters filters, int inH, int inW, int stride, int padding, BorderMode border) {
        this.filters = Objects.requireNonNull(filters, "filters");
        this.border = Objects.requireNonNull(border, "border");
        // Reuse ConvGeometry's validation of the shape (batch 1 stands for any batch).
        ConvGeometry g = new ConvGeometry(1, filters.inChannels(), inH, inW, filters.outChannels(),
                filters.kernelH(), filters.kernelW(), stride, padding, border.padValue());
        this.inH = inH;
        this.inW = inW;
        this.stride = stride;
        this.padding = padding;
        this.outH = g.outH();
        this.outW = g.outW();
        int kh = filters.kernelH();
        int kw = filters.kernelW();
        Map<Long, Integer> rowIds = new HashMap<>();
        Map<Long, Integer> colIds = new HashMap<>();
        long[] rowMasks = new long[outH];
        long[] colMasks = new long[outW];
        this.rowClass = classify(outH, inH, kh, stride, padding, rowIds, rowMasks);
        this.colClass = classify(outW, inW, kw, stride, padding, colIds, colMasks);
        this.colClasses = colIds.size();
        long[] rowMaskOf = new long[rowIds.size()];
        long[] colMaskOf = new long[colClasses];
        for (int i = 0; i < outH; i++) {
            rowMaskOf[rowClass[i]] = rowMasks[i];
        }
        for (int i = 0; i < outW; i++) {
            colMaskOf[colClass[i]] = colMasks[i];
        }
        int coutPadded = paddedOutChannels();
        this.bias = new int[rowIds.size() * colClasses * coutPadded];
        for (int rc = 0; rc < rowMaskOf.length; rc++) {
            for (int cc = 0; cc < colClasses; cc++) {
                int base = (rc * colClasses + cc) * coutPadded;
                for (int co = 0; co < filters.outChannels(); co++) {
                    int corr = 0;
                    if (border == BorderMode.ZERO) {
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                boolean padded = ((rowMaskOf[rc] >>> ky) & 1L) != 0 || ((colMaskOf[cc] >>> kx) & 1L) != 0;
                                if (padded) {
                                    corr += filters.tapSum(co, ky, kx);
                                }
                            }
                        }
                    }
                    bias[base + co] = filters.kBits() - corr;
                }
            }
        }
    }

    /**
     * Packs {@code sign(weights)} ({@code [Cout, Cin, kh, kw]}) for the convolution {@code g} (its batch is
     * ignored; its {@code padValue} must be 0 or 1), with the panel width of the vector kernel.
     */
    public static PackedConv2d of(ConvGeometry g, float[] weights) {
        PackedFilters f = PackedFilters.pack(weights, 0, g.outChannels(), g.inChannels(), g.kernelH(), g.kernelW(),
                PopcountKernel.vectorPanelWidth(g.outChannels()));
        return new PackedConv2d(f, g.inH(), g.inW(), g.stride(), g.padding(), BorderMode.ofPadValue(g.padValue()));
    }

    /** Assigns each output row (or column) the class of its set of out-of-input kernel rows (or columns). */
    private static int[] classify(int outSize, int inSize, int k, int stride, int padding, Map<Long, Integer> ids,
                                  long[] masks) {
        if (k > 63) {
            throw new IllegalArgumentException("kernels larger than 63 are not supported");
        }
        int[] cls = new int[outSize];
        for (int o = 0; o < outSize; o++) {
            long mask = 0;
            for (int t = 0; t < k; t++) {
                int i = o * stride - padding + t;
                if (i < 0 || i >= inSize) {
                    mask |= 1L << t;
                }
            }
            masks[o] = mask;
            Integer id = ids.get(mask);
            if (id == null) {
                id = ids.size();
                ids.put(mask, id);
            }
            cls[o] = id;
        }
        return cls;
    }

    public PackedFilters filters() {
        return filters;
    }

    public int inChannels() {
        return filters.inChannels();
    }

    public int outChannels() {
        return filters.outChannels();
    }

    /** Output channels rounded up to whole panels. */
    public int paddedOutChannels() {
        return filters.panelCount() * filters.panelWidth();
    }

    public int inH() {
        return inH;
    }

    public int inW() {
        return inW;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public BorderMode border() {
        return border;
    }

    public int outH() {
        return outH;
    }

    public int outW() {
        return outW;
    }

    /** Floats of output per image: {@code Cout * outH * outW}. */
    public int outputSizePerImage() {
        return filters.outChannels() * outH * outW;
    }

    /** Binary multiply-accumulates for {@code batch} images: {@code batch * outH * outW * Cout * Cin*kh*kw}. */
    public long bitMacs(int batch) {
        return (long) batch * outH * outW * filters.outChannels() * filters.kBits();
    }

    /**
     * The correction subtracted at output position {@code (oy, ox)} for filter {@code co}: the sum of the filter's
     * binary weights over the padded taps of that position (0 inside, and always 0 with {@link BorderMode#ONE}).
     */
    public long borderCorrection(int oy, int ox, int co) {
        return filters.kBits() - bias[biasOffset(oy, ox) + co];
    }

    /** Index into {@link #biasTable()} of filter 0 at output position {@code (oy, ox)}. */
    int biasOffset(int oy, int ox) {
        return rowBiasOffset(oy) + columnBiasOffset(ox);
    }

    /** The part of {@link #biasOffset} that depends on the output row only. */
    int rowBiasOffset(int oy) {
        return rowClass[oy] * colClasses * paddedOutChannels();
    }

    /** The part of {@link #biasOffset} that depends on the output column only. */
    int columnBiasOffset(int ox) {
        return colClass[ox] * paddedOutChannels();
    }

    /**
     * {@code kBits - correction} per (row class, column class, padded filter), in filter order; ints, as the vector
     * kernel finishes its counts ({@link PackedFilters}'s limit keeps them exact).
     */
    int[] biasTable() {
        return bias;
    }

    /** Checks that {@code in} is a valid input: channels, size, and a border of at least {@link #padding()}. */
    public void checkInput(PackedActivations in) {
        Objects.requireNonNull(in, "in");
        if (in.channels() != inChannels() || in.height() != inH || in.width() != inW) {
            throw new IllegalArgumentException("input " + in + " does not fit " + this);
        }
        if (in.pad() < padding) {
            throw new IllegalArgumentException("input " + in + " has a border narrower than the padding " + padding);
        }
    }

    /**
     * Single-threaded convolution of every image of {@code in} with the best kernel
     * ({@link PopcountKernel#best()}); a new array in the given layout.
     */
    public float[] forward(PackedActivations in, OutputLayout layout) {
        float[] out = new float[in.batch() * outputSizePerImage()];
        forward(in, out, layout, PopcountKernel.best());
        return out;
    }

    /** Single-threaded convolution of every image of {@code in} into {@code out} (layout {@code layout}). */
    public void forward(PackedActivations in, float[] out, OutputLayout layout, PopcountKernel kernel) {
        checkInput(in);
        checkOutput(out, in.batch());
        kernel.compute(this, in, 0, 0, in.batch() * outH * outW, 0, filters.panelCount(), out, layout);
    }

    /**
     * Single-threaded convolution of images {@code [firstImage, firstImage + images)} of {@code in} only: image
     * {@code firstImage + i} is stored as image {@code i} of {@code out} (layout {@code layout}). Lets a caller
     * convolve a few images of a larger buffer at a time, e.g. to keep each image's output in cache.
     */
    public void forwardImages(PackedActivations in, int firstImage, int images, float[] out, OutputLayout layout,
                              PopcountKernel kernel) {
        checkInput(in);
        Objects.checkFromIndexSize(firstImage, images, in.batch());
        checkOutput(out, images);
        int pixels = outH * outW;
        kernel.compute(this, in, firstImage, firstImage * pixels, (firstImage + images) * pixels, 0,
                filters.panelCount(), out, layout);
    }

    /**
     * Single-threaded convolution of output pixels {@code [pixelFrom, pixelTo)} (row-major within the image) of image
     * {@code image} of {@code in}: pixel {@code p} is stored where pixel {@code p} of image 0 of {@code out} goes in
     * {@code layout}, so {@code out} spans one image. Lets a caller convolve an image in bands whose output is still in
     * cache when it reads it.
     */
    public void forwardPixels(PackedActivations in, int image, int pixelFrom, int pixelTo, float[] out,
                              OutputLayout layout, PopcountKernel kernel) {
        checkInput(in);
        Objects.checkIndex(image, in.batch());
        Objects.checkFromToIndex(pixelFrom, pixelTo, outH * outW);
        checkOutput(out, 1);
        int base = image * outH * outW;
        kernel.compute(this, in, image, base + pixelFrom, base + pixelTo, 0, filters.panelCount(), out, layout);
    }

    /** Whether {@link #forwardMaxPool2x2} runs this convolution with {@code kernel}. */
    public boolean supportsMaxPool2x2(PopcountKernel kernel) {
        return kernel.supportsMax2x2(this);
    }

    /**
     * Single-threaded convolution followed by a 2 x 2, stride 2 max pool without padding, over the exact integer
     * results ({@code K - 2*popcount} after the border correction, as floats): pooled rows {@code [rowFrom, rowTo)}
     * (of {@code outH / 2}) of images {@code [firstImage, firstImage + images)} of {@code in}, pooled image
     * {@code firstImage + i} stored NHWC as image {@code i} of {@code out} from {@code out[outOff]}
     * ({@code (outH / 2) * (outW / 2) * outChannels} floats per image), each row at its place. For a caller that
     * scales the results by a positive per-filter factor next: the max of the integers then is the max of the scaled
     * values. Only where {@link #supportsMaxPool2x2} holds for {@code kernel}.
     */
    public void forwardMaxPool2x2(PackedActivations in, int firstImage, int images, int rowFrom, int rowTo,
                                  float[] out, int outOff, PopcountKernel kernel) {
        checkMaxPool2x2(in, firstImage, images, rowFrom, rowTo, out, outOff, kernel);
        kernel.computeMax2x2(this, in, firstImage, images, rowFrom, rowTo, 0, filters.panelCount(), out, outOff);
    }

    /** The argument checks of {@link #forwardMaxPool2x2}, also for the multi-threaded executor's. */
    void checkMaxPool2x2(PackedActivations in, int firstImage, int images, int rowFrom, int rowTo, float[] out,
                         int outOff, PopcountKernel kernel) {
        checkInput(in);
        if (!kernel.supportsMax2x2(this)) {
            throw new IllegalArgumentException(kernel + " kernel cannot fuse a 2x2 max pool into " + this);
        }
        Objects.checkFromIndexSize(firstImage, images, in.batch());
        Objects.checkFromToIndex(rowFrom, rowTo, outH / 2);
        Objects.requireNonNull(out, "out");
        long need = outOff + (long) images * (outH / 2) * (outW / 2) * filters.outChannels();
        if (outOff < 0 || out.length < need) {
            throw new IllegalArgumentException("output holds " + out.length + " floats, need " + need
                    + " from offset " + outOff);
        }
    }

    void checkOutput(float[] out, int images) {
        Objects.requireNonNull(out, "out");
        long need = (long) images * outputSizePerImage();
        if (out.length < need) {
            throw new IllegalArgumentException("output holds " + out.length + " floats, need " + need);
        }
    }

    @Override
    public String toString() {
        return "PackedConv2d[" + filters.outChannels() + "x" + filters.inChannels() + "x" + filters.kernelH() + "x"
                + filters.kernelW() + " on " + inH + "x" + inW + ", stride " + stride + ", padding " + padding + " ("
                + border + "), out " + outH + "x" + outW + "]";
    }
}
