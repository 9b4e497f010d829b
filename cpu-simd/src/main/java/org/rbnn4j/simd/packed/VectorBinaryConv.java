package org.rbnn4j.simd.packed;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast packed binary convolution: a binary GEMM with M = output pixels, N = filters, K = {@code kh*kw}
 * words-per-pixel, computed as {@code K_bits - 2*popcount(a XOR w)} with the filters' 64-bit words loaded as
 * {@link LongVector}s and read as int lanes, and {@link VectorOperators#BIT_COUNT} (VPOPCNTD with AVX-512 VPOPCNTDQ).
 *
 * <p>Vector lanes run along filters, one filter per 32-bit lane (each 64-bit filter word holds the channel words of
 * two neighbouring filters, see {@link PackedFilters}): each 32-bit activation word is broadcast and XORed with
 * vectors of consecutive filters' words, so any channel count works, no horizontal sums are needed, and the counts
 * already lie in filter order. Three register blocks of 8 {@code IntVector} accumulators (16 exceed C2's inlining
 * budget and run several times slower):
 * <ul>
 *   <li>2 pixels x 4 filter vectors ({@link #WIDE_PANEL} filters per panel): 2 broadcasts and 4 loads per
 *       8 popcounts;</li>
 *   <li>4 pixels x 2 filter vectors ({@link #NARROW_PANEL} filters per panel), for layers whose filter count
 *       would leave wide panels partly empty (32 or 96 filters with AVX-512);</li>
 *   <li>8 pixels x 1 filter vector ({@link #SINGLE_PANEL} filters per panel): 16 or 48 filters.</li>
 * </ul>
 * Why int lanes and 32-bit activation words rather than one filter per long lane: the XOR, popcount and add per bit
 * are the same, but a tile of 8 int accumulators covers 64 filters against 32 with longs, so the per-tile costs
 * (call, set-up, epilogue) are spread over twice the work, the epilogue needs no reordering of counts (with long lanes
 * two accumulators had to be interleaved into filter order, {@code even + (odd << 32)}), and layers of up to 32
 * channels read one word per pixel instead of 64 bits. In one JVM, alternating with the long-lane kernel: 3x3 convs
 * 9-37% faster with 64 and 128 channels, 2% with 256, equal with 512; resnet20_1w1a +30%, resnet18_1w1a +6% whole.
 * Keeping 64-bit activation words cost that gain back however the halves were brought into lanes: broadcasting a
 * 32-bit half (a register-to-vector move each), a {@code MemorySegment} int view of the {@code long[]} (slower still,
 * and 6x slower without type profiles), or a 64-bit broadcast and its rotation by 32 against filters stored as
 * half-steps ({@code VPRORQ}; vgg_small_1w1a 6% slower than the long-lane kernel).
 *
 * <p>No im2col: the NHWC-words activations with their built-in border already are the panel of every pixel, since the
 * {@code kw * wordsPerPixel} words of one kernel row are contiguous in both operands whatever the stride; the pixels
 * of a block may lie anywhere (other rows, other images), each with its own base offset. Border taps read the
 * all-zero border, and {@link PackedConv2d}'s bias table (per position class and filter) turns the count into the
 * zero-padded result.
 *
 * <p>The micro-kernel also finishes the result ({@code bias - pop - pop} from the int bias table, to float, vector
 * store of the whole panel): for small K (64 channels, 18 words) a separate epilogue through a scratch array cost
 * about a quarter of the time. Counts and results are exact: filters have fewer than 2^24 bits
 * ({@link PackedFilters}). NHWC output is stored directly; NCHW goes through a {@code [pixel][filter]} block buffer
 * transposed into place with sequential stores (per-lane stores straight into NCHW were about 4x slower); so does the
 * partial last panel of NHWC output, copying only the filters that exist.
 *
 * <p>Every vector operation is called on a vector whose class C2 knows (a load, a broadcast, the new popcount) and
 * takes the accumulators as arguments ({@code pop.add(acc)}, {@code bias.sub(acc)}): an operation called on an
 * accumulator, carried around the tap loop, is a virtual call that C2 inlines only with a type profile, and a C2
 * compile from C1's profile-less tier boxed the whole loop (10-27 instead of ~850 Gbit-MAC/s; always so with
 * {@code -XX:-UseTypeProfile}, which {@code ProfileFreeJitTest} runs).
 *
 * <p>Loop order: pixel blocks of {@link #PIXEL_BLOCK} outer, panels, then pixel tiles, so that one panel of filters
 * (at most 36 KB for 512 input channels) and one block of activations stay in L1 or close to it. Except for NHWC
 * output over several full wide panels whose filters fit L1, or L2 when the call's output streams past L2
 * ({@link #pixelMajorOrder}): there each pixel pair runs through all panels before the next
 * ({@link #pixelMajorTiles2x4}), so that a pixel's output is written in one go. Panel by panel, each pass wrote every
 * pixel's row in pieces a panel apart, and with a batch-sized output (which streams past the caches) that cost more
 * than reading all the panels' filters again for every pair: same JVM, alternating, 3x3 convolution at batch 16 with
 * 128 channels (18 KB of filters) +4-8% (1.043, 1.055, 1.072, 0.996, 1.081), with 256 channels at 16x16 (72 KB, from
 * L2) +17%, 64 (one panel) unchanged. Fused layers write a few hundred pixels of scratch in L2 and gain nothing.
 *
 * <p>{@link #computeMax2x2} is the same kernel with a 2 x 2 max pool over its integer results: each window's two pixel
 * pairs in turn, the second raising what the first stored ({@link #tile2x4Max}).
 */
final class VectorBinaryConv {
    static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    /** Int lanes: filters per vector. */
    static final int LANES = IS.length();
    /** The filters' 64-bit words of one vector of int lanes (two filters' channel words per long). */
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, IS.vectorShape());
    private static final int LONG_LANES = LS.length();
    /** Filters per panel of the 2 x 4 kernel. */
    static final int WIDE_PANEL = 4 * LANES;
    /** Filters per panel of the 4 x 2 kernel. */
    static final int NARROW_PANEL = 2 * LANES;
    /** Filters per panel of the 8 x 1 kernel. */
    static final int SINGLE_PANEL = LANES;
    /** Floats of the same width, for the int-to-float conversion of results. */
    private static final VectorSpecies<Float> FS = VectorSpecies.of(float.class, IS.vectorShape());
    static final int PIXEL_BLOCK = 64;
    /**
     * Filter bytes of a call's panels up to which NHWC output over several wide panels is computed pixel pair by pixel
     * pair across all panels: about L1's size (32 KB here), so that the filters re-read for every pair stay close.
     * 40 KB takes in the 128 -> 256 convolutions (36 KB of filters): resnet18_1w1a +1.9% and +3.3%, vgg_small_1w1a
     * +0.2% and +1.2% against 32 KB, paired in one JVM; 80 KB (vgg_small_1w1a +0.5%, quartiles 0.98-1.02) and 320 KB
     * (-0.7%) gained nothing more. (Up to 512 KB, read from L2 for every pair, the standalone 256- and 512-channel
     * convolutions gained, but whole networks, whose layers then all ran pixel by pixel, measured 0.80-1.00 in
     * alternating CLI runs.)
     */
    static final int PIXEL_MAJOR_WEIGHT_BYTES = 40 * 1024;
    /**
     * Output bytes of a call from which it streams past L2 (1 MB here; twice that, so that fused layers' bands, a few
     * hundred pixels written to scratch that stays in L2, never count) and the pieces that panel-by-panel order writes
     * a panel apart cost more than re-reading the filters from L2 for every pixel pair.
     */
    static final long STREAMED_OUTPUT_BYTES = 2L << 20;
    /**
     * Filter bytes up to which a call with a {@linkplain #STREAMED_OUTPUT_BYTES streamed output} runs pixel by pixel,
     * its filters read from L2 for every pair: half of L2. Standalone 3x3 convolutions at batch 16 against
     * {@link #PIXEL_MAJOR_WEIGHT_BYTES} alone, paired in one JVM: 256 channels at 16x16 (72 KB of filters, 4 MB of
     * output) x1.17 (quartiles 1.15-1.20), 512 at 8x8 (288 KB, 2 MB) x1.035, 128 at 32x32 (already pixel by pixel)
     * unchanged; vgg_small_1w1a and resnet18_1w1a, whose fused layers write bands of a few hundred pixels, x1.002 and
     * x1.018 (noise).
     */
    static final int STREAMED_PIXEL_MAJOR_WEIGHT_BYTES = 512 * 1024;

    private VectorBinaryConv() {
    }

    /**
     * The panel width that wastes fewest lanes for {@code outChannels} filters, the wider on ties: lanes of a padded
     * filter cost as much as real ones, and a partial panel goes through the block buffer instead of being stored
     * directly (16 filters in 32-filter panels ran resnet20_1w1a's first stage at half speed).
     */
    static int panelWidthFor(int outChannels) {
        int best = WIDE_PANEL;
        for (int width : new int[] {NARROW_PANEL, SINGLE_PANEL}) {
            if (roundUp(outChannels, width) < roundUp(outChannels, best)) {
                best = width;
            }
        }
        return best;
    }

    /**
     * Whether full panels of {@code panelWidth} filters ({@code panels} of them, {@code kWords} words per filter) into
     * NHWC output for {@code pixels} pixels run pixel pair by pixel pair across all panels
     * ({@link #pixelMajorTiles2x4}) rather than panel by panel: with several wide panels, while their filters fit
     * {@link #PIXEL_MAJOR_WEIGHT_BYTES}, or, when the call's output streams past L2
     * ({@link #STREAMED_OUTPUT_BYTES}), while they fit {@link #STREAMED_PIXEL_MAJOR_WEIGHT_BYTES}.
     */
    static boolean pixelMajorOrder(int panelWidth, int panels, int kWords, int pixels) {
        if (panelWidth != WIDE_PANEL || panels < 2) {
            return false;
        }
        long weightBytes = (long) panels * kWords * panelWidth * Integer.BYTES;
        long outputBytes = (long) pixels * panels * panelWidth * Float.BYTES;
        return weightBytes <= PIXEL_MAJOR_WEIGHT_BYTES
                || outputBytes >= STREAMED_OUTPUT_BYTES && weightBytes <= STREAMED_PIXEL_MAJOR_WEIGHT_BYTES;
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    static boolean supportsPanelWidth(int panelWidth) {
        return panelWidth == WIDE_PANEL || panelWidth == NARROW_PANEL || panelWidth == SINGLE_PANEL;
    }

    static void compute(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                        int panelFrom, int panelTo, float[] out, OutputLayout layout) {
        PackedFilters f = conv.filters();
        int panelWidth = f.panelWidth();
        int[] act = in.bits();
        long[] w = f.bits();
        int[] bias = conv.biasTable();
        int kh = f.kernelH();
        int run = f.kernelW() * f.wordsPerPixel();
        int kWords = f.kWords();
        int rowStride = in.rowStride();
        int outW = conv.outW();
        int outPixels = conv.outH() * outW;
        int cout = f.outChannels();
        int stride = conv.stride();
        int shift = in.pad() - conv.padding();
        boolean nhwc = layout == OutputLayout.NHWC;

        int[] actOff = new int[PIXEL_BLOCK];
        int[] taps = tapOffsets(kh, run, rowStride);
        int[] biasOff = new int[PIXEL_BLOCK];
        int[] outOff = new int[PIXEL_BLOCK];
        // Results of one panel for the block's pixels, [pixel][filter], copied into out afterwards: NCHW (transposed),
        // and the partial last panel of NHWC (only the filters that exist). Only allocated when some panel needs it:
        // fused layers call this per band of a few hundred pixels, and 16 KB zeroed per call showed in their time.
        boolean partialPanel = panelTo * panelWidth > cout;
        float[] block = nhwc && !partialPanel ? null : new float[PIXEL_BLOCK * panelWidth];
        // Several full wide panels into NHWC: pixel pairs outer (see the class comment).
        boolean pixelMajor = nhwc && !partialPanel
                && pixelMajorOrder(panelWidth, panelTo - panelFrom, kWords, pixelTo - pixelFrom);
        // Where pixel i of a block starts in the block buffer.
        int[] blockOff = new int[PIXEL_BLOCK];
        for (int i = 0; i < PIXEL_BLOCK; i++) {
            blockOff[i] = i * panelWidth;
        }

        // Per output column: where its window starts within an input row, and its part of the bias offset. A pixel's
        // offsets are its row's bases plus these: one multiply per row instead of several per pixel. Paired in one
        // JVM against the per-pixel form: 64-channel convolution x1.03, resnet20_1w1a x1.06-1.08 whole.
        int[] colAct = columnWindowStarts(conv, in, outW);
        int[] colBias = columnBiasOffsets(conv, outW);
        int outH = conv.outH();
        int imageStride = in.imageStride();
        int pixelStep = nhwc ? cout : 1;
        // The position (image n, row oy, column ox) of the next block's first pixel.
        int n = pixelFrom / outPixels;
        int oy = (pixelFrom - n * outPixels) / outW;
        int ox = pixelFrom - n * outPixels - oy * outW;

        for (int blockStart = pixelFrom; blockStart < pixelTo; blockStart += PIXEL_BLOCK) {
            int blockLen = Math.min(PIXEL_BLOCK, pixelTo - blockStart);
            // Where each pixel of the block reads (window top-left), which correction class it has, where it writes;
            // run by run along output rows.
            for (int i = 0; i < blockLen; ) {
                int rowAct = n * imageStride + (oy * stride + shift) * rowStride;
                int rowBias = conv.rowBiasOffset(oy);
                // Output image n - firstImage, pixel (oy, ox): NHWC pixels cout floats apart, NCHW pixels adjacent.
                int rowOut = (n - firstImage) * outPixels * cout + (oy * outW + ox) * pixelStep;
                int len = Math.min(blockLen - i, outW - ox);
                for (int j = 0; j < len; j++) {
                    actOff[i + j] = rowAct + colAct[ox + j];
                    biasOff[i + j] = rowBias + colBias[ox + j];
                }
                for (int j = 0; j < len; j++) {
                    outOff[i + j] = rowOut + j * pixelStep;
                }
                i += len;
                ox += len;
                if (ox == outW) {
                    ox = 0;
                    if (++oy == outH) {
                        oy = 0;
                        n++;
                    }
                }
            }
            if (pixelMajor) {
                pixelMajorTiles2x4(act, actOff, biasOff, outOff, blockLen, taps, w, kWords, bias, panelFrom, panelTo,
                        out);
                continue;
            }
            for (int panel = panelFrom; panel < panelTo; panel++) {
                int wOff = panel * kWords * panelWidth / 2; // in the filters' 64-bit words
                int co0 = panel * panelWidth;
                int filters = Math.min(panelWidth, cout - co0);
                // Full vector stores of a whole panel: straight into out (NHWC, full panel), else into the block.
                boolean direct = nhwc && filters == panelWidth;
                float[] target = direct ? out : block;
                int[] dstOff = direct ? outOff : blockOff;
                int dstAdd = direct ? co0 : 0;
                if (panelWidth == WIDE_PANEL) {
                    fusedTiles2x4(act, actOff, biasOff, dstOff, blockLen, taps, w, wOff, bias, co0,
                            dstAdd, target);
                } else if (panelWidth == NARROW_PANEL) {
                    fusedTiles4x2(act, actOff, biasOff, dstOff, blockLen, taps, w, wOff, bias, co0,
                            dstAdd, target);
                } else {
                    fusedTiles8x1(act, actOff, biasOff, dstOff, blockLen, taps, w, wOff, bias, co0,
                            dstAdd, target);
                }
                if (direct) {
                    continue;
                }
                for (int j = 0; j < filters; j++) {
                    // NCHW: filter j's plane; NHWC: channel co0 + j of each pixel.
                    int dst = nhwc ? co0 + j : (co0 + j) * outPixels;
                    for (int i = 0; i < blockLen; i++) {
                        out[outOff[i] + dst] = block[i * panelWidth + j];
                    }
                }
            }
        }
    }

    /** Per output column {@code ox < columns}: where its window starts within an input row, in words. */
    private static int[] columnWindowStarts(PackedConv2d conv, PackedActivations in, int columns) {
        int shift = in.pad() - conv.padding();
        int[] starts = new int[columns];
        for (int ox = 0; ox < columns; ox++) {
            starts[ox] = (ox * conv.stride() + shift) * in.wordsPerPixel();
        }
        return starts;
    }

    /** Per output column {@code ox < columns}: its part of the bias table offset. */
    private static int[] columnBiasOffsets(PackedConv2d conv, int columns) {
        int[] offsets = new int[columns];
        for (int ox = 0; ox < columns; ox++) {
            offsets[ox] = conv.columnBiasOffset(ox);
        }
        return offsets;
    }

    /**
     * Where each of a window's {@code kh * run} words lies from its first word (kernel rows {@code rowStride} apart):
     * the micro-kernels run one loop over them.
     */
    private static int[] tapOffsets(int kh, int run, int rowStride) {
        int[] taps = new int[kh * run];
        for (int ky = 0; ky < kh; ky++) {
            for (int j = 0; j < run; j++) {
                taps[ky * run + j] = ky * rowStride + j;
            }
        }
        return taps;
    }

    /**
     * Whether {@link #computeMax2x2} takes {@code conv}: full wide panels (the results of a panel go straight to their
     * pooled pixel) and an output of at least one 2 x 2 window.
     */
    static boolean supportsMax2x2(PackedConv2d conv) {
        return conv.filters().panelWidth() == WIDE_PANEL && conv.outChannels() % WIDE_PANEL == 0
                && conv.outH() >= 2 && conv.outW() >= 2;
    }

    /**
     * The convolution with a 2 x 2, stride 2 max pool (no padding) over its integer results: for images
     * {@code [firstImage, firstImage + images)} and pooled rows {@code [rowFrom, rowTo)} of each, the largest
     * {@code bias - 2*pop} of each window's four pixels, as a float, stored NHWC at {@code out[outOff ..]} where pixel
     * {@code (py, px)} of pooled image {@code i} goes ({@code (outH/2) x (outW/2)} pixels of {@code cout} floats per
     * image), for the filters of panels {@code [panelFrom, panelTo)}. Pixels of an odd last row or column, which no
     * window reads, are not computed.
     *
     * <p>Each window is two pixel pairs: {@link #tile2x4Max} stores the larger of the top pair's results and then
     * raises them to the bottom pair's, while the top's store is still in L1. Against the convolution of every pixel
     * followed by a pooling pass, a quarter of the results are stored and none are read back.
     */
    static void computeMax2x2(PackedConv2d conv, PackedActivations in, int firstImage, int images, int rowFrom,
                              int rowTo, int panelFrom, int panelTo, float[] out, int outOff) {
        PackedFilters f = conv.filters();
        int[] act = in.bits();
        long[] w = f.bits();
        int[] bias = conv.biasTable();
        int kh = f.kernelH();
        int run = f.kernelW() * f.wordsPerPixel();
        int kWords = f.kWords();
        int rowStride = in.rowStride();
        int imageStride = in.imageStride();
        int cout = f.outChannels();
        int stride = conv.stride();
        int shift = in.pad() - conv.padding();
        int pooledW = conv.outW() / 2;
        int pooledSize = conv.outH() / 2 * pooledW * cout;
        int[] taps = tapOffsets(kh, run, rowStride);
        int[] colAct = columnWindowStarts(conv, in, 2 * pooledW);
        int[] colBias = columnBiasOffsets(conv, 2 * pooledW);
        int windowsPerBlock = PIXEL_BLOCK / 4;
        // Per window of the block: its four pixels' window offsets and bias offsets (top left, top right, bottom left,
        // bottom right), and where its pooled result goes.
        int[] actOff = new int[PIXEL_BLOCK];
        int[] biasOff = new int[PIXEL_BLOCK];
        int[] poolOff = new int[windowsPerBlock];
        boolean pixelMajor = pixelMajorOrder(WIDE_PANEL, panelTo - panelFrom, kWords,
                4 * images * (rowTo - rowFrom) * pooledW);
        int count = 0;
        for (int i = 0; i < images; i++) {
            int n = firstImage + i;
            for (int py = rowFrom; py < rowTo; py++) {
                int top = n * imageStride + (2 * py * stride + shift) * rowStride;
                int bottom = top + stride * rowStride;
                int topBias = conv.rowBiasOffset(2 * py);
                int bottomBias = conv.rowBiasOffset(2 * py + 1);
                int rowOut = outOff + i * pooledSize + py * pooledW * cout;
                for (int px = 0; px < pooledW; px++) {
                    int l = 2 * px;
                    int r = l + 1;
                    int k = 4 * count;
                    actOff[k] = top + colAct[l];
                    actOff[k + 1] = top + colAct[r];
                    actOff[k + 2] = bottom + colAct[l];
                    actOff[k + 3] = bottom + colAct[r];
                    biasOff[k] = topBias + colBias[l];
                    biasOff[k + 1] = topBias + colBias[r];
                    biasOff[k + 2] = bottomBias + colBias[l];
                    biasOff[k + 3] = bottomBias + colBias[r];
                    poolOff[count] = rowOut + px * cout;
                    if (++count == windowsPerBlock) {
                        max2x2Tiles(act, actOff, biasOff, poolOff, count, taps, w, kWords, bias, panelFrom, panelTo,
                                pixelMajor, out);
                        count = 0;
                    }
                }
            }
        }
        if (count > 0) {
            max2x2Tiles(act, actOff, biasOff, poolOff, count, taps, w, kWords, bias, panelFrom, panelTo, pixelMajor,
                    out);
        }
    }

    /**
     * The {@code count} windows of a block of {@link #computeMax2x2}, each window's pairs through all panels before
     * the next window when {@code pixelMajor} (see {@link #pixelMajorOrder}), else panel by panel.
     */
    private static void max2x2Tiles(int[] act, int[] actOff, int[] biasOff, int[] poolOff, int count, int[] taps,
                                    long[] w, int kWords, int[] bias, int panelFrom, int panelTo, boolean pixelMajor,
                                    float[] out) {
        if (pixelMajor) {
            for (int t = 0; t < count; t++) {
                int k = 4 * t;
                for (int panel = panelFrom; panel < panelTo; panel++) {
                    int co0 = panel * WIDE_PANEL;
                    int wOff = panel * kWords * WIDE_PANEL / 2;
                    tile2x4Max(act, actOff[k], actOff[k + 1], taps, w, wOff, bias, biasOff[k] + co0,
                            biasOff[k + 1] + co0, out, poolOff[t] + co0, false);
                    tile2x4Max(act, actOff[k + 2], actOff[k + 3], taps, w, wOff, bias, biasOff[k + 2] + co0,
                            biasOff[k + 3] + co0, out, poolOff[t] + co0, true);
                }
            }
            return;
        }
        for (int panel = panelFrom; panel < panelTo; panel++) {
            int co0 = panel * WIDE_PANEL;
            int wOff = panel * kWords * WIDE_PANEL / 2;
            for (int t = 0; t < count; t++) {
                int k = 4 * t;
                tile2x4Max(act, actOff[k], actOff[k + 1], taps, w, wOff, bias, biasOff[k] + co0, biasOff[k + 1] + co0,
                        out, poolOff[t] + co0, false);
                tile2x4Max(act, actOff[k + 2], actOff[k + 3], taps, w, wOff, bias, biasOff[k + 2] + co0,
                        biasOff[k + 3] + co0, out, poolOff[t] + co0, true);
            }
        }
    }

    /**
     * Micro-kernel 2 x 4 over the first {@code count} pixels of a block, two at a time ({@link #tile2x4} per pair):
     * pixel {@code i} reads its window at {@code actOff[i]}, its bias at {@code biasOff[i] + co0}, and gets one full
     * panel of results at {@code out[dstOff[i] + dstAdd ..]}. An odd last pixel is computed twice (the repeat stores
     * the same values again).
     *
     * <p>Why a call per tile: with the tile loop around the tap loop in one method, the tap loop had the loop state of
     * both live, more than the general registers hold, and C2 parked array bases in vector registers, moving them back
     * 3-4 times per tap (the machine code, disassembled); those moves take vector-pipe slots from the popcounts. The
     * per-tile method keeps its few values in registers or on the stack: same JVM, alternating, 2-7% faster
     * convolutions with 128-512 channels, vgg_small_1w1a +3-4% and resnet18_1w1a +2% whole. (Before the tap loop was
     * flattened, a call per tile measured 1-3% slower.)
     */
    private static void fusedTiles2x4(int[] act, int[] actOff, int[] biasOff, int[] dstOff, int count,
                                      int[] taps, long[] w, int wOff, int[] bias, int co0,
                                      int dstAdd, float[] out) {
        for (int t = 0; t < count; t += 2) {
            int i1 = t + 1 < count ? t + 1 : t;
            tile2x4(act, actOff[t], actOff[i1], taps, w, wOff, bias, biasOff[t] + co0, biasOff[i1] + co0, out,
                    dstOff[t] + dstAdd, dstOff[i1] + dstAdd);
        }
    }

    /**
     * One tile of {@link #fusedTiles2x4}: disagreement counts of the windows at {@code a0} and {@code a1} against the 4
     * filter vectors of one wide panel, over the window's words at {@code a + taps[k]} (the filters' words for tap
     * {@code k} are consecutive panels of {@code w} from {@code wOff}), finished as {@code bias - 2*pop} into
     * {@code out[o0 ..]} and {@code out[o1 ..]}. One loop over the window's {@code kh * run} words through the offset
     * table, rather than a loop per kernel row: C2 unrolls the one longer loop (3 rows of 6 words for 128 channels were
     * three short loops), measured +8-14% on 128-channel layers, +3% on vgg_small_1w1a and +6% on resnet20_1w1a whole
     * (same JVM, alternating). The epilogue is spelled out rather than called: one more call level hits C2's
     * {@code NodeCountInliningCutoff} here, and a vector that is not inlined is boxed.
     */
    private static void tile2x4(int[] act, int a0, int a1, int[] taps, long[] w, int wOff, int[] bias, int b0,
                                int b1, float[] out, int o0, int o1) {
        IntVector c00 = IntVector.zero(IS);
        IntVector c01 = IntVector.zero(IS);
        IntVector c02 = IntVector.zero(IS);
        IntVector c03 = IntVector.zero(IS);
        IntVector c10 = IntVector.zero(IS);
        IntVector c11 = IntVector.zero(IS);
        IntVector c12 = IntVector.zero(IS);
        IntVector c13 = IntVector.zero(IS);
        for (int kk = 0, wi = wOff; kk < taps.length; kk++, wi += WIDE_PANEL / 2) {
            int d = taps[kk];
            IntVector w0 = LongVector.fromArray(LS, w, wi).reinterpretAsInts();
            IntVector w1 = LongVector.fromArray(LS, w, wi + LONG_LANES).reinterpretAsInts();
            IntVector w2 = LongVector.fromArray(LS, w, wi + 2 * LONG_LANES).reinterpretAsInts();
            IntVector w3 = LongVector.fromArray(LS, w, wi + 3 * LONG_LANES).reinterpretAsInts();
            IntVector x = IntVector.broadcast(IS, act[a0 + d]);
            c00 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c00);
            c01 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c01);
            c02 = x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT).add(c02);
            c03 = x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT).add(c03);
            x = IntVector.broadcast(IS, act[a1 + d]);
            c10 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c10);
            c11 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c11);
            c12 = x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT).add(c12);
            c13 = x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT).add(c13);
        }
        ((FloatVector) IntVector.fromArray(IS, bias, b0).sub(c00).sub(c00)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o0);
        ((FloatVector) IntVector.fromArray(IS, bias, b0 + LANES).sub(c01).sub(c01)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o0 + LANES);
        ((FloatVector) IntVector.fromArray(IS, bias, b0 + 2 * LANES).sub(c02).sub(c02)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o0 + 2 * LANES);
        ((FloatVector) IntVector.fromArray(IS, bias, b0 + 3 * LANES).sub(c03).sub(c03)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o0 + 3 * LANES);
        ((FloatVector) IntVector.fromArray(IS, bias, b1).sub(c10).sub(c10)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o1);
        ((FloatVector) IntVector.fromArray(IS, bias, b1 + LANES).sub(c11).sub(c11)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o1 + LANES);
        ((FloatVector) IntVector.fromArray(IS, bias, b1 + 2 * LANES).sub(c12).sub(c12)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o1 + 2 * LANES);
        ((FloatVector) IntVector.fromArray(IS, bias, b1 + 3 * LANES).sub(c13).sub(c13)
                .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o1 + 3 * LANES);
    }

    /**
     * {@link #tile2x4} for a pixel pair of a pooling window: the larger of the two pixels' results per filter into
     * {@code out[o ..]}, or, with {@code raise}, the larger of that and what {@code out[o ..]} holds (the window's
     * other pair). A copy of {@link #tile2x4}'s tap loop rather than one method with a choice of epilogue: merged,
     * with the plain stores behind a branch, vgg_small_1w1a ran 2.6% and 4.6% slower (same JVM, alternating).
     */
    private static void tile2x4Max(int[] act, int a0, int a1, int[] taps, long[] w, int wOff, int[] bias, int b0,
                                   int b1, float[] out, int o, boolean raise) {
        IntVector c00 = IntVector.zero(IS);
        IntVector c01 = IntVector.zero(IS);
        IntVector c02 = IntVector.zero(IS);
        IntVector c03 = IntVector.zero(IS);
        IntVector c10 = IntVector.zero(IS);
        IntVector c11 = IntVector.zero(IS);
        IntVector c12 = IntVector.zero(IS);
        IntVector c13 = IntVector.zero(IS);
        for (int kk = 0, wi = wOff; kk < taps.length; kk++, wi += WIDE_PANEL / 2) {
            int d = taps[kk];
            IntVector w0 = LongVector.fromArray(LS, w, wi).reinterpretAsInts();
            IntVector w1 = LongVector.fromArray(LS, w, wi + LONG_LANES).reinterpretAsInts();
            IntVector w2 = LongVector.fromArray(LS, w, wi + 2 * LONG_LANES).reinterpretAsInts();
            IntVector w3 = LongVector.fromArray(LS, w, wi + 3 * LONG_LANES).reinterpretAsInts();
            IntVector x = IntVector.broadcast(IS, act[a0 + d]);
            c00 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c00);
            c01 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c01);
            c02 = x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT).add(c02);
            c03 = x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT).add(c03);
            x = IntVector.broadcast(IS, act[a1 + d]);
            c10 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c10);
            c11 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c11);
            c12 = x.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT).add(c12);
            c13 = x.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT).add(c13);
        }
        // Integers first (their max is exact and one instruction), then one conversion per vector.
        IntVector r0 = IntVector.fromArray(IS, bias, b0).sub(c00).sub(c00);
        IntVector r1 = IntVector.fromArray(IS, bias, b0 + LANES).sub(c01).sub(c01);
        IntVector r2 = IntVector.fromArray(IS, bias, b0 + 2 * LANES).sub(c02).sub(c02);
        IntVector r3 = IntVector.fromArray(IS, bias, b0 + 3 * LANES).sub(c03).sub(c03);
        FloatVector m0 = (FloatVector) IntVector.fromArray(IS, bias, b1).sub(c10).sub(c10).max(r0)
                .convertShape(VectorOperators.I2F, FS, 0);
        FloatVector m1 = (FloatVector) IntVector.fromArray(IS, bias, b1 + LANES).sub(c11).sub(c11).max(r1)
                .convertShape(VectorOperators.I2F, FS, 0);
        FloatVector m2 = (FloatVector) IntVector.fromArray(IS, bias, b1 + 2 * LANES).sub(c12).sub(c12).max(r2)
                .convertShape(VectorOperators.I2F, FS, 0);
        FloatVector m3 = (FloatVector) IntVector.fromArray(IS, bias, b1 + 3 * LANES).sub(c13).sub(c13).max(r3)
                .convertShape(VectorOperators.I2F, FS, 0);
        if (raise) {
            // Exact integers, no NaN: a compare and a blend are the max (FloatVector.max also orders NaN and -0).
            FloatVector p0 = FloatVector.fromArray(FS, out, o);
            FloatVector p1 = FloatVector.fromArray(FS, out, o + LANES);
            FloatVector p2 = FloatVector.fromArray(FS, out, o + 2 * LANES);
            FloatVector p3 = FloatVector.fromArray(FS, out, o + 3 * LANES);
            m0 = p0.blend(m0, p0.compare(VectorOperators.LT, m0));
            m1 = p1.blend(m1, p1.compare(VectorOperators.LT, m1));
            m2 = p2.blend(m2, p2.compare(VectorOperators.LT, m2));
            m3 = p3.blend(m3, p3.compare(VectorOperators.LT, m3));
        }
        m0.intoArray(out, o);
        m1.intoArray(out, o + LANES);
        m2.intoArray(out, o + 2 * LANES);
        m3.intoArray(out, o + 3 * LANES);
    }

    /**
     * Micro-kernel 4 x 2: four pixels at a time against the 2 filter vectors of a narrow panel, as {@link #tile2x4}.
     * The tile loop stays inside: a call per tile (18 arguments) measured equal or up to 3% slower on resnet20_1w1a.
     */
    private static void fusedTiles4x2(int[] act, int[] actOff, int[] biasOff, int[] dstOff, int count,
                                      int[] taps, long[] w, int wOff, int[] bias, int co0,
                                      int dstAdd, float[] out) {
        for (int t = 0; t < count; t += 4) {
            // A short last tile repeats its first pixel; the repeats store the same values again.
            int i1 = t + 1 < count ? t + 1 : t;
            int i2 = t + 2 < count ? t + 2 : t;
            int i3 = t + 3 < count ? t + 3 : t;
            int a0 = actOff[t];
            int a1 = actOff[i1];
            int a2 = actOff[i2];
            int a3 = actOff[i3];
            int b0 = biasOff[t] + co0;
            int b1 = biasOff[i1] + co0;
            int b2 = biasOff[i2] + co0;
            int b3 = biasOff[i3] + co0;
            int o0 = dstOff[t] + dstAdd;
            int o1 = dstOff[i1] + dstAdd;
            int o2 = dstOff[i2] + dstAdd;
            int o3 = dstOff[i3] + dstAdd;
            IntVector c00 = IntVector.zero(IS);
            IntVector c01 = IntVector.zero(IS);
            IntVector c10 = IntVector.zero(IS);
            IntVector c11 = IntVector.zero(IS);
            IntVector c20 = IntVector.zero(IS);
            IntVector c21 = IntVector.zero(IS);
            IntVector c30 = IntVector.zero(IS);
            IntVector c31 = IntVector.zero(IS);
            for (int kk = 0, wi = wOff; kk < taps.length; kk++, wi += NARROW_PANEL / 2) {
                int d = taps[kk];
                IntVector w0 = LongVector.fromArray(LS, w, wi).reinterpretAsInts();
                IntVector w1 = LongVector.fromArray(LS, w, wi + LONG_LANES).reinterpretAsInts();
                IntVector x = IntVector.broadcast(IS, act[a0 + d]);
                c00 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c00);
                c01 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c01);
                x = IntVector.broadcast(IS, act[a1 + d]);
                c10 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c10);
                c11 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c11);
                x = IntVector.broadcast(IS, act[a2 + d]);
                c20 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c20);
                c21 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c21);
                x = IntVector.broadcast(IS, act[a3 + d]);
                c30 = x.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT).add(c30);
                c31 = x.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT).add(c31);
            }
            ((FloatVector) IntVector.fromArray(IS, bias, b0).sub(c00).sub(c00)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o0);
            ((FloatVector) IntVector.fromArray(IS, bias, b0 + LANES).sub(c01).sub(c01)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o0 + LANES);
            ((FloatVector) IntVector.fromArray(IS, bias, b1).sub(c10).sub(c10)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o1);
            ((FloatVector) IntVector.fromArray(IS, bias, b1 + LANES).sub(c11).sub(c11)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o1 + LANES);
            ((FloatVector) IntVector.fromArray(IS, bias, b2).sub(c20).sub(c20)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o2);
            ((FloatVector) IntVector.fromArray(IS, bias, b2 + LANES).sub(c21).sub(c21)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o2 + LANES);
            ((FloatVector) IntVector.fromArray(IS, bias, b3).sub(c30).sub(c30)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o3);
            ((FloatVector) IntVector.fromArray(IS, bias, b3 + LANES).sub(c31).sub(c31)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, o3 + LANES);
        }
    }

    /**
     * Micro-kernel 8 x 1: eight pixels at a time against the one filter vector of a single-vector panel, as
     * {@link #tile2x4}; 8 broadcasts and 1 load per 8 popcounts. The tile loop stays inside, as in
     * {@link #fusedTiles4x2}.
     */
    private static void fusedTiles8x1(int[] act, int[] actOff, int[] biasOff, int[] dstOff, int count,
                                      int[] taps, long[] w, int wOff, int[] bias, int co0,
                                      int dstAdd, float[] out) {
        for (int t = 0; t < count; t += 8) {
            // A short last tile repeats its first pixel; the repeats store the same values again.
            int i1 = t + 1 < count ? t + 1 : t;
            int i2 = t + 2 < count ? t + 2 : t;
            int i3 = t + 3 < count ? t + 3 : t;
            int i4 = t + 4 < count ? t + 4 : t;
            int i5 = t + 5 < count ? t + 5 : t;
            int i6 = t + 6 < count ? t + 6 : t;
            int i7 = t + 7 < count ? t + 7 : t;
            int a0 = actOff[t];
            int a1 = actOff[i1];
            int a2 = actOff[i2];
            int a3 = actOff[i3];
            int a4 = actOff[i4];
            int a5 = actOff[i5];
            int a6 = actOff[i6];
            int a7 = actOff[i7];
            IntVector c0 = IntVector.zero(IS);
            IntVector c1 = IntVector.zero(IS);
            IntVector c2 = IntVector.zero(IS);
            IntVector c3 = IntVector.zero(IS);
            IntVector c4 = IntVector.zero(IS);
            IntVector c5 = IntVector.zero(IS);
            IntVector c6 = IntVector.zero(IS);
            IntVector c7 = IntVector.zero(IS);
            for (int kk = 0, wi = wOff; kk < taps.length; kk++, wi += SINGLE_PANEL / 2) {
                int d = taps[kk];
                IntVector w0 = LongVector.fromArray(LS, w, wi).reinterpretAsInts();
                c0 = IntVector.broadcast(IS, act[a0 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c0);
                c1 = IntVector.broadcast(IS, act[a1 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c1);
                c2 = IntVector.broadcast(IS, act[a2 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c2);
                c3 = IntVector.broadcast(IS, act[a3 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c3);
                c4 = IntVector.broadcast(IS, act[a4 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c4);
                c5 = IntVector.broadcast(IS, act[a5 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c5);
                c6 = IntVector.broadcast(IS, act[a6 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c6);
                c7 = IntVector.broadcast(IS, act[a7 + d]).lanewise(VectorOperators.XOR, w0)
                        .lanewise(VectorOperators.BIT_COUNT).add(c7);
            }
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[t] + co0).sub(c0).sub(c0)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[t] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i1] + co0).sub(c1).sub(c1)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i1] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i2] + co0).sub(c2).sub(c2)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i2] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i3] + co0).sub(c3).sub(c3)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i3] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i4] + co0).sub(c4).sub(c4)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i4] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i5] + co0).sub(c5).sub(c5)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i5] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i6] + co0).sub(c6).sub(c6)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i6] + dstAdd);
            ((FloatVector) IntVector.fromArray(IS, bias, biasOff[i7] + co0).sub(c7).sub(c7)
                    .convertShape(VectorOperators.I2F, FS, 0)).intoArray(out, dstOff[i7] + dstAdd);
        }
    }

    /**
     * {@link #fusedTiles2x4} over panels {@code [panelFrom, panelTo)} with the pixel pairs outer: each pair's results
     * for all those panels (one NHWC output row per pixel) before the next pair. Full panels, NHWC output only. Kept
     * apart from {@link #fusedTiles2x4}: one method for both, its panel loop running once for a single panel, made the
     * 64-channel convolution (one panel) 3% slower (same JVM, alternating: 0.926-1.006 over five runs, median 0.970).
     */
    private static void pixelMajorTiles2x4(int[] act, int[] actOff, int[] biasOff, int[] outOff, int count,
                                           int[] taps, long[] w, int kWords, int[] bias, int panelFrom, int panelTo,
                                           float[] out) {
        for (int t = 0; t < count; t += 2) {
            int i1 = t + 1 < count ? t + 1 : t;
            int a0 = actOff[t];
            int a1 = actOff[i1];
            int b0 = biasOff[t];
            int b1 = biasOff[i1];
            int o0 = outOff[t];
            int o1 = outOff[i1];
            for (int panel = panelFrom; panel < panelTo; panel++) {
                int co0 = panel * WIDE_PANEL;
                tile2x4(act, a0, a1, taps, w, panel * kWords * WIDE_PANEL / 2, bias, b0 + co0, b1 + co0, out,
                        o0 + co0, o1 + co0);
            }
        }
    }
}
