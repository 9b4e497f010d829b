package org.rbnn4j.simd.packed;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link PackedConv2d}s on a pool of threads, splitting the output into tiles of pixels x filter panels
 * (images of the batch, or parts of one image for the single-image latency path) that the threads claim
 * dynamically. The calling thread works too, so a pool of {@code threads} has {@code threads - 1} workers and a
 * single-threaded executor runs everything in the caller.
 *
 * <p>Thread-safe: several threads may submit convolutions at once (each call waits only for its own tiles).
 * Close it to stop the workers; they are daemon threads, so forgetting to does not keep the JVM alive.
 */
public final class BinaryConvExecutor implements AutoCloseable {
    /** Pixels per tile when splitting among threads, at most (a multiple of the 4-pixel micro-tile). */
    private static final int MAX_TILE_PIXELS = 256;
    /** Tiles per thread to aim for, so that uneven tiles still balance. */
    private static final int TILES_PER_THREAD = 4;
    /**
     * Binary multiply-accumulates each thread must get before a call is split at all (about 16 us of kernel time):
     * handing tiles to a parked worker and waiting for it costs tens of microseconds on a VM, and one image of
     * resnet20_1w1a's 16-channel layers is 2.4 M bit-MACs (~2.5 us). Split regardless, a single image on 2 threads
     * took 1.9-2.6 ms against 0.24-0.35 ms on 1.
     */
    public static final long MIN_BIT_MACS_PER_THREAD = 16L << 20;

    private final int threads;
    private final PopcountKernel kernel;
    private final ExecutorService pool;
    private final long minBitMacsPerThread;

    /** {@code threads <= 0} means one per available processor; the kernel is {@link PopcountKernel#best()}. */
    public BinaryConvExecutor(int threads) {
        this(threads, PopcountKernel.best());
    }

    public BinaryConvExecutor(int threads, PopcountKernel kernel) {
        this(threads, kernel, MIN_BIT_MACS_PER_THREAD);
    }

    /**
     * An executor that splits a call among its threads only when each thread gets at least
     * {@code minBitMacsPerThread} binary multiply-accumulates ({@link #MIN_BIT_MACS_PER_THREAD} by default; 0 splits
     * every call, as tests of the split need).
     */
    public BinaryConvExecutor(int threads, PopcountKernel kernel, long minBitMacsPerThread) {
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.minBitMacsPerThread = Math.max(1, minBitMacsPerThread);
        if (this.threads > 1) {
            AtomicInteger counter = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(this.threads - 1, r -> {
                Thread t = new Thread(r, "rbnn-binconv-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    public int threads() {
        return threads;
    }

    public PopcountKernel kernel() {
        return kernel;
    }

    /**
     * Convolves every image of {@code in}; {@code out} holds {@code in.batch() * conv.outputSizePerImage()}
     * floats in {@code layout}. Exact integer sums (see {@link PackedConv2d}).
     */
    public void forward(PackedConv2d conv, PackedActivations in, float[] out, OutputLayout layout) {
        conv.checkInput(in);
        conv.checkOutput(out, in.batch());
        int pixels = conv.outH() * conv.outW();
        run(conv, in, 0, 0, in.batch() * pixels, out, layout);
    }

    /**
     * The single-image path: convolves image {@code image} of {@code in} only, splitting that image's output among
     * the threads; {@code out} holds one image ({@code conv.outputSizePerImage()} floats) in {@code layout}.
     */
    public void forwardImage(PackedConv2d conv, PackedActivations in, int image, float[] out, OutputLayout layout) {
        conv.checkInput(in);
        conv.checkOutput(out, 1);
        Objects.checkIndex(image, in.batch());
        int pixels = conv.outH() * conv.outW();
        run(conv, in, image, image * pixels, (image + 1) * pixels, out, layout);
    }

    /**
     * Convolves images {@code [firstImage, firstImage + images)} of {@code in}, splitting their output among the
     * threads; image {@code firstImage + i} is stored as image {@code i} of {@code out} (layout {@code layout}).
     */
    public void forwardImages(PackedConv2d conv, PackedActivations in, int firstImage, int images, float[] out,
                              OutputLayout layout) {
        conv.checkInput(in);
        Objects.checkFromIndexSize(firstImage, images, in.batch());
        conv.checkOutput(out, images);
        int pixels = conv.outH() * conv.outW();
        run(conv, in, firstImage, firstImage * pixels, (firstImage + images) * pixels, out, layout);
    }

    /**
     * Output pixels {@code [pixelFrom, pixelTo)} of image {@code image}, split among the threads; stored as
     * {@link PackedConv2d#forwardPixels} stores them ({@code out} spans one image).
     */
    public void forwardPixels(PackedConv2d conv, PackedActivations in, int image, int pixelFrom, int pixelTo,
                              float[] out, OutputLayout layout) {
        conv.checkInput(in);
        Objects.checkIndex(image, in.batch());
        int pixels = conv.outH() * conv.outW();
        Objects.checkFromToIndex(pixelFrom, pixelTo, pixels);
        conv.checkOutput(out, 1);
        run(conv, in, image, image * pixels + pixelFrom, image * pixels + pixelTo, out, layout);
    }

    /** Threads worth using for {@code bitMacs} of work: at most {@code threads}, each with {@code minPerThread}. */
    static int usefulThreads(long bitMacs, int threads, long minPerThread) {
        return (int) Math.min(threads, Math.max(1, bitMacs / Math.max(1, minPerThread)));
    }

    private void run(PackedConv2d conv, PackedActivations in, int firstImage, int pixelFrom, int pixelTo,
                     float[] out, OutputLayout layout) {
        int panels = conv.filters().panelCount();
        int pixels = pixelTo - pixelFrom;
        int useful = usefulThreads((long) pixels * conv.filters().outChannels() * conv.filters().kBits(), threads,
                minBitMacsPerThread);
        if (pool == null || useful == 1) {
            kernel.compute(conv, in, firstImage, pixelFrom, pixelTo, 0, panels, out, layout);
            return;
        }
        int wanted = useful * TILES_PER_THREAD;
        int tilePixels = Math.min(MAX_TILE_PIXELS, roundUp4((pixels + wanted - 1) / wanted));
        int pixelTiles = (pixels + tilePixels - 1) / tilePixels;
        runTiles(pixelTiles, panels, useful, (pt, g0, g1) -> {
            int p0 = pixelFrom + pt * tilePixels;
            int p1 = Math.min(pixelTo, p0 + tilePixels);
            kernel.compute(conv, in, firstImage, p0, p1, g0, g1, out, layout);
        });
    }

    /**
     * {@link PackedConv2d#forwardMaxPool2x2} split among the threads: tiles of pooled rows of one image, times groups of
     * filter panels when there are few rows.
     */
    public void forwardMaxPool2x2(PackedConv2d conv, PackedActivations in, int firstImage, int images, int rowFrom,
                                  int rowTo, float[] out, int outOff) {
        conv.checkMaxPool2x2(in, firstImage, images, rowFrom, rowTo, out, outOff, kernel);
        int panels = conv.filters().panelCount();
        int rows = rowTo - rowFrom;
        int pooledW = conv.outW() / 2;
        long bitMacs = 4L * images * rows * pooledW * conv.filters().outChannels() * conv.filters().kBits();
        int useful = usefulThreads(bitMacs, threads, minBitMacsPerThread);
        if (pool == null || useful == 1 || rows == 0) {
            kernel.computeMax2x2(conv, in, firstImage, images, rowFrom, rowTo, 0, panels, out, outOff);
            return;
        }
        int wanted = useful * TILES_PER_THREAD;
        int rowsPerTile = Math.max(1, (images * rows + wanted - 1) / wanted);
        int chunks = (rows + rowsPerTile - 1) / rowsPerTile;
        int pooledSize = conv.outH() / 2 * pooledW * conv.filters().outChannels();
        runTiles(images * chunks, panels, useful, (rt, g0, g1) -> {
            int image = rt / chunks;
            int r0 = rowFrom + (rt - image * chunks) * rowsPerTile;
            int r1 = Math.min(rowTo, r0 + rowsPerTile);
            kernel.computeMax2x2(conv, in, firstImage + image, 1, r0, r1, g0, g1, out, outOff + image * pooledSize);
        });
    }

    /** One tile of a split call: spatial tile {@code spatial} (pixels or pooled rows) times panels {@code [g0, g1)}. */
    @FunctionalInterface
    private interface Tile {
        void run(int spatial, int g0, int g1);
    }

    /**
     * Runs {@code spatialTiles} tiles, times groups of the {@code panels} filter panels when there are fewer spatial
     * tiles than {@link #TILES_PER_THREAD} per useful thread (one small image: split the filters too), on the caller
     * and up to {@code useful - 1} workers, each claiming the next tile until none is left; waits for all and rethrows
     * the first failure.
     */
    private void runTiles(int spatialTiles, int panels, int useful, Tile tile) {
        int wanted = useful * TILES_PER_THREAD;
        int groupsWanted = Math.min(panels, Math.max(1, (wanted + spatialTiles - 1) / spatialTiles));
        int perGroup = (panels + groupsWanted - 1) / groupsWanted;
        int groups = (panels + perGroup - 1) / perGroup;
        int tiles = spatialTiles * groups;
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int t = next.getAndIncrement(); t < tiles; t = next.getAndIncrement()) {
                int spatial = t / groups;
                int g0 = (t - spatial * groups) * perGroup;
                tile.run(spatial, g0, Math.min(panels, g0 + perGroup));
            }
        };
        int helpers = Math.min(useful - 1, tiles - 1);
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int i = 0; i < helpers; i++) {
            futures.add(pool.submit(worker));
        }
        RuntimeException failure = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for binary convolution tiles", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static int roundUp4(int v) {
        return Math.max(4, (v + 3) & ~3);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
