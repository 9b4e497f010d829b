package org.rbnn4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rbnn4j.datasets.KnownDataset;
import org.rbnn4j.datasets.Normalization;

/**
 * The dataset facts a packed model file carries so that {@code rbnn infer} can preprocess images as in training:
 * metadata keys {@code data.dataset}, {@code data.mean}, {@code data.std} (comma-separated per channel) and
 * {@code data.classes} (class names, one per line).
 */
record ModelDataInfo(String dataset, float[] mean, float[] std, List<String> classes) {
    static final String DATASET = "data.dataset";
    static final String MEAN = "data.mean";
    static final String STD = "data.std";
    static final String CLASSES = "data.classes";

    static ModelDataInfo of(KnownDataset d) {
        Normalization n = d.normalization();
        return new ModelDataInfo(d.id(), n.mean(), n.std(), d.classes());
    }

    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DATASET, dataset);
        m.put(MEAN, join(mean));
        m.put(STD, join(std));
        if (!classes.isEmpty()) {
            m.put(CLASSES, String.join("\n", classes));
        }
        return m;
    }

    /** Reads the entries back; null when the file has none. */
    static ModelDataInfo fromMetadata(Map<String, String> m) {
        if (!m.containsKey(DATASET) || !m.containsKey(MEAN) || !m.containsKey(STD)) {
            return null;
        }
        String classes = m.get(CLASSES);
        return new ModelDataInfo(m.get(DATASET), parse(m.get(MEAN)), parse(m.get(STD)),
                classes == null || classes.isEmpty() ? List.of() : List.of(classes.split("\n")));
    }

    private static String join(float[] v) {
        List<String> s = new ArrayList<>();
        for (float f : v) {
            s.add(String.format(Locale.ROOT, "%s", f));
        }
        return String.join(",", s);
    }

    private static float[] parse(String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i].strip());
        }
        return v;
    }
}
