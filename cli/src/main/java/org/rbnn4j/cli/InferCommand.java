package org.rbnn4j.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.rbnn4j.core.tensor.Tensor;
import org.rbnn4j.datasets.KnownDataset;
import org.rbnn4j.simd.packed.model.PackedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rbnn infer}: classifies PNG/JPEG images with a packed model. Preprocessing as the model's dataset: grayscale
 * for one-channel models, images up to 4 pixels smaller than the input zero-padded (28x28 to 32x32, as the
 * Fashion-MNIST pipeline), other sizes resized (shorter side) and centre-cropped, then normalised.
 */
@Command(name = "infer", mixinStandardHelpOptions = true, description = "Classify images with a packed .rbnn model.")
final class InferCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a .rbnn file written by rbnn export") Path model;
    @Option(names = "--dataset", description = "preprocessing and class names of this dataset "
            + "(default: those stored in the model file)") String dataset;
    @Option(names = "--threads", defaultValue = "0") int threads;
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG files") List<Path> images;

    @Override
    public Integer call() throws Exception {
        try (PackedModel m = PackedModel.load(model, threads)) {
            ModelDataInfo info = dataset != null ? ModelDataInfo.of(KnownDataset.byName(dataset))
                    : ModelDataInfo.fromMetadata(m.metadata());
            if (info == null) {
                throw new IllegalArgumentException(model + " stores no dataset preprocessing; pass --dataset");
            }
            int[] shape = m.inputShape();
            if (info.mean().length != shape[0] || info.std().length != shape[0]) {
                throw new IllegalArgumentException("dataset " + info.dataset() + " has " + info.mean().length
                        + " channel(s), the model takes " + shape[0]);
            }
            for (Path image : images) {
                Tensor x = preprocess(image, shape, info);
                float[] logits = m.logits(x).data();
                int best = 0;
                for (int k = 1; k < logits.length; k++) {
                    if (logits[k] > logits[best]) {
                        best = k;
                    }
                }
                double sum = 0;
                for (float l : logits) {
                    sum += Math.exp(l - logits[best]);
                }
                String name = best < info.classes().size() ? " (" + info.classes().get(best) + ")" : "";
                System.out.printf(Locale.ROOT, "%s: class %d%s, probability %.4f%n", image, best, name, 1 / sum);
            }
        }
        return 0;
    }

    static Tensor preprocess(Path file, int[] shape, ModelDataInfo info) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such image file");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IllegalArgumentException(file + ": not a readable PNG or JPEG image");
        }
        int c = shape[0];
        int size = shape[1];
        int w = img.getWidth();
        int h = img.getHeight();
        float[] out = new float[c * size * size];
        int top;
        int left;
        if (w <= size && h <= size && w >= size - 4 && h >= size - 4) {
            top = (size - h) / 2;
            left = (size - w) / 2;
        } else {
            double scale = (double) size / Math.min(w, h);
            int sw = Math.max(size, (int) Math.round(w * scale));
            int sh = Math.max(size, (int) Math.round(h * scale));
            BufferedImage scaled = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, sw, sh, null);
            g.dispose();
            img = scaled.getSubimage((sw - size) / 2, (sh - size) / 2, size, size);
            w = size;
            h = size;
            top = 0;
            left = 0;
        }
        // zero pixels (before normalisation) in the padded border, as Pad.toSize in the training pipeline
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                float r = ((rgb >> 16) & 0xFF) / 255f;
                float gr = ((rgb >> 8) & 0xFF) / 255f;
                float b = (rgb & 0xFF) / 255f;
                int p = (y + top) * size + x + left;
                if (c == 1) {
                    out[p] = (r * 299 + gr * 587 + b * 114) / 1000f;
                } else {
                    out[p] = r;
                    out[size * size + p] = gr;
                    out[2 * size * size + p] = b;
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < size * size; p++) {
                int i = ch * size * size + p;
                out[i] = (out[i] - info.mean()[ch]) / info.std()[ch];
            }
        }
        return Tensor.of(out, 1, c, size, size);
    }
}
