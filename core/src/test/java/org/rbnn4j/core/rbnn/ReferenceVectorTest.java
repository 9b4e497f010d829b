package org.rbnn4j.core.rbnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.rbnn4j.core.compute.Backends;
import org.rbnn4j.core.compute.ComputeBackend;
import org.rbnn4j.core.compute.ScalarBackend;
import org.rbnn4j.core.nn.Mode;
import org.rbnn4j.core.optim.TemperatureSchedule;
import org.rbnn4j.core.tensor.Tensor;

/**
 * Parity with the official PyTorch code: every {@code *.json} case in the folder named by the system property
 * {@code rbnn.reference.dir} (default {@code ../shared/reference}, see its README) is replayed.
 *
 * <p>A convolution case ({@code meta.cin} present) loads {@code W, theta, alpha, R1_initial, R2_initial}, sets
 * {@code t, k}, runs one training forward (with the rotation update iff {@code meta.rotation_update_ran}) and the
 * backward of {@code loss = sum(y * G)}, and compares {@code y}, the four gradients, {@code R1}, {@code R2} and the
 * rotated standardised weights. A schedule case ({@code tensors.t} and {@code tensors.k}) is compared with
 * {@link TemperatureSchedule}. Any other kind of case fails, so that new cases are never silently skipped.
 */
class ReferenceVectorTest {
    /** README: float32 in another summation order, relative tolerance around 1e-4. */
    private static final double VALUE_TOLERANCE = 1e-4;
    /** README: gradients of sums over many terms, ~1e-3 relative to the tensor's largest magnitude. */
    private static final double GRADIENT_TOLERANCE = 1e-3;

    private static ComputeBackend previous;

    @BeforeAll
    static void useScalarBackend() {
        previous = Backends.use(new ScalarBackend());
    }

    @AfterAll
    static void restoreBackend() {
        Backends.use(previous);
    }

    static Path referenceDir() {
        return Path.of(System.getProperty("rbnn.reference.dir", "../shared/reference"));
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceCase() throws IOException {
        return casesIn(referenceDir()).stream()
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> runCase(p)));
    }

    @Test
    void aFolderWithoutCasesFails(@TempDir Path empty) throws IOException {
        Files.writeString(empty.resolve("README.md"), "no cases here");
        assertThatThrownBy(() -> casesIn(empty)).isInstanceOf(AssertionError.class).hasMessageContaining("reference cases");
        assertThatThrownBy(() -> casesIn(empty.resolve("missing"))).isInstanceOf(AssertionError.class);
    }

    /** The {@code *.json} files of {@code dir}, sorted; fails unless there is at least one. */
    static List<Path> casesIn(Path dir) throws IOException {
        assertThat(dir).as("reference vector folder (system property rbnn.reference.dir)").isDirectory();
        List<Path> cases;
        try (Stream<Path> files = Files.list(dir)) {
            cases = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertThat(cases).as("reference cases (*.json) in " + dir.toAbsolutePath()).isNotEmpty();
        return cases;
    }

    private static void runCase(Path file) throws IOException {
        Map<String, Object> root = MiniJson.object(MiniJson.parse(Files.readString(file, StandardCharsets.UTF_8)), "case");
        Map<String, Object> meta = MiniJson.object(root.get("meta"), "meta");
        Map<String, Object> tensors = MiniJson.object(root.get("tensors"), "tensors");
        if (meta.containsKey("cin")) {
            runConvolutionCase(meta, tensors);
        } else if (tensors.containsKey("t") && tensors.containsKey("k") && meta.containsKey("epochs")) {
            runScheduleCase(meta, tensors);
        } else {
            throw new AssertionError("unknown kind of reference case " + file + ": meta " + meta.keySet()
                    + ", tensors " + tensors.keySet());
        }
    }

    private static void runConvolutionCase(Map<String, Object> meta, Map<String, Object> tensors) {
        int cin = intOf(meta, "cin");
        int cout = intOf(meta, "cout");
        int kernel = intOf(meta, "kernel");
        int stride = intOf(meta, "stride");
        int padding = intOf(meta, "padding");
        double t = ((Number) meta.get("t")).doubleValue();
        double k = ((Number) meta.get("k")).doubleValue();
        boolean rotationRan = Boolean.TRUE.equals(meta.get("rotation_update_ran"));

        BinaryConv2d layer = new BinaryConv2d(cin, cout, kernel, stride, padding, new SplittableRandom(1));
        if (meta.containsKey("a")) {
            assertThat(layer.filterShape()).as("a x b factorisation")
                    .isEqualTo(new FilterMatrixShape(intOf(meta, "a"), intOf(meta, "b")));
        }
        load(tensors, "W", layer.weight().value());
        load(tensors, "theta", layer.theta().value());
        load(tensors, "alpha", layer.alpha().value());
        BiRotation rotation = (BiRotation) layer.rotation();
        load(tensors, "R1_initial", rotation.r1());
        load(tensors, "R2_initial", rotation.r2());

        layer.onEpochStart(0, 1, t, k);
        layer.onBatchStart(rotationRan ? 0 : 1);
        assertThat(layer.rotationPending()).isEqualTo(rotationRan);

        Tensor x = tensor(tensors, "x");
        Tensor y = layer.forward(x, Mode.TRAIN);
        assertThat(layer.rotationUpdates()).isEqualTo(rotationRan ? 1 : 0);
        assertClose("y", y, tensor(tensors, "y"), VALUE_TOLERANCE);
        assertClose("R1", rotation.r1(), tensor(tensors, "R1"), VALUE_TOLERANCE);
        assertClose("R2", rotation.r2(), tensor(tensors, "R2"), VALUE_TOLERANCE);
        assertClose("rotated_standardized_weight", layer.rotatedWeights(),
                tensor(tensors, "rotated_standardized_weight"), VALUE_TOLERANCE);

        Tensor gradX = layer.backward(tensor(tensors, "G"));
        assertClose("grad_x", gradX, tensor(tensors, "grad_x"), GRADIENT_TOLERANCE);
        assertClose("grad_W", layer.weight().grad(), tensor(tensors, "grad_W"), GRADIENT_TOLERANCE);
        assertClose("grad_theta", layer.theta().grad(), tensor(tensors, "grad_theta"), GRADIENT_TOLERANCE);
        assertClose("grad_alpha", layer.alpha().grad(), tensor(tensors, "grad_alpha"), GRADIENT_TOLERANCE);
    }

    private static void runScheduleCase(Map<String, Object> meta, Map<String, Object> tensors) {
        int epochs = intOf(meta, "epochs");
        TemperatureSchedule schedule = new TemperatureSchedule(((Number) meta.get("Tmin")).doubleValue(),
                ((Number) meta.get("Tmax")).doubleValue());
        float[] t = MiniJson.floats(MiniJson.object(tensors.get("t"), "t").get("data"), "t");
        float[] k = MiniJson.floats(MiniJson.object(tensors.get("k"), "k").get("data"), "k");
        assertThat(t).hasSize(epochs);
        for (int e = 0; e < epochs; e++) {
            assertThat(schedule.t(e, epochs)).as("t[%d]", e).isCloseTo(t[e], relative(t[e]));
            assertThat(schedule.k(e, epochs)).as("k[%d]", e).isCloseTo(k[e], relative(k[e]));
        }
    }

    private static org.assertj.core.data.Offset<Double> relative(double v) {
        return org.assertj.core.data.Offset.offset(1e-6 * Math.max(1.0, Math.abs(v)));
    }

    private static int intOf(Map<String, Object> meta, String key) {
        return ((Number) meta.get(key)).intValue();
    }

    static Tensor tensor(Map<String, Object> tensors, String name) {
        Map<String, Object> entry = MiniJson.object(tensors.get(name), name);
        return Tensor.of(MiniJson.floats(entry.get("data"), name), MiniJson.ints(entry.get("shape"), name));
    }

    /** Copies a reference tensor into a layer tensor of the same number of values (shapes may differ by 1-dims). */
    private static void load(Map<String, Object> tensors, String name, Tensor into) {
        Tensor src = tensor(tensors, name);
        assertThat(src.size()).as("size of %s", name).isEqualTo(into.size());
        into.copyFrom(src);
    }

    /**
     * Every element within {@code tolerance * max|expected|}; an all-zero reference must be matched exactly
     * (the default-init case: the latent weights get exactly no gradient).
     */
    static void assertClose(String name, Tensor actual, Tensor expected, double tolerance) {
        float[] a = actual.data();
        float[] e = expected.data();
        assertThat(a.length).as("size of %s", name).isEqualTo(e.length);
        double scale = 0;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (scale == 0) {
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).as("%s[%d] must be exactly 0 as in the reference", name, i).isZero();
            }
            return;
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            if (!(err <= worst) || at < 0) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                at = i;
            }
        }
        double relativeError = worst / scale;
        if (Boolean.getBoolean("rbnn.reference.verbose")) {
            System.out.printf("%-28s max|ref| %.3e  max err %.3e  relative %.2e%n", name, scale, worst, relativeError);
        }
        assertThat(relativeError)
                .as("%s: max error %.3e at %d (actual %s, expected %s) relative to max|ref| %.3e", name, worst, at,
                        a[at], e[at], scale)
                .isLessThanOrEqualTo(tolerance);
    }
}
