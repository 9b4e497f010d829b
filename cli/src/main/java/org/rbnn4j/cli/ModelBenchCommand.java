package org.rbnn4j.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.bench.JitActivity;
import org.rbnn4j.simd.onnx.OnnxExporter;
import org.rbnn4j.simd.packed.PopcountKernel;
import org.rbnn4j.simd.packed.model.PackedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rbnn bench model}: images per second of one zoo network (random weights, random BatchNorm statistics) run
 * three ways in one process on the same batch: the packed engine ({@link PackedModel}), the float simulation
 * ({@code network.forward(x, EVAL)} on the SIMD backend) and ONNX Runtime running the network exported by
 * {@link OnnxExporter} (intra-op threads = {@code --threads}, all graph optimisations). Each engine is warmed up
 * first, then the timed calls go round-robin over the engines, so that slow drifts of a shared machine hit all three
 * alike; the medians are reported.
 *
 * <p>ONNX Runtime is a runtime dependency of the CLI (its jar carries the native library); {@code --no-onnxruntime}
 * skips it, for platforms it does not support.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Images/s of a zoo model: packed engine vs float simulation vs ONNX Runtime on the exported "
                + "float network, same weights, same run.")
final class ModelBenchCommand implements Callable<Integer> {
    private static final double MAX_WARMUP_SECONDS = 60;

    @Option(names = "--model", defaultValue = "resnet20_1w1a", completionCandidates = ModelNames.class,
            description = "zoo architecture: ${COMPLETION-CANDIDATES}") String model;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--threads", defaultValue = "1", description = "threads of every engine") int threads;
    @Option(names = "--reps", defaultValue = "7", description = "timed calls per engine") int reps;
    @Option(names = "--warmup", defaultValue = "2", description = "untimed calls per engine first, at least") int warmup;
    @Option(names = "--warmup-seconds", defaultValue = "2",
            description = "warm each engine up for at least this long, then until its speed is steady (at most 60 s; "
                    + "0: only --warmup calls)")
    double warmupSeconds;
    @Option(names = "--channels", defaultValue = "3") int channels;
    @Option(names = "--classes", defaultValue = "10") int classes;
    @Option(names = "--size", defaultValue = "32", description = "input height and width") int size;
    @Option(names = "--backend", defaultValue = "simd", description = "float backend of the simulation") String backend;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--no-onnxruntime", description = "skip ONNX Runtime") boolean noOnnxRuntime;
    @Option(names = "--json", description = "print one JSON object") boolean json;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || threads < 1 || reps < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("--batch, --threads and --reps must be at least 1, --warmup and "
                    + "--warmup-seconds at least 0");
        }
        ModelSpec spec = new ModelSpec(ModelZoo.canonicalName(model), channels, classes, size, Map.of());
        Network net = ModelZoo.create(spec, seed);
        randomiseStatistics(net, new SplittableRandom(seed + 1));
        Tensor x = randomImages(new SplittableRandom(seed + 2));
        try (ComputeBackend compute = Backends.create(backend, threads)) {
            ComputeBackend previous = Backends.use(compute);
            try (PackedModel packed = PackedModel.compile(net, Map.of(), threads);
                 OnnxRun onnx = noOnnxRuntime ? null : new OnnxRun(OnnxExporter.toBytes(net), x, threads)) {
                ModelBenchResult r = measure(net, packed, onnx, x, compute.name());
                System.out.println(json ? r.toJson() : r.toString());
            } finally {
                Backends.use(previous);
            }
        }
        return 0;
    }

    private ModelBenchResult measure(Network net, PackedModel packed, OnnxRun onnx, Tensor x, String floatBackend)
            throws OrtException {
        List<Engine> engines = new ArrayList<>();
        Tensor[] floatOut = new Tensor[1];
        Tensor[] packedOut = new Tensor[1];
        float[][] onnxOut = new float[1][];
        engines.add(() -> packedOut[0] = packed.logits(x));
        engines.add(() -> floatOut[0] = net.forward(x, Mode.EVAL));
        if (onnx != null) {
            engines.add(() -> onnxOut[0] = onnx.run());
        }
        // Twice round: warming the float simulation and ONNX Runtime can invalidate code the JIT compiled for the
        // packed engine (shared classes, wider type profiles); the second round waits until it is compiled again
        // (resnet20_1w1a was timed at 3,020 instead of 4,150 images/s in one run of four without it).
        for (int round = 0; round < 2; round++) {
            for (Engine e : engines) {
                warmUp(e);
            }
        }
        double[][] ms = new double[engines.size()][reps];
        for (int rep = 0; rep < reps; rep++) {
            for (int k = 0; k < engines.size(); k++) {
                long t0 = System.nanoTime();
                engines.get(k).run();
                ms[k][rep] = (System.nanoTime() - t0) / 1e6;
            }
        }
        int[] reference = argmax(floatOut[0].data());
        double packedAgreement = agreement(argmax(packedOut[0].data()), reference);
        double onnxAgreement = onnx == null ? Double.NaN : agreement(argmax(onnxOut[0]), reference);
        return new ModelBenchResult(net.name(), batch, threads, reps, Runtime.getRuntime().availableProcessors(),
                PopcountKernel.best().name().toLowerCase(java.util.Locale.ROOT), floatBackend,
                onnx == null ? null : onnx.version(), median(ms[0]), median(ms[1]),
                onnx == null ? Double.NaN : median(ms[2]), packedAgreement, onnxAgreement,
                onnx == null ? 0 : onnx.modelBytes());
    }

    /**
     * Runs {@code e} at least {@code --warmup} times and {@code --warmup-seconds}, then in windows of half a second
     * until two windows in a row run at the same speed (within 3%) and the JIT compiled nothing during the second, at
     * most {@value #MAX_WARMUP_SECONDS} s. Why: the JIT compiles the packed engine's many kernels in the background,
     * and with every core busy running the engine its compiler threads get little time; a fixed short warm-up measured
     * 2 threads barely faster than 1 (1,244 against 1,004 images/s for vgg_small_1w1a; 1,773 after 8 s of warm-up,
     * 2,280 warm). A steady speed alone is not enough: resnet20_1w1a ran steadily at 3,085 images/s for two windows
     * while C2 was still compiling its kernels (4,053 after 10 s).
     */
    private void warmUp(Engine e) throws OrtException {
        long start = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - start < warmupSeconds * 1e9; i++) {
            e.run();
        }
        double previous = Double.NaN;
        while (warmupSeconds > 0 && System.nanoTime() - start < MAX_WARMUP_SECONDS * 1e9) {
            long compiling = JitActivity.compilationMillis();
            long windowStart = System.nanoTime();
            int calls = 0;
            while (calls < 1 || System.nanoTime() - windowStart < 0.5e9) {
                e.run();
                calls++;
            }
            double rate = calls / ((System.nanoTime() - windowStart) / 1e9);
            boolean compiled = JitActivity.compilationMillis() != compiling;
            if (Math.abs(rate - previous) <= 0.03 * rate && !compiled) {
                return;
            }
            previous = rate;
        }
    }

    /** One timed call of an engine. */
    private interface Engine {
        void run() throws OrtException;
    }

    /** An ONNX Runtime session on the exported model, with its input tensor made once. */
    private static final class OnnxRun implements AutoCloseable {
        private final OrtEnvironment env;
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final OnnxTensor input;
        private final long modelBytes;

        OnnxRun(byte[] model, Tensor x, int threads) throws OrtException {
            try {
                env = OrtEnvironment.getEnvironment();
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException("ONNX Runtime could not be loaded on this platform (" + e
                        + "); rerun with --no-onnxruntime", e);
            }
            options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // ONNX Runtime's intra-op workers spin for a while after each run by default: in the round-robin that
            // steals a core from the engine timed next (measured: packed and float at 2 threads no faster than at 1).
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(model, options);
            input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()),
                    Arrays.stream(x.shape()).asLongStream().toArray());
            modelBytes = model.length;
        }

        float[] run() throws OrtException {
            try (OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, input))) {
                FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        }

        String version() {
            return env.getVersion();
        }

        long modelBytes() {
            return modelBytes;
        }

        @Override
        public void close() throws OrtException {
            input.close();
            session.close();
            options.close();
        }
    }

    private Tensor randomImages(SplittableRandom r) {
        float[] d = new float[batch * channels * size * size];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return Tensor.of(d, batch, channels, size, size);
    }

    /**
     * BatchNorm statistics and affine parameters drawn at random (gammas in [0.5, 1.5], betas and means ~ N(0, 0.1),
     * variances in [0.5, 1.5]) so that every layer carries signal, as in a trained network; the zoo's initial gammas
     * (1e-8 in the CIFAR ResNet-20) would make the argmax comparison meaningless. Timing does not depend on them.
     */
    private static void randomiseStatistics(Network net, SplittableRandom r) {
        net.buffers().forEach((name, t) -> {
            float[] d = t.data();
            if (name.endsWith("running_mean")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (r.nextGaussian() * 0.1);
                }
            } else if (name.endsWith("running_var")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (0.5 + r.nextDouble());
                }
            }
        });
        java.util.Set<String> buffers = net.buffers().keySet();
        net.parameters().forEach((name, p) -> {
            float[] d = p.value().data();
            boolean batchNorm = buffers.contains(name.substring(0, name.lastIndexOf('.') + 1) + "running_mean");
            if (batchNorm && name.endsWith(".weight")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (0.5 + r.nextDouble());
                }
            } else if (batchNorm && name.endsWith(".bias")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (r.nextGaussian() * 0.1);
                }
            }
        });
    }

    private int[] argmax(float[] logits) {
        int c = logits.length / batch;
        int[] best = new int[batch];
        for (int i = 0; i < batch; i++) {
            for (int k = 1; k < c; k++) {
                if (logits[i * c + k] > logits[i * c + best[i]]) {
                    best[i] = k;
                }
            }
        }
        return best;
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return (double) same / a.length;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
