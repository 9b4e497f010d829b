package org.rbnn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rbnn4j.core.io.Checkpoint;
import org.rbnn4j.core.model.ModelSpec;
import org.rbnn4j.core.model.ModelZoo;
import org.rbnn4j.core.model.Network;
import org.rbnn4j.datasets.KnownDataset;
import org.rbnn4j.simd.onnx.OnnxExporter;
import org.rbnn4j.simd.packed.model.PackedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rbnn export}: a training checkpoint to a packed {@code .rbnn} model, or to an ONNX model of the float
 * simulation (standard operators, opset 13) that other runtimes can run.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a training checkpoint as a bit-packed .rbnn model (docs/rbnn-format.md) or as ONNX "
                + "(the float simulation in standard operators, input 'input' [N,C,H,W], output 'logits').")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a .ckpt written by rbnn train") Path checkpoint;
    @Option(names = "--format", defaultValue = "rbnn", description = "rbnn or onnx") String format;
    @Option(names = "--out", required = true, description = "the file to write") Path out;
    @Option(names = "--dataset", description = "dataset whose preprocessing and class names infer should use "
            + "(default: the checkpoint's data.dataset entry, if any)") String dataset;

    @Override
    public Integer call() throws Exception {
        String f = format.toLowerCase(Locale.ROOT);
        if (!f.equals("rbnn") && !f.equals("onnx")) {
            throw new IllegalArgumentException("unknown --format '" + format + "' (rbnn or onnx)");
        }
        Checkpoint c = Checkpoint.read(checkpoint);
        Network net;
        try {
            net = ModelZoo.create(ModelSpec.fromMetadata(c.metadata()), 0);
            net.load(c);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(checkpoint + ": " + e.getMessage());
        }
        String name = dataset != null ? dataset : c.meta(ModelDataInfo.DATASET);
        Map<String, String> meta = new LinkedHashMap<>();
        if (name != null) {
            meta.putAll(ModelDataInfo.of(KnownDataset.byName(name)).toMetadata());
        }
        meta.put("export.checkpoint", checkpoint.getFileName().toString());
        if (f.equals("onnx")) {
            OnnxExporter.export(net, out, meta);
            System.out.printf(Locale.ROOT, "wrote %s: %s as ONNX (opset %d), input '%s' [N,%d,%d,%d], output '%s' "
                            + "[N,%d], %,d bytes%n", out, net.name(), OnnxExporter.OPSET, OnnxExporter.INPUT,
                    net.spec().inChannels(), net.spec().inputSize(), net.spec().inputSize(), OnnxExporter.OUTPUT,
                    net.spec().numClasses(), Files.size(out));
            return 0;
        }
        try (PackedModel m = PackedModel.compile(net, meta, 1)) {
            m.save(out);
            System.out.printf(Locale.ROOT, "wrote %s: %s, %d binary layers, %,d bytes (checkpoint %,d bytes, %.1fx smaller)%n",
                    out, m.spec().architecture(), m.binaryLayerCount(), Files.size(out), Files.size(checkpoint),
                    (double) Files.size(checkpoint) / Files.size(out));
        }
        if (name == null) {
            System.out.println("note: no --dataset given, so the file has no preprocessing constants; "
                    + "pass --dataset to rbnn infer");
        }
        return 0;
    }
}
