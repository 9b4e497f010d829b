package org.rbnn4j.cli;

import java.util.Locale;

/**
 * One run of {@code rbnn bench model}: the same network, with the same random weights, on the same batch, run by
 * the packed engine, the float simulation and ONNX Runtime on the exported float network. Times are medians over
 * {@code reps} timed calls after warm-up; throughputs are {@code batch / median}.
 *
 * @param model                 zoo architecture
 * @param batch                 images per call
 * @param threads               threads of every engine (packed model, float backend, ORT intra-op)
 * @param reps                  timed calls per engine
 * @param cores                 processors the JVM sees
 * @param popcountKernel        the packed engine's XNOR/popcount kernel
 * @param floatBackend          the compute backend of the float simulation (and of the packed model's float parts)
 * @param onnxruntimeVersion    ONNX Runtime's version, or {@code null} when it was not run
 * @param packedMs              median milliseconds per batch, packed engine
 * @param floatMs               median milliseconds per batch, float simulation
 * @param onnxruntimeMs         median milliseconds per batch, ONNX Runtime ({@code NaN} when not run)
 * @param packedFloatAgreement  fraction of images where the packed engine's argmax equals the float simulation's
 * @param onnxFloatAgreement    the same for ONNX Runtime ({@code NaN} when not run)
 * @param onnxBytes             size of the exported ONNX model
 */
record ModelBenchResult(String model, int batch, int threads, int reps, int cores, String popcountKernel,
                        String floatBackend, String onnxruntimeVersion, double packedMs, double floatMs,
                        double onnxruntimeMs, double packedFloatAgreement, double onnxFloatAgreement, long onnxBytes) {

    double packedImagesPerS() {
        return batch / (packedMs / 1e3);
    }

    double floatImagesPerS() {
        return batch / (floatMs / 1e3);
    }

    double onnxruntimeImagesPerS() {
        return batch / (onnxruntimeMs / 1e3);
    }

    /** One JSON object; the keys are an interface, keep them. Values not measured are {@code null}. */
    String toJson() {
        return String.format(Locale.ROOT,
                "{\"model\":\"%s\",\"batch\":%d,\"threads\":%d,\"reps\":%d,\"cores\":%d,\"popcount_kernel\":\"%s\","
                        + "\"float_backend\":\"%s\",\"onnxruntime_version\":%s,"
                        + "\"packed_images_per_s\":%.2f,\"float_images_per_s\":%.2f,\"onnxruntime_images_per_s\":%s,"
                        + "\"packed_vs_float\":%.4g,\"packed_vs_onnxruntime\":%s,\"onnxruntime_vs_float\":%s,"
                        + "\"packed_ms\":%.3f,\"float_ms\":%.3f,\"onnxruntime_ms\":%s,"
                        + "\"argmax_agreement_packed_float\":%.4f,\"argmax_agreement_onnxruntime_float\":%s,"
                        + "\"onnx_bytes\":%d}",
                model, batch, threads, reps, cores, popcountKernel, floatBackend,
                onnxruntimeVersion == null ? "null" : "\"" + onnxruntimeVersion + "\"",
                packedImagesPerS(), floatImagesPerS(), number(onnxruntimeImagesPerS(), "%.2f"),
                floatMs / packedMs, number(onnxruntimeMs / packedMs, "%.4g"), number(floatMs / onnxruntimeMs, "%.4g"),
                packedMs, floatMs, number(onnxruntimeMs, "%.3f"),
                packedFloatAgreement, number(onnxFloatAgreement, "%.4f"), onnxBytes);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "%s batch %d, %d thread(s) on %d cores: packed %.1f images/s (%s kernel), float simulation %.1f images/s "
                        + "(%s backend)", model, batch, threads, cores, packedImagesPerS(), popcountKernel,
                floatImagesPerS(), floatBackend));
        if (!Double.isNaN(onnxruntimeMs)) {
            b.append(String.format(Locale.ROOT, ", ONNX Runtime %s %.1f images/s", onnxruntimeVersion,
                    onnxruntimeImagesPerS()));
        }
        b.append(String.format(Locale.ROOT, "%npacked is %.2fx the float simulation", floatMs / packedMs));
        if (!Double.isNaN(onnxruntimeMs)) {
            b.append(String.format(Locale.ROOT, " and %.2fx ONNX Runtime", onnxruntimeMs / packedMs));
        }
        b.append(String.format(Locale.ROOT, "; argmax agreement with the float simulation: packed %.1f%%",
                100 * packedFloatAgreement));
        if (!Double.isNaN(onnxFloatAgreement)) {
            b.append(String.format(Locale.ROOT, ", ONNX Runtime %.1f%%", 100 * onnxFloatAgreement));
        }
        return b.toString();
    }

    private static String number(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, format, v);
    }
}
