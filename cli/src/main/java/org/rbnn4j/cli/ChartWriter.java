package org.rbnn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rbnn4j.core.train.EpochMetrics;
import org.rbnn4j.core.train.LayerDiagnostics;

/**
 * Draws the PNG charts of a run folder from its epoch history: {@code curves.png} (loss and accuracy),
 * and per binary layer over epochs {@code s.png}, {@code angular_bias.png}, {@code flip_rate.png}.
 */
final class ChartWriter {
    private ChartWriter() {
    }

    static void write(Path dir, List<EpochMetrics> history) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();

        XYChart curves = chart("Loss and accuracy", "loss / accuracy");
        add(curves, "train loss", epochs, history, EpochMetrics::trainLoss);
        add(curves, "test loss", epochs, history, EpochMetrics::testLoss);
        add(curves, "train accuracy", epochs, history, EpochMetrics::trainAccuracy);
        add(curves, "test accuracy", epochs, history, EpochMetrics::testAccuracy);
        save(curves, dir.resolve("curves.png"));

        if (history.get(history.size() - 1).layers().isEmpty()) {
            return;
        }
        save(perLayer("Blend factor s = |sin theta| per layer", "s", history, LayerDiagnostics::meanS), dir.resolve("s.png"));
        XYChart bias = perLayer("Angular bias after rotation per layer (radians)", "angle", history,
                LayerDiagnostics::angularBiasAfter);
        double[] before = history.stream().mapToDouble(m -> m.layers().stream()
                .mapToDouble(LayerDiagnostics::angularBiasBefore).average().orElse(Double.NaN)).toArray();
        bias.addSeries("mean before rotation", epochs, before).setMarker(SeriesMarkers.NONE);
        save(bias, dir.resolve("angular_bias.png"));
        save(perLayer("Weight flip rate per layer", "fraction flipped", history, LayerDiagnostics::flipRate),
                dir.resolve("flip_rate.png"));
    }

    private static XYChart perLayer(String title, String yLabel, List<EpochMetrics> history,
                                    ToDoubleFunction<LayerDiagnostics> value) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (EpochMetrics m : history) {
            for (LayerDiagnostics d : m.layers()) {
                series.computeIfAbsent(d.layer(), k -> new ArrayList<>()).add(new double[] {m.epoch(), value.applyAsDouble(d)});
            }
        }
        XYChart c = chart(title, yLabel);
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            c.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    private static XYChart chart(String title, String yLabel) {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("epoch").yAxisTitle(yLabel).build();
        c.getStyler().setLegendVisible(true);
        return c;
    }

    private static void add(XYChart c, String name, double[] x, List<EpochMetrics> h, ToDoubleFunction<EpochMetrics> f) {
        double[] y = h.stream().mapToDouble(f).toArray();
        for (double v : y) {
            if (!Double.isFinite(v)) {
                return;
            }
        }
        c.addSeries(name, x, y);
    }

    private static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
