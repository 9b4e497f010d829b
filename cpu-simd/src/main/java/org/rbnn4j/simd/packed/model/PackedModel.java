package org.rbnn4j.simd.packed.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.io.ModelFileException;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Parameter;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.SimdBackend;
import org.rbnn4j.simd.concurrent.WorkerPool;
import org.rbnn4j.simd.packed.BinaryConvExecutor;
import org.rbnn4j.simd.packed.PopcountKernel;

/**
 * A trained network compiled for bit-packed inference (DESIGN.md §4): binary convolutions run as XNOR/popcount over
 * 1-bit weights and activations, everything else stays float and repeats the float layers' arithmetic, so logits
 * equal those of {@code network.forward(x, Mode.EVAL)} up to float summation order (argmax identical).
 *
 * <pre>{@code
 * try (PackedModel m = PackedModel.compile(network)) { m.save(Path.of("model.rbnn")); }
 * try (PackedModel m = PackedModel.load(Path.of("model.rbnn"))) { int[] classes = m.predict(batch); }
 * }</pre>
 *
 * <p><b>How it runs.</b> The network is lowered to a logical op list, one op per layer ({@link GraphCompiler}; this
 * list is what model files store), which the {@link Planner} turns into the fused schedule inference runs: each
 * binary convolution with the max pool, BatchNorm, residual add and hardtanh after it in one pass over its NHWC
 * output ({@link FusedBinaryConv}), which also binarises and packs that output for the next binary layers (an output
 * only binary layers read is never kept as floats beyond the image being finished); the first
 * float layer's convolution, BatchNorm and activation in one step ({@link FusedChannelAffine}, or
 * {@link PackedChannelAffine} when only binary layers read it); per-image thresholds equal to the float layer's mean
 * bit for bit ({@link SampleMean}). The fused schedule computes exactly what the logical ops compute one by one
 * (tested bit for bit on every zoo model).
 *
 * <p>Thread-safe: the compiled program is immutable and every call borrows its own {@link Workspace}. Batches of at
 * least {@link #threads()} images are split into chunks of images run on the threads; smaller batches (the
 * single-image latency path) run on the calling thread with each binary convolution split among the threads.
 * Float parts use {@link Backends#current()} at call time, as the float layers do (unless it computes on a device:
 * then a SIMD backend of the model's own).
 */
public final class PackedModel implements AutoCloseable {
    /**
     * Images per chunk at most: a chunk's values stay in the core's caches from one layer to the next (the fused
     * steps work on even fewer images at a time, see {@link FusedBinaryConv}).
     */
    private static final int MAX_CHUNK = 8;

    private final ModelContent content;
    private final Program program;
    private final int threads;
    /** The float layers' backend when the current one computes on a device (see {@link #floatBackend}). */
    private ComputeBackend hostBackend;
    private final PopcountKernel kernel;
    private final WorkerPool pool;
    private final BinaryConvExecutor intraOp;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private PackedModel(ModelContent content, Program program, int threads) {
        this.content = content;
        this.program = program;
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.kernel = PopcountKernel.best();
        if (this.threads > 1) {
            this.pool = new WorkerPool(this.threads);
            this.intraOp = new BinaryConvExecutor(this.threads, kernel);
        } else {
            this.pool = null;
            this.intraOp = null;
        }
    }

    /** Compiles {@code network} (a zoo model, see {@link ModelZoo#create}) with one thread per core. */
    public static PackedModel compile(Network network) {
        return compile(network, Map.of(), 0);
    }

    /**
     * Compiles {@code network} for inputs of its spec's size.
     *
     * @param metadata extra entries stored in saved files (dataset name, normalisation...); {@code model.*} keys
     *                 are taken from the spec instead
     * @param threads  threads for inference; {@code <= 0} means one per available processor
     * @throws IllegalArgumentException for networks without a zoo spec or with layers packed inference cannot run
     */
    public static PackedModel compile(Network network, Map<String, String> metadata, int threads) {
        Objects.requireNonNull(network, "network");
        network.syncToHost(); // the compiler reads the layers' tensors; a device backend may hold their newest values
        ModelContent content = ModelContent.of(network, metadata);
        Map<BinaryConv2d, float[]> weights = new IdentityHashMap<>();
        network.binaryLayers().forEach((name, layer) -> weights.put(layer, content.binary().get(name).unpack()));
        Program program = GraphCompiler.compile(network, inputShape(content.spec()), weights::get);
        return new PackedModel(content, program, threads);
    }

    /** Loads a {@code .rbnn} file with one thread per core. */
    public static PackedModel load(Path file) throws ModelFileException {
        return load(file, 0);
    }

    /**
     * Loads and validates a {@code .rbnn} file (format: {@link RbnnFile}): rebuilds the network from the stored spec,
     * fills in the stored tensors, checks every name and shape and that the compiled graph equals the stored one.
     *
     * @throws ModelFileException naming the file and the problem
     */
    public static PackedModel load(Path file, int threads) throws ModelFileException {
        RbnnFile.Contents contents = RbnnFile.read(file);
        ModelContent content = contents.content();
        Network network;
        try {
            network = ModelZoo.create(content.spec(), 0);
        } catch (RuntimeException e) {
            throw new ModelFileException(file, "cannot build model " + content.spec().architecture() + ": "
                    + e.getMessage());
        }
        Set<String> skipped = ModelContent.skippedNames(network);
        Set<String> expected = new HashSet<>();
        for (Map.Entry<String, Parameter> e : network.parameters().entrySet()) {
            String name = Network.PARAM_PREFIX + e.getKey();
            if (!skipped.contains(name)) {
                copy(file, content, name, e.getValue().value());
                expected.add(name);
            }
        }
        for (Map.Entry<String, Tensor> e : network.buffers().entrySet()) {
            String name = Network.BUFFER_PREFIX + e.getKey();
            if (!skipped.contains(name)) {
                copy(file, content, name, e.getValue());
                expected.add(name);
            }
        }
        for (String name : content.floats().keySet()) {
            if (!expected.contains(name)) {
                throw new ModelFileException(file, "unexpected tensor '" + name + "' for model "
                        + content.spec().architecture());
            }
        }
        Map<String, BinaryConv2d> layers = network.binaryLayers();
        Map<BinaryConv2d, float[]> weights = new IdentityHashMap<>();
        for (Map.Entry<String, BinaryConv2d> e : layers.entrySet()) {
            BinaryWeights bits = content.binary().get(e.getKey());
            BinaryConv2d layer = e.getValue();
            int[] shape = {layer.outChannels(), layer.inChannels(), layer.kernelSize(), layer.kernelSize()};
            if (bits == null) {
                throw new ModelFileException(file, "no binary weights for layer '" + e.getKey() + "'");
            }
            if (!Arrays.equals(bits.shape(), shape)) {
                throw new ModelFileException(file, "binary layer '" + e.getKey() + "' has shape "
                        + Arrays.toString(bits.shape()) + ", the model expects " + Arrays.toString(shape));
            }
            weights.put(layer, bits.unpack());
        }
        for (String name : content.binary().keySet()) {
            if (!layers.containsKey(name)) {
                throw new ModelFileException(file, "unexpected binary layer '" + name + "'");
            }
        }
        Program program;
        try {
            program = GraphCompiler.compile(network, inputShape(content.spec()), weights::get);
        } catch (RuntimeException e) {
            throw new ModelFileException(file, "cannot compile model: " + e.getMessage());
        }
        if (!program.describe().equals(contents.graph())) {
            throw new ModelFileException(file, "the stored graph differs from the graph this build makes of "
                    + content.spec().architecture() + " (written by an incompatible version?)");
        }
        return new PackedModel(content, program, threads);
    }

    private static void copy(Path file, ModelContent content, String name, Tensor into) throws ModelFileException {
        Tensor t = content.floats().get(name);
        if (t == null) {
            throw new ModelFileException(file, "missing tensor '" + name + "'");
        }
        if (!t.sameShape(into)) {
            throw new ModelFileException(file, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", the model expects " + Arrays.toString(into.shape()));
        }
        into.copyFrom(t);
    }

    private static int[] inputShape(ModelSpec spec) {
        return new int[] {spec.inChannels(), spec.inputSize(), spec.inputSize()};
    }

    /** Writes this model as a {@code .rbnn} file (atomically). */
    public void save(Path file) throws IOException {
        RbnnFile.write(file, content, program.describe());
    }

    public ModelSpec spec() {
        return content.spec();
    }

    /** The extra metadata (dataset, normalisation...), without the {@code model.*} spec entries. */
    public Map<String, String> metadata() {
        return content.metadata();
    }

    public int threads() {
        return threads;
    }

    public int numClasses() {
        return program.outputSizePerImage();
    }

    /** {@code [C, H, W]} of the images this model takes. */
    public int[] inputShape() {
        return program.inputShape();
    }

    /** Number of binary (packed) layers. */
    public int binaryLayerCount() {
        return content.binary().size();
    }

    /** The compiled op list, one op per line. */
    public String describe() {
        return program.describe();
    }

    /** Logits {@code [N, classes]} for images {@code [N, C, H, W]}. */
    public Tensor logits(Tensor batch) {
        Objects.requireNonNull(batch, "batch");
        int[] in = program.inputShape();
        int[] s = batch.shape();
        if (s.length != 4 || s[1] != in[0] || s[2] != in[1] || s[3] != in[2]) {
            throw new IllegalArgumentException("packed " + content.spec().architecture() + " takes images [N, " + in[0]
                    + ", " + in[1] + ", " + in[2] + "], got " + Arrays.toString(s));
        }
        if (closed) {
            throw new IllegalStateException("packed model is closed");
        }
        int n = s[0];
        int classes = numClasses();
        float[] out = new float[n * classes];
        if (n > 0) {
            if (pool == null || n < threads) {
                runChunks(batch.data(), n, out, new Execution(floatBackend(), kernel, intraOp));
            } else {
                runParallel(batch.data(), n, out);
            }
        }
        return Tensor.of(out, n, classes);
    }

    /** The class of highest logit of each image (the first on ties). */
    public int[] predict(Tensor batch) {
        Tensor logits = logits(batch);
        int n = logits.dim(0);
        int c = logits.dim(1);
        float[] l = logits.data();
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (l[i * c + k] > l[i * c + best]) {
                    best = k;
                }
            }
            classes[i] = best;
        }
        return classes;
    }

    /**
     * The unfused reference: the logical ops one by one in NCHW ({@link Program#reference()}), on the calling thread.
     * For tests, which check that the fused schedule gives the same numbers bit for bit.
     */
    Tensor referenceLogits(Tensor batch) {
        int n = batch.dim(0);
        int classes = numClasses();
        float[] out = new float[n * classes];
        Schedule schedule = program.reference();
        Execution exec = new Execution(floatBackend(), kernel, null);
        schedule.run(new Workspace(schedule), batch.data(), 0, n, out, 0, exec);
        return Tensor.of(out, n, classes);
    }

    /**
     * Runs {@code batch} through the fused schedule on the calling thread (chunks of {@link #MAX_CHUNK}, no intra-op
     * threads), adding each step's time on {@code clock} to {@code nanos[step]}: a profiling aid for harnesses.
     */
    void logitsTimed(Tensor batch, long[] nanos, java.util.function.LongSupplier clock) {
        int n = batch.dim(0);
        int in = program.inputSizePerImage();
        int classes = numClasses();
        float[] out = new float[n * classes];
        Execution exec = new Execution(floatBackend(), kernel, null);
        Workspace ws = borrow();
        try {
            for (int i = 0; i < n; i += MAX_CHUNK) {
                int m = Math.min(MAX_CHUNK, n - i);
                program.fused().runTimed(ws, batch.data(), i * in, m, out, i * classes, exec, nanos, clock);
            }
        } finally {
            workspaces.add(ws);
        }
    }

    /** Steps of the fused schedule. */
    int scheduleSteps() {
        return program.fused().steps().size();
    }

    /** Floats per image of the fused schedule's value slots (what a workspace holds per image, scratch aside). */
    long scheduleFloatsPerImage() {
        Schedule fused = program.fused();
        long floats = 0;
        for (int s = 0; s < fused.slotCount(); s++) {
            floats += fused.slotSizePerImage(s);
        }
        return floats;
    }

    /** The fused schedule, one step per line (for debugging). */
    String describeSchedule() {
        return program.fused().describe();
    }

    private void runChunks(float[] x, int n, float[] out, Execution exec) {
        Workspace ws = borrow();
        try {
            int in = program.inputSizePerImage();
            int classes = numClasses();
            for (int i = 0; i < n; i += MAX_CHUNK) {
                int m = Math.min(MAX_CHUNK, n - i);
                program.fused().run(ws, x, i * in, m, out, i * classes, exec);
            }
        } finally {
            workspaces.add(ws);
        }
    }

    /**
     * Chunks of images on the pool's threads, each chunk through the whole network with a workspace of its own. The
     * pool is a {@link WorkerPool}, so float layers that the backend would parallelise run inline in each chunk's
     * thread instead of competing for the same cores.
     */
    private void runParallel(float[] x, int n, float[] out) {
        int chunk = Math.max(1, Math.min(MAX_CHUNK, (n + threads - 1) / threads));
        int chunks = (n + chunk - 1) / chunk;
        int in = program.inputSizePerImage();
        int classes = numClasses();
        Execution exec = new Execution(floatBackend(), kernel, null);
        pool.parallelFor(chunks, c -> {
            Workspace ws = borrow();
            try {
                int i = c * chunk;
                int m = Math.min(chunk, n - i);
                program.fused().run(ws, x, i * in, m, out, i * classes, exec);
            } finally {
                workspaces.add(ws);
            }
        });
    }

    private Workspace borrow() {
        Workspace ws = workspaces.poll();
        return ws != null ? ws : new Workspace(program.fused());
    }

    /**
     * The backend of the float layers: the current one, as the float simulation uses (so that both compute the same
     * floats), unless it computes on a device (then a single-threaded SIMD backend of this model's own: the packed
     * model runs on the CPU, and device results would have to come home after every layer).
     */
    private ComputeBackend floatBackend() {
        ComputeBackend current = Backends.current();
        if (current.computesOnHost()) {
            return current;
        }
        synchronized (this) {
            if (hostBackend == null) {
                hostBackend = SimdBackend.create(1);
            }
            return hostBackend;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (hostBackend != null) {
                hostBackend.close();
            }
        }
        if (pool != null) {
            pool.close();
            intraOp.close();
        }
        workspaces.clear();
    }

    @Override
    public String toString() {
        return "PackedModel[" + content.spec().architecture() + ", " + content.binary().size() + " binary layers, "
                + threads + " threads]";
    }
}
