package org.rbnn4j.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is needed to rebuild a network from the zoo: architecture name, input channels, classes, input size and
 * the layer options (binary-layer variants). Checkpoints and model files carry it as metadata.
 */
public record ModelSpec(String architecture, int inChannels, int numClasses, int inputSize, Map<String, String> options) {

    public ModelSpec {
        if (inChannels <= 0 || numClasses <= 0 || inputSize <= 0) {
            throw new IllegalArgumentException("model " + architecture + ": channels, classes and input size must be positive");
        }
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }

    public static ModelSpec of(String architecture, int inChannels, int numClasses) {
        return new ModelSpec(architecture, inChannels, numClasses, 32, Map.of());
    }

    public ModelSpec withOption(String key, String value) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.put(key, value);
        return new ModelSpec(architecture, inChannels, numClasses, inputSize, o);
    }

    public ModelSpec withInputSize(int size) {
        return new ModelSpec(architecture, inChannels, numClasses, size, options);
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /** Metadata entries ({@code model.*}) describing this spec. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model.architecture", architecture);
        m.put("model.in_channels", Integer.toString(inChannels));
        m.put("model.classes", Integer.toString(numClasses));
        m.put("model.input_size", Integer.toString(inputSize));
        options.forEach((k, v) -> m.put("model.option." + k, v));
        return m;
    }

    /** Reads a spec back from {@link #toMetadata()} entries. */
    public static ModelSpec fromMetadata(Map<String, String> meta) {
        String arch = meta.get("model.architecture");
        if (arch == null) {
            throw new IllegalArgumentException("no model.architecture entry: not a model checkpoint");
        }
        Map<String, String> options = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("model.option.")) {
                options.put(k.substring("model.option.".length()), v);
            }
        });
        return new ModelSpec(arch, Integer.parseInt(meta.get("model.in_channels")), Integer.parseInt(meta.get("model.classes")),
                Integer.parseInt(meta.getOrDefault("model.input_size", "32")), options);
    }
}
