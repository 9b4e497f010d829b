package org.rbnn4j.core.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rbnn4j.core.io.AtomicFiles;

/**
 * The metric files of a run folder: {@code metrics.csv} (one row per epoch), {@code layer_metrics.csv} (one row per
 * epoch and binary layer) and {@code metrics.json} (everything). The CSV texts are also what checkpoints carry, so
 * that a resumed run keeps its full history.
 */
public final class MetricsFiles {
    static final String EPOCH_HEADER = "epoch,lr,t,k,train_loss,train_acc,test_loss,test_acc,seconds,rotation_seconds,rotation_share,mean_s";
    static final String LAYER_HEADER = "epoch,layer,s,angular_bias_before,angular_bias_after,flip_rate,quantization_error,weight_grad_norm";

    private MetricsFiles() {
    }

    public static String epochCsv(List<EpochMetrics> history) {
        StringBuilder sb = new StringBuilder(EPOCH_HEADER).append('\n');
        for (EpochMetrics m : history) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s%n", m.epoch(), num(m.learningRate()),
                    num(m.t()), num(m.k()), num(m.trainLoss()), num(m.trainAccuracy()), num(m.testLoss()),
                    num(m.testAccuracy()), num(m.seconds()), num(m.rotationSeconds()), num(m.rotationShare()), num(m.meanS())));
        }
        return sb.toString();
    }

    public static String layerCsv(List<EpochMetrics> history) {
        StringBuilder sb = new StringBuilder(LAYER_HEADER).append('\n');
        for (EpochMetrics m : history) {
            for (LayerDiagnostics d : m.layers()) {
                sb.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%s,%s,%s%n", m.epoch(), d.layer(), num(d.meanS()),
                        num(d.angularBiasBefore()), num(d.angularBiasAfter()), num(d.flipRate()),
                        num(d.quantizationError()), num(d.weightGradNorm())));
            }
        }
        return sb.toString();
    }

    public static String json(List<EpochMetrics> history) {
        StringBuilder sb = new StringBuilder("{\"epochs\":[");
        for (int i = 0; i < history.size(); i++) {
            EpochMetrics m = history.get(i);
            sb.append(i == 0 ? "\n" : ",\n");
            sb.append(String.format(Locale.ROOT,
                    "{\"epoch\":%d,\"lr\":%s,\"t\":%s,\"k\":%s,\"train_loss\":%s,\"train_acc\":%s,\"test_loss\":%s,"
                            + "\"test_acc\":%s,\"seconds\":%s,\"rotation_seconds\":%s,\"rotation_share\":%s,\"mean_s\":%s,\"layers\":[",
                    m.epoch(), jnum(m.learningRate()), jnum(m.t()), jnum(m.k()), jnum(m.trainLoss()), jnum(m.trainAccuracy()),
                    jnum(m.testLoss()), jnum(m.testAccuracy()), jnum(m.seconds()), jnum(m.rotationSeconds()),
                    jnum(m.rotationShare()), jnum(m.meanS())));
            for (int j = 0; j < m.layers().size(); j++) {
                LayerDiagnostics d = m.layers().get(j);
                sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"layer\":\"%s\",\"s\":%s,\"angular_bias_before\":%s,\"angular_bias_after\":%s,\"flip_rate\":%s,"
                                + "\"quantization_error\":%s,\"weight_grad_norm\":%s}",
                        d.layer(), jnum(d.meanS()), jnum(d.angularBiasBefore()), jnum(d.angularBiasAfter()),
                        jnum(d.flipRate()), jnum(d.quantizationError()), jnum(d.weightGradNorm())));
            }
            sb.append("]}");
        }
        return sb.append("\n]}\n").toString();
    }

    /** Writes the three files into {@code dir}, each atomically. */
    public static void write(Path dir, List<EpochMetrics> history) throws IOException {
        writeText(dir.resolve("metrics.csv"), epochCsv(history));
        writeText(dir.resolve("layer_metrics.csv"), layerCsv(history));
        writeText(dir.resolve("metrics.json"), json(history));
    }

    private static void writeText(Path file, String text) throws IOException {
        AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Parses what {@link #epochCsv} and {@link #layerCsv} wrote (for resumed runs). */
    public static List<EpochMetrics> parse(String epochCsv, String layerCsv) {
        List<List<LayerDiagnostics>> layers = new ArrayList<>();
        List<Integer> layerEpochs = new ArrayList<>();
        if (layerCsv != null) {
            for (String line : layerCsv.split("\n")) {
                if (line.isBlank() || line.startsWith("epoch,")) {
                    continue;
                }
                String[] f = line.split(",");
                int epoch = Integer.parseInt(f[0]);
                if (layerEpochs.isEmpty() || layerEpochs.get(layerEpochs.size() - 1) != epoch) {
                    layerEpochs.add(epoch);
                    layers.add(new ArrayList<>());
                }
                layers.get(layers.size() - 1).add(new LayerDiagnostics(f[1], d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7])));
            }
        }
        List<EpochMetrics> out = new ArrayList<>();
        for (String line : epochCsv.split("\n")) {
            if (line.isBlank() || line.startsWith("epoch,")) {
                continue;
            }
            String[] f = line.split(",");
            int epoch = Integer.parseInt(f[0]);
            int li = layerEpochs.indexOf(epoch);
            out.add(new EpochMetrics(epoch, d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]), d(f[8]), d(f[9]),
                    li >= 0 ? layers.get(li) : List.of()));
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    private static String jnum(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
