package org.rbnn4j.simd.conv;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.packed.ActivationPacker;
import org.rbnn4j.simd.packed.BinaryConvExecutor;
import org.rbnn4j.simd.packed.OutputLayout;
import org.rbnn4j.simd.packed.PackedActivations;
import org.rbnn4j.simd.packed.PackedConv2d;
import org.rbnn4j.simd.packed.PopcountKernel;

/**
 * The forward convolution of a binary layer in training ({@code ComputeBackend.binaryConv2dForward}): activations
 * and weights are +-1 floats, so the float product is the exact integer {@code sum(sign(x) * sign(w))}, which the
 * packed XNOR/popcount kernels of {@code org.rbnn4j.simd.packed} compute from 1-bit operands, 64 channels per
 * word, instead of a float GEMM over im2col columns. Both operands are packed on every call (the weights change
 * after every SGD step); the results equal the float convolution of the same arrays bit for bit.
 *
 * <p>The packed activation buffers (with their all-+1 border) are kept per calling thread and per shape, so a
 * network's layers reuse theirs batch after batch; packing overwrites only the interior, so the border stays
 * clear. Geometries the packed kernels do not cover (a pad value other than 0 or 1) are not accepted: see
 * {@link #supports}.
 */
public final class BinaryConvolution implements AutoCloseable {
    /** Shapes cached per thread, at most (a network has a handful of binary input shapes). */
    private static final int MAX_CACHED_SHAPES = 16;

    private final WorkerPool pool;
    private final BinaryConvExecutor executor;
    /** After {@link #close()} convolutions run on the calling thread, like the closed backend's other operations. */
    private volatile boolean closed;
    private final ThreadLocal<Map<Shape, PackedActivations>> buffers =
            ThreadLocal.withInitial(() -> new LinkedHashMap<>(16, 0.75f, true));

    /** A convolution runner on {@code pool}'s threads: packing on the pool, the packed kernels on as many threads. */
    public BinaryConvolution(WorkerPool pool) {
        this.pool = pool;
        this.executor = new BinaryConvExecutor(pool.threads());
    }

    /** Whether {@link #forward} handles this geometry (padded taps worth 0 or +1, kernels up to 63 wide). */
    public static boolean supports(ConvGeometry g) {
        return (g.padValue() == 0f || g.padValue() == 1f) && g.kernelH() <= 63 && g.kernelW() <= 63;
    }

    /**
     * {@code y = conv2d(x, w)} (NCHW, overwritten) for {@code x} and {@code w} of +-1 values: exact integers, equal to
     * the float convolution. A value's bit is its sign ({@code x < 0} is -1), so arrays holding other values are
     * binarised rather than rejected.
     */
    public void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        if (!supports(g)) {
            throw new IllegalArgumentException("packed binary convolution does not support " + g);
        }
        PackedConv2d conv = PackedConv2d.of(g, w);
        PackedActivations in = buffer(g);
        if (closed) {
            ActivationPacker.packNchw(x, 0, in);
        } else {
            SignPacking.packNchw(pool, x, in);
        }
        if (closed) {
            conv.forward(in, y, OutputLayout.NCHW, PopcountKernel.best());
        } else {
            executor.forward(conv, in, y, OutputLayout.NCHW);
        }
    }

    private PackedActivations buffer(ConvGeometry g) {
        Shape key = new Shape(g.batch(), g.inChannels(), g.inH(), g.inW(), g.padding());
        Map<Shape, PackedActivations> cache = buffers.get();
        PackedActivations in = cache.get(key);
        if (in == null) {
            if (cache.size() >= MAX_CACHED_SHAPES) {
                cache.remove(cache.keySet().iterator().next()); // least recently used
            }
            in = PackedActivations.allocate(key.batch, key.channels, key.height, key.width, key.pad);
            cache.put(key, in);
        }
        return in;
    }

    @Override
    public void close() {
        closed = true;
        executor.close();
    }

    private record Shape(int batch, int channels, int height, int width, int pad) {
    }
}
