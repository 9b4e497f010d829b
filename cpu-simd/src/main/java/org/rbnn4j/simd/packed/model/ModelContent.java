package org.rbnn4j.simd.packed.model;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.core.rbnn.BinaryConv2d;
import org.rbnn4j.core.tensor.Tensor;

/**
 * What a packed model is made of and what a {@code .rbnn} file stores: the zoo spec, free-form metadata (dataset,
 * normalisation...), the float tensors the packed network reads (every parameter and buffer except the latent
 * weights, blend angles and rotation state of binary layers, which the binary weights replace; their {@code alpha}
 * stays), and the binary weights of each binary layer.
 *
 * @param metadata extra entries (never {@code model.*}, which come from the spec)
 * @param floats   named as in {@link Network#toCheckpoint()} ({@code param.x}, {@code buffer.x})
 * @param binary   by binary layer name ({@code layer1.0.conv1})
 */
record ModelContent(ModelSpec spec, Map<String, String> metadata, Map<String, Tensor> floats,
                    Map<String, BinaryWeights> binary) {

    ModelContent {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        floats = Collections.unmodifiableMap(new LinkedHashMap<>(floats));
        binary = Collections.unmodifiableMap(new LinkedHashMap<>(binary));
    }

    /** Takes the content out of a network (copies). */
    static ModelContent of(Network network, Map<String, String> metadata) {
        if (network.spec() == null) {
            throw new IllegalArgumentException("network " + network.name() + " has no model spec: only zoo models ("
                    + "ModelZoo.create) can be packed");
        }
        Map<String, BinaryWeights> binary = new LinkedHashMap<>();
        for (Map.Entry<String, BinaryConv2d> e : network.binaryLayers().entrySet()) {
            Tensor w = e.getValue().binaryWeights();
            binary.put(e.getKey(), BinaryWeights.pack(w.data(), w.shape()));
        }
        Map<String, Tensor> floats = new LinkedHashMap<>();
        Set<String> skipped = skippedNames(network);
        network.parameters().forEach((n, p) -> {
            if (!skipped.contains(Network.PARAM_PREFIX + n)) {
                floats.put(Network.PARAM_PREFIX + n, p.value().copy());
            }
        });
        network.buffers().forEach((n, b) -> {
            if (!skipped.contains(Network.BUFFER_PREFIX + n)) {
                floats.put(Network.BUFFER_PREFIX + n, b.copy());
            }
        });
        Map<String, String> meta = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (!k.startsWith("model.")) {
                meta.put(k, v);
            }
        });
        return new ModelContent(network.spec(), meta, floats, binary);
    }

    /** Tensor names (with prefix) of binary layers that the packed model does not need. */
    static Set<String> skippedNames(Network network) {
        Set<String> skip = new HashSet<>();
        for (String layer : network.binaryLayers().keySet()) {
            String prefix = layer + ".";
            network.parameters().keySet().forEach(n -> {
                if (n.startsWith(prefix) && !n.equals(layer + ".alpha") && n.indexOf('.', prefix.length()) < 0) {
                    skip.add(Network.PARAM_PREFIX + n);
                }
            });
            network.buffers().keySet().forEach(n -> {
                if (n.startsWith(prefix) && n.indexOf('.', prefix.length()) < 0) {
                    skip.add(Network.BUFFER_PREFIX + n);
                }
            });
        }
        return skip;
    }

    /** Metadata as written to files: the spec's {@code model.*} entries, then the extra ones. */
    Map<String, String> allMetadata() {
        Map<String, String> m = new LinkedHashMap<>(spec.toMetadata());
        m.putAll(metadata);
        return m;
    }
}
