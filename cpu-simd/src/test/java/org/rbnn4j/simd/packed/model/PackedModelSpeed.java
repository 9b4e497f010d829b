package org.rbnn4j.simd.packed.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.simd.SimdBackend;
import org.rbnn4j.simd.onnx.OnnxExporter;

/**
 * A by-hand timing harness (not a test): images/s of the packed network and of the float simulation
 * ({@code forward(x, EVAL)} on the SIMD backend) and, optionally, of ONNX Runtime running the exported float network,
 * in one JVM, after warm-up, medians of several runs.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... org.rbnn4j.simd.packed.model.PackedModelSpeed \
 *     [models=resnet20_1w1a,vgg_small_1w1a,resnet18_1w1a] [threads=1,2] [batch=64] [float=true] [ort=false] [seconds=2]
 * </pre>
 */
public final class PackedModelSpeed {
    private PackedModelSpeed() {
    }

    public static void main(String[] args) throws OrtException {
        List<String> models = List.of("resnet20_1w1a", "vgg_small_1w1a", "resnet18_1w1a");
        int[] threads = {1, 2};
        int batch = 64;
        boolean withFloat = true;
        boolean withOrt = false;
        boolean steps = false;
        double seconds = 2;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "models" -> models = List.of(kv[1].split(","));
                case "threads" -> threads = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "batch" -> batch = Integer.parseInt(kv[1]);
                case "float" -> withFloat = Boolean.parseBoolean(kv[1]);
                case "steps" -> steps = Boolean.parseBoolean(kv[1]);
                case "ort" -> withOrt = Boolean.parseBoolean(kv[1]);
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        System.out.printf(Locale.ROOT, "%d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"));
        for (String model : models) {
            ModelSpec spec = ModelSpec.of(model, 3, 10);
            Network net = ModelZoo.create(spec, 7);
            PackedModelTest.randomiseStatistics(net, new Random(11));
            Tensor x = PackedModelTest.randomImages(batch, spec, new Random(5));
            for (int t : threads) {
                ComputeBackend backend = SimdBackend.create(t);
                ComputeBackend old = Backends.use(backend);
                try (PackedModel packed = PackedModel.compile(net, Map.of(), t)) {
                    double packedRate = batch / median(() -> packed.logits(x), seconds);
                    String floatPart = "";
                    if (withFloat) {
                        double floatRate = batch / median(() -> net.forward(x, Mode.EVAL), seconds);
                        floatPart = String.format(Locale.ROOT, ", float %8.1f images/s, packed/float %5.1fx",
                                floatRate, packedRate / floatRate);
                    }
                    if (withOrt) {
                        double ortRate = batch / ortSeconds(net, x, t, seconds);
                        floatPart += String.format(Locale.ROOT, ", ORT %8.1f images/s, packed/ORT %5.1fx", ortRate,
                                packedRate / ortRate);
                    }
                    System.out.printf(Locale.ROOT, "%-16s batch %d, %d thread(s): packed %8.1f images/s%s%n", model,
                            batch, t, packedRate, floatPart);
                    if (steps) {
                        printSteps(packed, x, seconds);
                    }
                } finally {
                    Backends.use(old);
                    backend.close();
                }
            }
        }
    }

    /** Time per image of each step of the fused schedule (one thread), grouped by kind, largest first. */
    private static void printSteps(PackedModel packed, Tensor x, double seconds) {
        long[] nanos = new long[packed.scheduleSteps()];
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int runs = 0;
        while (runs < 3 || System.nanoTime() < end) {
            packed.logitsTimed(x, nanos, Boolean.getBoolean("speed.cpu")
                    ? java.lang.management.ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime
                    : System::nanoTime);
            runs++;
        }
        String[] lines = packed.describeSchedule().split("\n");
        Map<String, Long> byKind = new java.util.TreeMap<>();
        long total = 0;
        for (int k = 0; k < nanos.length; k++) {
            String kind = lines[k].split(" ")[0] + (lines[k].startsWith("fused") ? " " + lines[k].split(" ")[2] : "");
            byKind.merge(kind, nanos[k], Long::sum);
            total += nanos[k];
        }
        double images = (double) runs * x.dim(0);
        long sum = total;
        byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
                System.out.printf(Locale.ROOT, "    %-28s %8.1f us/image %5.1f%%%n", e.getKey(), e.getValue() / images / 1e3,
                        100.0 * e.getValue() / sum));
        System.out.printf(Locale.ROOT, "    %-28s %8.1f us/image%n", "total", total / images / 1e3);
        if (Boolean.getBoolean("speed.steps.each")) {
            for (int k = 0; k < nanos.length; k++) {
                System.out.printf(Locale.ROOT, "      %3d %8.1f us/image  %s%n", k, nanos[k] / images / 1e3, lines[k]);
            }
        }
    }

    private static double ortSeconds(Network net, Tensor x, int threads, double seconds) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(OnnxExporter.toBytes(net), o);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()),
                         Arrays.stream(x.shape()).asLongStream().toArray())) {
                return median(() -> {
                    try (OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, input))) {
                        r.get(0);
                    } catch (OrtException e) {
                        throw new IllegalStateException(e);
                    }
                }, seconds);
            }
        }
    }

    /**
     * Median seconds per call: warm-up for about {@code seconds}, then at least 5 runs or {@code seconds}. With
     * {@code -Dspeed.cpu=true} the time of a call is the calling thread's CPU time, which a machine shared with other
     * jobs inflates less than wall time (only meaningful when the calling thread does all the work: one thread).
     */
    private static double median(Runnable body, double seconds) {
        boolean cpu = Boolean.getBoolean("speed.cpu");
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        int warm = 0;
        while (warm < 3 || (System.nanoTime() - start < budget && warm < 200)) {
            body.run();
            warm++;
        }
        List<Long> times = new ArrayList<>();
        start = System.nanoTime();
        while (times.size() < 5 || (System.nanoTime() - start < budget && times.size() < 100)) {
            long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            body.run();
            times.add((cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0);
        }
        times.sort(null);
        return times.get(times.size() / 2) / 1e9;
    }
}
