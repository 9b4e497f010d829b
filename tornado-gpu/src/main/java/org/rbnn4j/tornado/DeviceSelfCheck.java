package org.rbnn4j.tornado;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ConvGeometry;
import org.rbnn4j.core.compute.ScalarBackend;

/**
 * Runs every device operation of {@link TornadoBackend} once on a training-sized shape of {@code resnet20_1w1a} and
 * compares it with {@link ScalarBackend}, the reference: what {@code rbnn devices --check} prints, so that a user can see
 * whether a GPU and its driver compute rbnn4j's kernels right (and how long each takes) before a long run. Reached by
 * reflection ({@link #lines(String)}), like {@link DeviceListing}, so the CLI builds without TornadoVM.
 *
 * <p>Each operation runs once untimed (it compiles for the device then) and once timed, including its transfers. An
 * operation passes when every element is within {@link #TOLERANCE} of the reference relative to the largest reference
 * magnitude: devices may fuse multiply-adds, so sums differ by rounding (exact-order comparisons are the test suite's job).
 */
public final class DeviceSelfCheck {
    /** Largest accepted {@code max|device - reference| / max|reference|}. */
    static final double TOLERANCE = 1e-4;

    /** One operation's outcome. */
    public record Result(String operation, String shape, double relativeError, double millis) {
        public boolean passed() {
            return relativeError <= TOLERANCE;
        }

        String describe() {
            return String.format(Locale.ROOT, "%-28s %-24s max rel. error %.1e  %s  %8.2f ms", operation, shape,
                    relativeError, passed() ? "ok  " : "FAIL", millis);
        }
    }

    private final TornadoBackend device;
    private final ScalarBackend reference = new ScalarBackend();
    private final SplittableRandom rnd = new SplittableRandom(2020);
    private final List<Result> results = new ArrayList<>();

    private DeviceSelfCheck(TornadoBackend device) {
        this.device = device;
    }

    /**
     * The report as lines (device, one line per operation, a verdict), for the device chosen by {@code selector}
     * ({@code null} for TornadoVM's default; see {@link TornadoDevices#select}). Never throws: a failure to start
     * becomes a line saying why.
     */
    public static List<String> lines(String selector) {
        if (!TornadoRuntimeCheck.runtimeConfigured()) {
            return List.of("TornadoVM runtime not loaded: " + TornadoRuntimeCheck.HOW_TO_RUN);
        }
        TornadoSettings.applyDefaults();
        List<String> lines = new ArrayList<>();
        try (TornadoBackend backend = new TornadoBackend(TornadoDevices.select(selector))) {
            lines.add("device: " + backend.deviceName());
            List<Result> results = run(backend);
            long failed = results.stream().filter(r -> !r.passed()).count();
            results.forEach(r -> lines.add(r.describe()));
            lines.add(failed == 0 ? "all " + results.size() + " operations match the reference"
                    : failed + " of " + results.size() + " operations do NOT match the reference");
        } catch (RuntimeException | LinkageError e) {
            lines.add("device check failed: " + e);
        }
        return lines;
    }

    /** Every operation on {@code backend} against the reference. */
    public static List<Result> run(TornadoBackend backend) {
        DeviceSelfCheck check = new DeviceSelfCheck(backend);
        check.convolutions();
        check.gemm();
        check.normalisation();
        check.elementwise();
        check.binaryLayerOps();
        check.pooling();
        return List.copyOf(check.results);
    }

    private void convolutions() {
        for (ConvGeometry g : new ConvGeometry[] {new ConvGeometry(16, 16, 32, 32, 16, 3, 3, 1, 1, 0f),
                new ConvGeometry(16, 32, 16, 16, 64, 3, 3, 2, 1, 0f)}) {
            String shape = g.batch() + "x" + g.inChannels() + "x" + g.inH() + "x" + g.inW() + " -> " + g.outChannels()
                    + (g.stride() > 1 ? " /" + g.stride() : "");
            float[] x = random(g.inputSize());
            float[] w = random(g.weightSize());
            float[] dy = random(g.outputSize());
            compare("conv2d forward", shape, g.outputSize(),
                    out -> reference.conv2dForward(g, x, w, out), out -> device.conv2dForward(g, x, w, out));
            compare("conv2d backward data", shape, g.inputSize(),
                    out -> reference.conv2dBackwardData(g, dy, w, out), out -> device.conv2dBackwardData(g, dy, w, out));
            compare("conv2d backward weights", shape, g.weightSize(),
                    out -> reference.conv2dBackwardWeights(g, x, dy, out),
                    out -> device.conv2dBackwardWeights(g, x, dy, out));
        }
    }

    private void gemm() {
        int m = 256;
        int n = 64;
        int k = 10;
        float[] a = random(m * k);
        float[] b = random(k * n);
        compare("sgemm", m + "x" + n + "x" + k, m * n,
                out -> reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, out, 0, n),
                out -> device.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, out, 0, n));
    }

    private void normalisation() {
        int n = 64;
        int c = 16;
        int hw = 1024;
        String shape = n + "x" + c + "x" + hw;
        float[] x = random(n * c * hw);
        float[] scale = random(c);
        float[] shift = random(c);
        compare("channel mean", shape, c, out -> reference.channelMeanVariance(x, n, c, hw, out, new float[c]),
                out -> device.channelMeanVariance(x, n, c, hw, out, new float[c]));
        compare("channel variance", shape, c, out -> reference.channelMeanVariance(x, n, c, hw, new float[c], out),
                out -> device.channelMeanVariance(x, n, c, hw, new float[c], out));
        compare("channel affine", shape, x.length, out -> reference.channelAffine(x, n, c, hw, scale, shift, out),
                out -> device.channelAffine(x, n, c, hw, scale, shift, out));
        float[] dy = random(x.length);
        float[] invStd = random(c);
        compare("batch norm backward dx", shape, x.length,
                out -> reference.batchNormBackward(dy, x, n, c, hw, scale, invStd, new float[c], new float[c], out),
                out -> device.batchNormBackward(dy, x, n, c, hw, scale, invStd, new float[c], new float[c], out));
        compare("channel scale", shape, x.length, out -> reference.channelScale(x, n, c, hw, scale, out),
                out -> device.channelScale(x, n, c, hw, scale, out));
        compare("channel scale backward, scale gradient", shape, c,
                out -> reference.channelScaleBackward(x, dy, n, c, hw, scale, out, new float[x.length]),
                out -> device.channelScaleBackward(x, dy, n, c, hw, scale, out, new float[x.length]));
        int h = 32;
        int w = 32;
        int cin = c;
        int nOut = n * 2 * cin * (h / 2) * (w / 2);
        float[] y = random(nOut);
        String shortcut = n + "x" + cin + "x" + h + "x" + w + " -> " + 2 * cin + " /2";
        compare("option-A shortcut", shortcut, nOut, out -> reference.padSubsample(x, n, cin, h, w, 2 * cin, cin / 2, 2, out),
                out -> device.padSubsample(x, n, cin, h, w, 2 * cin, cin / 2, 2, out));
        compare("option-A shortcut gradient", shortcut, x.length,
                out -> reference.padSubsampleBackward(y, n, cin, h, w, 2 * cin, cin / 2, 2, out),
                out -> device.padSubsampleBackward(y, n, cin, h, w, 2 * cin, cin / 2, 2, out));
    }

    private void elementwise() {
        int len = 1 << 18;
        String shape = String.valueOf(len);
        float[] x = random(len);
        float[] dy = random(len);
        compare("hardtanh forward", shape, len, out -> reference.hardtanhForward(x, out, len),
                out -> device.hardtanhForward(x, out, len));
        compare("hardtanh backward", shape, len, out -> reference.hardtanhBackward(x, dy, out, len),
                out -> device.hardtanhBackward(x, dy, out, len));
        float[] v = random(len);
        compare("sgd update", shape, len, out -> {
            System.arraycopy(x, 0, out, 0, len);
            reference.sgdUpdate(out, dy, v.clone(), len, 0.1f, 0.9f, 1e-4f);
        }, out -> {
            System.arraycopy(x, 0, out, 0, len);
            device.sgdUpdate(out, dy, v.clone(), len, 0.1f, 0.9f, 1e-4f);
        });
        compare("add", shape, len, out -> reference.add(x, dy, out, len), out -> device.add(x, dy, out, len));
        residentSgd();
    }

    /**
     * Two SGD steps of three parameters with the velocities resident on the device, then brought home: weights and
     * velocities (end to end in the output) against the reference's {@code sgdStep}. Each run loads the velocities
     * afresh (as a resume does), so the timed run is one upload, two steps and one download.
     */
    private void residentSgd() {
        int[] sizes = {70_000, 1_000, 3};
        float[][] w0 = new float[sizes.length][];
        float[][] g = new float[sizes.length][];
        float[][] v0 = new float[sizes.length][];
        int total = 0;
        for (int i = 0; i < sizes.length; i++) {
            w0[i] = random(sizes[i]);
            g[i] = random(sizes[i]);
            v0[i] = random(sizes[i]);
            total += sizes[i];
        }
        float[][] w = new float[sizes.length][];
        float[][] v = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            w[i] = new float[sizes[i]];
            v[i] = new float[sizes[i]];
        }
        compare("sgd step, resident state", sizes.length + " parameters, " + total, 2 * total,
                out -> twoSgdSteps(reference, w0, g, v0, w, v, out),
                out -> twoSgdSteps(device, w0, g, v0, w, v, out));
    }

    private static void twoSgdSteps(ComputeBackend backend, float[][] w0, float[][] g, float[][] v0, float[][] w,
                                    float[][] v, float[] out) {
        for (int i = 0; i < w.length; i++) {
            System.arraycopy(w0[i], 0, w[i], 0, w[i].length);
            System.arraycopy(v0[i], 0, v[i], 0, v[i].length);
        }
        backend.markHostWritten(v);
        backend.sgdStep(w, g, v, 0.1f, 0.9f, 1e-4f);
        backend.sgdStep(w, g, v, 0.1f, 0.9f, 1e-4f);
        backend.synchronizeHost();
        int at = 0;
        for (float[] a : w) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        for (float[] a : v) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
    }

    private void binaryLayerOps() {
        int runs = 64;
        int len = 16 * 32 * 32;
        String shape = runs + " runs of " + len;
        float[] x = random(runs * len);
        float[] invStd = new float[runs];
        float[] xhat = new float[x.length];
        reference.standardiseRuns(x, runs, len, xhat, new float[x.length], invStd);
        compare("standardise", shape, x.length,
                out -> reference.standardiseRuns(x, runs, len, out, new float[x.length], new float[runs]),
                out -> device.standardiseRuns(x, runs, len, out, new float[x.length], new float[runs]));
        float[] grad = random(x.length);
        compare("standardise sign backward", shape, x.length, out -> {
            System.arraycopy(grad, 0, out, 0, out.length);
            reference.standardiseRunsSignBackward(xhat, runs, len, invStd, 1.41f, 1f, 1f, out);
        }, out -> {
            System.arraycopy(grad, 0, out, 0, out.length);
            device.standardiseRunsSignBackward(xhat, runs, len, invStd, 1.41f, 1f, 1f, out);
        });
        int filters = 64;
        int a = 24;
        int b = 24;
        float[] w = random(filters * a * b);
        float[] r1 = random(a * a);
        float[] r2 = random(b * b);
        String rotation = filters + " filters " + a + "x" + b;
        compare("rotate filters", rotation, w.length, out -> reference.rotateFilters(w, r1, r2, filters, a, b, out),
                out -> device.rotateFilters(w, r1, r2, filters, a, b, out));
        float[] signs = new float[w.length];
        reference.rotationSigns(w, r1, r2, filters, a, b, signs, new double[a * a]);
        compare("rotation D1", rotation, a * a, out -> rotationD1(reference, w, r1, r2, filters, a, b, out),
                out -> rotationD1(device, w, r1, r2, filters, a, b, out));
        compare("rotation D2", rotation, b * b, out -> rotationD2(reference, w, r1, signs, filters, a, b, out),
                out -> rotationD2(device, w, r1, signs, filters, a, b, out));
    }

    private static void rotationD1(org.rbnn4j.core.compute.ComputeBackend backend, float[] w, float[] r1, float[] r2,
                                   int filters, int a, int b, float[] out) {
        double[] d1 = new double[a * a];
        backend.rotationSigns(w, r1, r2, filters, a, b, new float[w.length], d1);
        for (int i = 0; i < d1.length; i++) {
            out[i] = (float) d1[i];
        }
    }

    private static void rotationD2(org.rbnn4j.core.compute.ComputeBackend backend, float[] w, float[] r1, float[] signs,
                                   int filters, int a, int b, float[] out) {
        double[] d2 = new double[b * b];
        backend.rotationRightCorrelation(w, r1, signs, filters, a, b, d2);
        for (int i = 0; i < d2.length; i++) {
            out[i] = (float) d2[i];
        }
    }

    private void pooling() {
        int planes = 16 * 128;
        int h = 16;
        int w = 16;
        String shape = planes + " planes " + h + "x" + w;
        float[] x = random(planes * h * w);
        int outputs = planes * (h / 2) * (w / 2);
        int[] argmax = new int[outputs];
        reference.maxPool2dForward(x, planes, h, w, 2, 2, 0, new float[outputs], argmax);
        compare("max pool 2x2", shape, outputs,
                out -> reference.maxPool2dForward(x, planes, h, w, 2, 2, 0, out, new int[outputs]),
                out -> device.maxPool2dForward(x, planes, h, w, 2, 2, 0, out, new int[outputs]));
        float[] dy = random(outputs);
        compare("max pool 2x2 backward", shape, x.length,
                out -> reference.maxPool2dBackward(dy, argmax, planes, h, w, 2, 2, 0, out),
                out -> device.maxPool2dBackward(dy, argmax, planes, h, w, 2, 2, 0, out));
        compare("avg pool 2x2", shape, outputs, out -> reference.avgPool2dForward(x, planes, h, w, 2, 2, out),
                out -> device.avgPool2dForward(x, planes, h, w, 2, 2, out));
        compare("avg pool 2x2 backward", shape, x.length,
                out -> reference.avgPool2dBackward(dy, planes, h, w, 2, 2, out),
                out -> device.avgPool2dBackward(dy, planes, h, w, 2, 2, out));
        compare("global avg pool", shape, planes, out -> reference.globalAvgPoolForward(x, planes, h * w, out),
                out -> device.globalAvgPoolForward(x, planes, h * w, out));
        float[] dMean = random(planes);
        compare("global avg pool backward", shape, x.length,
                out -> reference.globalAvgPoolBackward(dMean, planes, h * w, out),
                out -> device.globalAvgPoolBackward(dMean, planes, h * w, out));
    }

    /** Something that fills (or, for weight gradients, adds to) a zeroed output array. */
    private interface Operation {
        void into(float[] out);
    }

    private void compare(String operation, String shape, int size, Operation ref, Operation dev) {
        float[] expected = new float[size];
        ref.into(expected);
        float[] actual = new float[size];
        dev.into(actual); // compiles for the device
        Arrays.fill(actual, 0f); // some operations accumulate into their output (weight gradients)
        long start = System.nanoTime();
        dev.into(actual);
        double millis = (System.nanoTime() - start) / 1e6;
        results.add(new Result(operation, shape, relativeError(actual, expected), millis));
    }

    /** {@code max|actual - expected| / max(1e-12, max|expected|)}; infinite for a NaN where the reference has none. */
    static double relativeError(float[] actual, float[] expected) {
        double scale = 1e-12;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(actual[i]) != Float.isNaN(expected[i])) {
                return Double.POSITIVE_INFINITY;
            }
            if (!Float.isNaN(expected[i])) {
                worst = Math.max(worst, Math.abs((double) actual[i] - expected[i]));
            }
        }
        return worst / scale;
    }

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
